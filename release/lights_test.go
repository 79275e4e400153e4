package release_test

import (
	"testing"

	"github.com/portlight/portlight/release"
)

// TestColourOf is the table of docs/rules.md "Release lights", value by value.
func TestColourOf(t *testing.T) {
	cases := []struct {
		light release.LightName
		value string
		want  release.Colour
	}{
		{release.LightCommercialRelease, "UNKNOWN", release.Grey},
		{release.LightCommercialRelease, "OK", release.Green},
		{release.LightCommercialRelease, "BLOCKED", release.Red},
		{release.LightCommercialRelease, "NOK", release.Red},
		{release.LightCommercialRelease, "EXPIRED", release.Red},
		{release.LightTerminalOperation, "UNKNOWN", release.Grey},
		{release.LightTerminalOperation, "DISCHARGED", release.Green},
		{release.LightTerminalReady, "UNKNOWN", release.Grey},
		{release.LightTerminalReady, "RELEASED", release.Green},
		{release.LightTerminalReady, "BLOCKED", release.Red},
		{release.LightTerminalReady, "SELECTEDFORSCAN", release.Yellow},
		{release.LightCustoms, "NOTRELEASED", release.Red},
		{release.LightCustoms, "RELEASED", release.Green},
		{release.LightCustoms, "MANUALOVERWRITE", release.Green},
		{release.LightCustoms, "SELECTEDFORSCAN", release.Yellow},
		{release.LightCustoms, "TRANSHIPMENT", release.Yellow},
		{release.LightCustoms, "PORTEQUALISATION", release.Yellow},
		{release.LightCustoms, "FAVV", release.Yellow},
		{release.LightCustoms, "DOCUMENTARYCONTROL", release.Red},
		{release.LightCustoms, "EMPTY", release.Orange},
		{release.LightCustomsProgress, "UNKNOWN", release.Grey},
		{release.LightCustomsProgress, "PARTIALLYCLEARED", release.Yellow},
		{release.LightCustomsProgress, "CLEARED", release.Green},
		{release.LightPickup, "UNKNOWN", release.Grey},
		{release.LightPickup, "ASSIGNED", release.Green},
		{release.LightPickup, "REVOKED", release.Red},
		{release.LightGateOperation, "UNKNOWN", release.Grey},
		{release.LightGateOperation, "GATEOUTRECEIVED", release.Green},
	}
	for _, c := range cases {
		got, ok := release.ColourOf(c.light, c.value)
		if !ok || got != c.want {
			t.Errorf("ColourOf(%s, %s) = %q, %v; want %q", c.light, c.value, got, ok, c.want)
		}
	}

	// Values a light does not take, and lights that do not exist.
	unknown := []struct {
		light release.LightName
		value string
	}{
		{release.LightCommercialRelease, "RELEASED"},
		{release.LightCommercialRelease, "ok"},
		{release.LightCustoms, "UNKNOWN"},
		{release.LightCustoms, "CLEARED"},
		{release.LightTerminalOperation, "RELEASED"},
		{release.LightPickup, "BLOCKED"},
		{release.LightGateOperation, "GATEOUT"},
		{"Commercialrelease", "OK"},
		{"", ""},
	}
	for _, c := range unknown {
		if got, ok := release.ColourOf(c.light, c.value); ok {
			t.Errorf("ColourOf(%q, %q) = %q, true; want no colour", c.light, c.value, got)
		}
	}
}

func TestInitialLights(t *testing.T) {
	l := release.InitialLights()
	for _, name := range release.LightNames {
		want := release.ValueUnknown
		if name == release.LightCustoms {
			want = release.ValueNotReleased
		}
		if got := l.Get(name); got != want {
			t.Errorf("initial %s = %s, want %s", name, got, want)
		}
		if _, ok := release.ColourOf(name, l.Get(name)); !ok {
			t.Errorf("initial %s = %s has no colour", name, l.Get(name))
		}
	}
	if got := l.Overall(); got != release.Red {
		t.Errorf("initial overall = %s, want red", got)
	}
}

// TestOverall: green when CommercialRelease=OK, Customs is green, TerminalOperation=DISCHARGED and
// TerminalReady=RELEASED; yellow when Customs is yellow; red otherwise (docs/rules.md "Release lights").
func TestOverall(t *testing.T) {
	ready := func(change func(*release.Lights)) release.Lights {
		l := release.InitialLights()
		l.CommercialRelease, l.Customs = release.ValueOK, release.ValueReleased
		l.TerminalOperation, l.TerminalReady = release.ValueDischarged, release.ValueReleased
		if change != nil {
			change(&l)
		}
		return l
	}
	cases := []struct {
		name   string
		lights release.Lights
		want   release.Colour
	}{
		{"all four green", ready(nil), release.Green},
		{"customs manual overwrite is green", ready(func(l *release.Lights) { l.Customs = release.ValueManualOverwrite }), release.Green},
		{"other lights do not count", ready(func(l *release.Lights) {
			l.CustomsProgress, l.PickupLight, l.GateOperation = release.ValuePartiallyCleared, release.ValueRevoked, release.ValueUnknown
		}), release.Green},
		{"commercial release blocked", ready(func(l *release.Lights) { l.CommercialRelease = release.ValueBlocked }), release.Red},
		{"commercial release NOK", ready(func(l *release.Lights) { l.CommercialRelease = release.ValueNOK }), release.Red},
		{"commercial release unknown (deleted)", ready(func(l *release.Lights) { l.CommercialRelease = release.ValueUnknown }), release.Red},
		{"not discharged", ready(func(l *release.Lights) { l.TerminalOperation = release.ValueUnknown }), release.Red},
		{"terminal blocked", ready(func(l *release.Lights) { l.TerminalReady = release.ValueBlocked }), release.Red},
		{"terminal selected for scan", ready(func(l *release.Lights) { l.TerminalReady = release.ValueSelectedForScan }), release.Red},
		{"customs not released", ready(func(l *release.Lights) { l.Customs = release.ValueNotReleased }), release.Red},
		{"customs documentary control", ready(func(l *release.Lights) { l.Customs = release.ValueDocumentaryControl }), release.Red},
		{"customs empty (orange)", ready(func(l *release.Lights) { l.Customs = release.ValueEmpty }), release.Red},
		{"customs selected for scan", ready(func(l *release.Lights) { l.Customs = release.ValueSelectedForScan }), release.Yellow},
		{"customs transhipment", ready(func(l *release.Lights) { l.Customs = release.ValueTranshipment }), release.Yellow},
		{"customs port equalisation", ready(func(l *release.Lights) { l.Customs = release.ValuePortEqualisation }), release.Yellow},
		{"customs FAVV", ready(func(l *release.Lights) { l.Customs = release.ValueFAVV }), release.Yellow},
		{"customs yellow wins over a blocked release", ready(func(l *release.Lights) {
			l.Customs, l.CommercialRelease = release.ValueFAVV, release.ValueBlocked
		}), release.Yellow},
		{"customs value the table does not know", ready(func(l *release.Lights) { l.Customs = "SOMETHING" }), release.Red},
	}
	for _, c := range cases {
		if got := c.lights.Overall(); got != c.want {
			t.Errorf("%s: Overall() = %s, want %s", c.name, got, c.want)
		}
	}
}

func TestLightsGetSet(t *testing.T) {
	var l release.Lights
	for i, name := range release.LightNames {
		l.Set(name, string(rune('a'+i)))
	}
	for i, name := range release.LightNames {
		if got := l.Get(name); got != string(rune('a'+i)) {
			t.Errorf("Get(%s) = %q after Set", name, got)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Get of an unknown light did not panic")
		}
	}()
	l.Get("NoSuchLight")
}
