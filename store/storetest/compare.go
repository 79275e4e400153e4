package storetest

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// sameRights fails the test unless got and want hold the same rights (compared as their JSON, so
// that a time read back in another *time.Location still compares equal), in any order.
func sameRights(t *testing.T, got, want []*release.Right) {
	t.Helper()
	enc := func(rs []*release.Right) []string {
		out := make([]string, 0, len(rs))
		for _, r := range rs {
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("encode right: %v", err)
			}
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}
	g, w := enc(got), enc(want)
	if !slices.Equal(g, w) {
		t.Fatalf("rights differ:\n got %d: %s\nwant %d: %s", len(g), g, len(w), w)
	}
}

// releaseIDs lists the ids of rights, sorted.
func releaseIDs(rs []*release.Right) []string {
	ids := make([]string, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.ReleaseID)
	}
	slices.Sort(ids)
	return ids
}

// stored is notification n as a store must keep it (Seq aside).
func stored(t *testing.T, n release.Notification) store.StoredNotification {
	t.Helper()
	msg, err := json.Marshal(n)
	if err != nil {
		t.Fatalf("encode notification: %v", err)
	}
	return store.StoredNotification{
		ReceiverID: n.ReceiverID, Type: n.Type, Event: n.Event, EquipmentNumber: n.EquipmentNumber,
		ReleaseID: n.ReleaseID, PublicReferenceID: n.PublicReferenceID, ExternalReferenceID: n.ExternalReferenceID,
		StoredOn: n.Timestamp, Message: msg,
	}
}

// sameNotification reports whether a stored notification is want, Seq aside.
func sameNotification(got, want store.StoredNotification) bool {
	return got.ReceiverID == want.ReceiverID && got.Type == want.Type && got.Event == want.Event &&
		got.EquipmentNumber == want.EquipmentNumber && got.ReleaseID == want.ReleaseID &&
		got.PublicReferenceID == want.PublicReferenceID && sameString(got.ExternalReferenceID, want.ExternalReferenceID) &&
		got.StoredOn.Equal(want.StoredOn) && bytes.Equal(got.Message, want.Message)
}

func sameString(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// checkNotifications fails the test unless got are the notifications want, in that order, with
// increasing sequence numbers.
func checkNotifications(t *testing.T, got []store.StoredNotification, want []store.StoredNotification) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d notifications, want %d:\n got %s\nwant %s", len(got), len(want), describe(got), describe(want))
	}
	for i := range got {
		if !sameNotification(got[i], want[i]) {
			t.Fatalf("notification %d:\n got %+v\n     %s\nwant %+v\n     %s", i, got[i], got[i].Message, want[i], want[i].Message)
		}
		if got[i].Seq <= 0 || (i > 0 && got[i].Seq <= got[i-1].Seq) {
			t.Fatalf("notification %d has seq %d after %d: seqs must be positive and increasing", i, got[i].Seq, seqOf(got, i-1))
		}
	}
}

func seqOf(ns []store.StoredNotification, i int) int64 {
	if i < 0 {
		return 0
	}
	return ns[i].Seq
}

func describe(ns []store.StoredNotification) string {
	var b bytes.Buffer
	for _, n := range ns {
		b.WriteString("\n  " + n.ReceiverID + " " + n.Type + "/" + n.Event + " " + n.EquipmentNumber + " " + n.PublicReferenceID)
	}
	return b.String()
}

// storedAll is every notification of outs, in order.
func storedAll(t *testing.T, outs ...release.Outcome) []store.StoredNotification {
	t.Helper()
	var out []store.StoredNotification
	for _, o := range outs {
		for _, n := range o.Notifications {
			out = append(out, stored(t, n))
		}
	}
	return out
}
