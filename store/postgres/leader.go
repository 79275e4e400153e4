package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// leaderLockSpace is the first key of the leadership advisory locks (pg_try_advisory_lock(int4,
// int4)); the second is the hash of the job's name. Two-key advisory locks never collide with the
// one-key ones (goose's, the seq announcements).
const leaderLockSpace = 0x506c7400 // "Plt\0"

// TryLeadership implements store.Store with a session advisory lock held on a connection taken
// from the pool for as long as the leadership lasts. The server releases the lock when that
// session ends, so a node that dies (kill -9, lost network) hands the leadership on by itself.
func (s *Store) TryLeadership(ctx context.Context, name string) (release func(), ok bool, err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("store/postgres: leadership %s: %w", name, err)
	}
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, leaderLockSpace, name).Scan(&ok); err != nil {
		conn.Release()
		return nil, false, fmt.Errorf("store/postgres: leadership %s: %w", name, err)
	}
	if !ok {
		conn.Release()
		return nil, false, nil
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			var unlocked bool
			err := conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, leaderLockSpace, name).Scan(&unlocked)
			if err != nil || !unlocked {
				// The session may still hold the lock: end it, which releases every lock it holds.
				_ = conn.Conn().Close(ctx)
			}
			conn.Release()
		})
	}, true, nil
}
