package release

import "testing"

// TestListFilterIndex: what of a rights-list filter a store can select by, and when that is the
// whole filter (the store's page is then the answer's page).
func TestListFilterIndex(t *testing.T) {
	st := func(n int) *int { return &n }
	rs := RightStatus(1)
	for _, tc := range []struct {
		name      string
		f         ListFilter
		eq        string
		pending   *bool
		wantWhole bool
	}{
		{"no filter", ListFilter{}, "", nil, true},
		{"whole equipment number, any case", ListFilter{EquipmentNumber: "msku1234565"}, "MSKU1234565", nil, true},
		{"part of an equipment number", ListFilter{EquipmentNumber: "MSKU12"}, "", nil, false},
		{"status Active", ListFilter{Status: st(ListStatusActive)}, "", new(false), true},
		{"status Pending", ListFilter{Status: st(ListStatusPending)}, "", new(true), true},
		{"status Police", ListFilter{Status: st(ListStatusPolice)}, "", nil, false},
		{"both", ListFilter{Status: st(ListStatusPending), EquipmentNumber: "MSKU1234565"}, "MSKU1234565", new(true), true},
		{"with another filter", ListFilter{Status: st(ListStatusActive), ShippingAgentName: "One"}, "", new(false), false},
		{"release right status", ListFilter{ReleaseRightStatus: &rs}, "", nil, false},
	} {
		ix, whole := tc.f.Index()
		if ix.EquipmentNumber != tc.eq || (ix.Pending == nil) != (tc.pending == nil) || (ix.Pending != nil && *ix.Pending != *tc.pending) || whole != tc.wantWhole {
			t.Errorf("%s: Index() = %+v, %v; want %q, %v, %v", tc.name, ix, whole, tc.eq, tc.pending, tc.wantWhole)
		}
	}
}
