package sqlite

import "context"

// TryLeadership implements store.Store: one process uses a SQLite database (the writer holds it),
// so it is always the leader.
func (s *Store) TryLeadership(context.Context, string) (release func(), ok bool, err error) {
	return func() {}, true, nil
}

// Ping implements store.Store: whether a reader connection answers.
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }
