package postgres

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portlight/portlight/internal/pgtest"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/storetest"
)

// commitCutter is a TCP proxy between the store and the server that, once armed with a marker,
// cuts the connection that carried the marker at the server's answer to its COMMIT: the
// transaction is committed, the store never hears so.
type commitCutter struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	marker   []byte // cut the connection whose client sent this, at its COMMIT's answer
	cuts     atomic.Int32
}

// commitComplete is the server's CommandComplete message for a COMMIT: 'C', its length, the tag.
var commitComplete = []byte("C\x00\x00\x00\x0bCOMMIT\x00")

func newCommitCutter(t *testing.T, upstream string) *commitCutter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &commitCutter{ln: ln, upstream: upstream}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

// arm makes the proxy cut the next connection that sends marker, at its COMMIT's answer.
func (p *commitCutter) arm(marker string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.marker = []byte(marker)
}

func (p *commitCutter) serve(client net.Conn) {
	server, err := net.Dial("tcp", p.upstream)
	if err != nil {
		client.Close()
		return
	}
	defer client.Close()
	defer server.Close()
	var marked atomic.Bool
	go func() { // client → server, watching for the marker
		buf := make([]byte, 64<<10)
		var tail []byte // the end of the previous read: a marker may straddle two reads
		for {
			n, err := client.Read(buf)
			if n > 0 {
				p.mu.Lock()
				if m := p.marker; m != nil && bytes.Contains(append(tail, buf[:n]...), m) {
					p.marker = nil
					marked.Store(true)
				}
				p.mu.Unlock()
				tail = append(tail[:0], buf[max(0, n-64):n]...)
				if _, err := server.Write(buf[:n]); err != nil {
					return
				}
			}
			if err != nil {
				server.Close()
				return
			}
		}
	}()
	buf := make([]byte, 64<<10) // server → client, cutting at the COMMIT's answer once marked
	for {
		n, err := server.Read(buf)
		if n > 0 {
			if marked.Load() && bytes.Contains(buf[:n], commitComplete) {
				p.cuts.Add(1)
				return // closes both: the answer never reaches the store
			}
			if _, err := client.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return
			}
			return
		}
	}
}

// openThroughCutter opens a store on a fresh database through a commitCutter.
func openThroughCutter(t *testing.T) (*Store, *commitCutter) {
	u, err := url.Parse(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	p := newCommitCutter(t, u.Host)
	u.Host = p.ln.Addr().String()
	q := u.Query()
	q.Set("sslmode", "disable") // the proxy reads the protocol
	u.RawQuery = q.Encode()
	s, err := Open(context.Background(), u.String(), Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, p
}

// TestCommitAnswerLost: the connection is cut between a COMMIT that the server carried out and
// its answer. The store cannot know whether the commands are stored; it applies them again
// recognising what landed (store/internal/group): each call is answered, nothing applied twice.
func TestCommitAnswerLost(t *testing.T) {
	s, p := openThroughCutter(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

	t.Run("OneCall", func(t *testing.T) {
		eq := storetest.EquipmentNumber(1)
		m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "cut-one", NewReleaseID: "rel-one"}
		p.arm(m.PublicReferenceID)
		outs, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m))
		if got := p.cuts.Load(); got != 1 {
			t.Fatalf("the proxy cut %d commits, want 1", got)
		}
		if err != nil || len(outs) != 1 || outs[0].Rejected {
			t.Fatalf("Apply after the COMMIT's answer was lost: %v %+v", err, outs)
		}
		if a, err := s.AuditTrail(ctx, m.PublicReferenceID, ""); err != nil || len(a) != 1 {
			t.Errorf("%d audit records (%v), want 1", len(a), err)
		}
		if c, err := s.Container(ctx, storetest.Port, eq, now); err != nil || len(c.Rights) != 1 {
			t.Errorf("container holds %v rights (%v), want 1", c, err)
		}
		want := release.Decide(&release.Container{PortLoCode: storetest.Port, EquipmentNumber: eq},
			storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)
		if ns, err := s.Notifications(ctx, store.NotificationQuery{PublicReferenceID: m.PublicReferenceID}); err != nil ||
			len(ns) != len(want.Notifications) {
			t.Errorf("%d notifications (%v), want %d", len(ns), err, len(want.Notifications))
		}
	})

	t.Run("GroupOfIncrements", func(t *testing.T) {
		const workers = 30
		eq := storetest.EquipmentNumber(2)
		m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: "cut-release", NewReleaseID: "rel-counter"}
		if outs, err := s.Apply(ctx, storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)); err != nil || outs[0].Rejected {
			t.Fatalf("Release: %v %+v", err, outs)
		}
		cuts := p.cuts.Load()
		p.arm("cut-inc-7") // one call of the group: the whole group's COMMIT goes unanswered
		errs := make([]error, workers)
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() {
				mi := release.Meta{Now: now.Add(time.Duration(i+1) * time.Millisecond), Sender: storetest.Forwarder,
					PublicReferenceID: fmt.Sprintf("cut-inc-%d", i)}
				outs, err := s.Apply(ctx, storetest.CounterOp(eq, "rel-counter", mi))
				if err == nil && outs[0].Rejected {
					err = fmt.Errorf("rejected: %s", outs[0].Reason)
				}
				errs[i] = err
			})
		}
		wg.Wait()
		if got := p.cuts.Load() - cuts; got != 1 {
			t.Fatalf("the proxy cut %d commits, want 1", got)
		}
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("Apply: %v", err)
		}
		c, err := s.Container(ctx, storetest.Port, eq, now.Add(time.Second))
		if err != nil || len(c.Rights) != 1 || c.Rights[0].Details.VoyageNumber != strconv.Itoa(workers) {
			t.Fatalf("after %d increments the counter is %+v (%v)", workers, c, err)
		}
		if a, err := s.AuditTrail(ctx, "", eq); err != nil || len(a) != workers+1 {
			t.Errorf("%d audit records (%v), want %d", len(a), err, workers+1)
		}
	})
}

// TestSameCallOnTwoNodes: the same call sent to two nodes at once (a client retrying on another
// node) is applied once; both are answered with its outcome.
func TestSameCallOnTwoNodes(t *testing.T) {
	a, url := openFresh(t, Options{})
	b, err := Open(context.Background(), url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	for n := range 20 {
		eq := storetest.EquipmentNumber(n)
		m := release.Meta{Now: now, Sender: storetest.Agent, PublicReferenceID: fmt.Sprintf("twice-%d", n), NewReleaseID: fmt.Sprintf("rel-%d", n)}
		op := storetest.CommandOp(storetest.Port, eq, storetest.ReleaseCommand(storetest.Port, eq, "R1", nil), m)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, s := range []*Store{a, b} {
			wg.Go(func() {
				outs, err := s.Apply(ctx, op)
				if err == nil && outs[0].Rejected {
					err = fmt.Errorf("rejected: %s", outs[0].Reason)
				}
				errs[i] = err
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("call %d: %v", n, err)
		}
		if tr, err := a.AuditTrail(ctx, m.PublicReferenceID, ""); err != nil || len(tr) != 1 {
			t.Errorf("call %d: %d audit records (%v), want 1", n, len(tr), err)
		}
		if c, err := a.Container(ctx, storetest.Port, eq, now); err != nil || len(c.Rights) != 1 {
			t.Errorf("call %d: container %+v (%v), want 1 right", n, c, err)
		}
	}
}
