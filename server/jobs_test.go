package server

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/sqlite"
	"github.com/portlight/portlight/store/storetest"
)

// leadership is a store whose expiry leadership another node holds (granted false) or this one
// gets (granted true); it counts the releases.
type leadership struct {
	store.Store
	granted  bool
	released int
}

func (l *leadership) TryLeadership(context.Context, string) (func(), bool, error) {
	if !l.granted {
		return nil, false, nil
	}
	return func() { l.released++ }, true, nil
}

// TestExpiryRoundRunsOnTheLeaderOnly: a node whose store says another node leads the expiry
// round skips it; the leader runs it and gives the leadership back.
func TestExpiryRoundRunsOnTheLeaderOnly(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "portlight.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	created := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	eq := storetest.EquipmentNumber(1)
	m := release.Meta{Now: created, Sender: storetest.Agent, PublicReferenceID: "pub-1", NewReleaseID: "rel-1"}
	if _, err := st.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)); err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return created.Add(release.RightLifetime + time.Hour) }
	expired := func() bool {
		c, err := st.Container(ctx, storetest.Port, eq, now())
		if err != nil {
			t.Fatal(err)
		}
		return c.Rights[0].Status == release.StatusExpired
	}

	follower := &leadership{Store: st}
	round := func(st store.Store) error {
		return led(st, ExpiryJob, expiryRound(service.New(st, nil, nil, nil, service.Config{}, now)))(ctx)
	}
	if err := round(follower); err != nil {
		t.Fatal(err)
	}
	if expired() {
		t.Fatalf("a node that does not lead the expiry round expired a right")
	}
	leader := &leadership{Store: st, granted: true}
	if err := round(leader); err != nil {
		t.Fatal(err)
	}
	if !expired() || leader.released != 1 {
		t.Fatalf("the leader's round: expired %v, leadership released %d times", expired(), leader.released)
	}
}
