package group

import (
	"errors"
	"testing"
	"time"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

var at = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func op(prid, action string) store.Op {
	return store.Op{PortLoCode: "BEANR", EquipmentNumber: "PLTU0000010",
		Decide: func(*release.Container) release.Outcome { return release.Outcome{} },
		Audit: store.Audit{PublicReferenceID: prid, CompanyID: "agent", Action: action,
			EquipmentNumber: "PLTU0000010", Request: []byte(`{}`), At: at}}
}

// call records how Commit called apply.
type call struct {
	n         int
	recognise bool
}

// TestCommitRetriesAlone: which failures make Commit apply the requests again one by one, and
// that those tries recognise what is stored.
func TestCommitRetriesAlone(t *testing.T) {
	boom := errors.New("boom")
	for _, tc := range []struct {
		name  string
		size  int
		first error // the group's result; tries alone succeed
		want  []call
		err   bool // the callers get the group's error
	}{
		{"GroupCommitted", 3, nil, []call{{3, false}}, false},
		{"GroupFailed", 3, boom, []call{{3, false}, {1, true}, {1, true}, {1, true}}, false},
		{"LoneFailed", 1, boom, []call{{1, false}}, true},
		{"LoneUncertain", 1, Uncertain(boom), []call{{1, false}, {1, true}}, false},
		{"LoneDuplicate", 1, Duplicate(boom), []call{{1, false}, {1, true}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqs := make([]*Request, tc.size)
			for i := range reqs {
				r := Make([]store.Op{op("pub", "Release")})
				reqs[i] = &r
			}
			var calls []call
			Commit(reqs, func(rs []*Request, recognise bool) error {
				calls = append(calls, call{len(rs), recognise})
				if len(calls) == 1 {
					return tc.first
				}
				return nil
			})
			if len(calls) != len(tc.want) {
				t.Fatalf("apply called %v, want %v", calls, tc.want)
			}
			for i := range calls {
				if calls[i] != tc.want[i] {
					t.Fatalf("apply called %v, want %v", calls, tc.want)
				}
			}
			for _, r := range reqs {
				<-r.done
				if (r.Err != nil) != tc.err {
					t.Errorf("caller answered %v", r.Err)
				}
			}
		})
	}
}

// TestCommitUncertainTriesBounded: a request whose commits stay uncertain (or that keeps meeting
// a record of its key) is tried alone maxAlone times, then answered with the error.
func TestCommitUncertainTriesBounded(t *testing.T) {
	for _, fail := range []func(error) error{Uncertain, Duplicate} {
		r := Make([]store.Op{op("pub", "Release")})
		tries := 0
		Commit([]*Request{&r}, func([]*Request, bool) error { tries++; return fail(errors.New("lost")) })
		if tries != 1+maxAlone || r.Err == nil {
			t.Errorf("%d tries, answered %v; want %d and the error", tries, r.Err, 1+maxAlone)
		}
	}
}

func TestRecognise(t *testing.T) {
	stored := func(action string, rejected bool) Stored {
		return Stored{CompanyID: "agent", Action: action, EquipmentNumber: "PLTU0000010", At: at, Request: []byte(`{}`),
			Rejected: rejected, Reason: "why"}
	}
	bulk := Make([]store.Op{op("pub", "Release"), op("pub", "Transfer"), op("", "Look")})
	if keys := bulk.Keys(); len(keys) != 2 || keys[1] != (Key{"pub", 1}) {
		t.Fatalf("Keys = %v", keys)
	}
	if known, err := bulk.Recognise(nil); known || err != nil {
		t.Errorf("nothing stored: %v %v", known, err)
	}
	known, err := bulk.Recognise(map[Key]Stored{{"pub", 0}: stored("Release", false), {"pub", 1}: stored("Transfer", true)})
	if !known || err != nil || len(bulk.Outs) != 3 || bulk.Outs[0].Rejected || !bulk.Outs[1].Rejected || bulk.Outs[1].Reason != "why" {
		t.Errorf("all stored: %v %v %+v", known, err, bulk.Outs)
	}
	for name, found := range map[string]map[Key]Stored{
		"Partly":         {{"pub", 0}: stored("Release", false)},
		"AnotherCommand": {{"pub", 0}: stored("Release", false), {"pub", 1}: stored("Revoke", false)},
	} {
		r := Make(bulk.Ops)
		if known, err := r.Recognise(found); known || !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s: %v %v, want ErrConflict", name, known, err)
		}
	}
}

func TestFaults(t *testing.T) {
	var f Faults
	if err := f.After(); err != nil {
		t.Fatalf("unarmed: %v", err)
	}
	f.Arm(2)
	if first, second, third := f.After(), f.After(), f.After(); !IsUncertain(first) || !IsUncertain(second) || third != nil {
		t.Error("Arm(2) did not fail exactly the next two commits")
	}
}

func TestDecideRecoversPanic(t *testing.T) {
	o := op("pub", "Boom")
	o.Decide = func(*release.Container) release.Outcome { panic("boom") }
	if _, err := Decide(&o, nil); err == nil {
		t.Error("a panicking rule gave no error")
	}
	if _, err := Decide(&store.Op{}, nil); err == nil {
		t.Error("an op without Decide gave no error")
	}
}
