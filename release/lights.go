package release

// LightName is a release light, spelled as the seeds' greenLightName.
type LightName string

// The release lights of docs/rules.md "Release lights".
const (
	LightCommercialRelease LightName = "CommercialRelease"
	LightTerminalOperation LightName = "TerminalOperation"
	LightTerminalReady     LightName = "TerminalReady"
	LightCustoms           LightName = "Customs"
	LightCustomsProgress   LightName = "CustomsProgress"
	LightPickup            LightName = "PickupLight"
	LightGateOperation     LightName = "GateOperation"
)

// LightNames lists every light in the order a release detail shows them.
var LightNames = []LightName{
	LightCommercialRelease, LightTerminalOperation, LightTerminalReady,
	LightCustoms, LightCustomsProgress, LightPickup, LightGateOperation,
}

// Light values, as the seeds' originalValue/newValue spell them.
const (
	ValueUnknown            = "UNKNOWN"
	ValueOK                 = "OK"
	ValueBlocked            = "BLOCKED"
	ValueNOK                = "NOK"
	ValueExpired            = "EXPIRED"
	ValueDischarged         = "DISCHARGED"
	ValueReleased           = "RELEASED"
	ValueSelectedForScan    = "SELECTEDFORSCAN"
	ValueNotReleased        = "NOTRELEASED"
	ValueManualOverwrite    = "MANUALOVERWRITE"
	ValueTranshipment       = "TRANSHIPMENT"
	ValuePortEqualisation   = "PORTEQUALISATION"
	ValueFAVV               = "FAVV"
	ValueDocumentaryControl = "DOCUMENTARYCONTROL"
	ValueEmpty              = "EMPTY"
	ValuePartiallyCleared   = "PARTIALLYCLEARED"
	ValueCleared            = "CLEARED"
	ValueAssigned           = "ASSIGNED"
	ValueRevoked            = "REVOKED"
	ValueGateOutReceived    = "GATEOUTRECEIVED"
)

// Colour is the traffic-light colour of a light value.
type Colour string

// Colours.
const (
	Green  Colour = "green"
	Yellow Colour = "yellow"
	Red    Colour = "red"
	Orange Colour = "orange"
	Grey   Colour = "grey"
)

// lightColours is the table of docs/rules.md "Release lights": every value a light can take and its colour.
var lightColours = map[LightName]map[string]Colour{
	LightCommercialRelease: {ValueUnknown: Grey, ValueOK: Green, ValueBlocked: Red, ValueNOK: Red, ValueExpired: Red},
	LightTerminalOperation: {ValueUnknown: Grey, ValueDischarged: Green},
	LightTerminalReady:     {ValueUnknown: Grey, ValueReleased: Green, ValueBlocked: Red, ValueSelectedForScan: Yellow},
	LightCustoms: {
		ValueNotReleased: Red, ValueReleased: Green, ValueManualOverwrite: Green,
		ValueSelectedForScan: Yellow, ValueTranshipment: Yellow, ValuePortEqualisation: Yellow, ValueFAVV: Yellow,
		ValueDocumentaryControl: Red, ValueEmpty: Orange,
	},
	LightCustomsProgress: {ValueUnknown: Grey, ValuePartiallyCleared: Yellow, ValueCleared: Green},
	LightPickup:          {ValueUnknown: Grey, ValueAssigned: Green, ValueRevoked: Red},
	LightGateOperation:   {ValueUnknown: Grey, ValueGateOutReceived: Green},
}

// ColourOf returns the colour of value on light, and false when the value is not one the light takes.
func ColourOf(light LightName, value string) (Colour, bool) {
	c, ok := lightColours[light][value]
	return c, ok
}

// Lights holds the current value of every release light of one Release Right.
type Lights struct {
	CommercialRelease string `json:"commercialRelease"`
	TerminalOperation string `json:"terminalOperation"`
	TerminalReady     string `json:"terminalReady"`
	Customs           string `json:"customs"`
	CustomsProgress   string `json:"customsProgress"`
	PickupLight       string `json:"pickupLight"`
	GateOperation     string `json:"gateOperation"`
}

// InitialLights are the values of a release before anyone set a light: the seeds show Customs
// starting from NOTRELEASED and every other light from UNKNOWN.
func InitialLights() Lights {
	return Lights{
		CommercialRelease: ValueUnknown, TerminalOperation: ValueUnknown, TerminalReady: ValueUnknown,
		Customs: ValueNotReleased, CustomsProgress: ValueUnknown, PickupLight: ValueUnknown, GateOperation: ValueUnknown,
	}
}

// Get returns the value of light n.
func (l *Lights) Get(n LightName) string {
	return *l.field(n)
}

// Set changes light n to v.
func (l *Lights) Set(n LightName, v string) {
	*l.field(n) = v
}

func (l *Lights) field(n LightName) *string {
	switch n {
	case LightCommercialRelease:
		return &l.CommercialRelease
	case LightTerminalOperation:
		return &l.TerminalOperation
	case LightTerminalReady:
		return &l.TerminalReady
	case LightCustoms:
		return &l.Customs
	case LightCustomsProgress:
		return &l.CustomsProgress
	case LightPickup:
		return &l.PickupLight
	case LightGateOperation:
		return &l.GateOperation
	}
	panic("release: unknown light " + string(n))
}

// Overall is the overall light of docs/rules.md "Release lights": green when CommercialRelease=OK, Customs is green,
// TerminalOperation=DISCHARGED and TerminalReady=RELEASED; yellow when Customs is yellow; red otherwise.
func (l *Lights) Overall() Colour {
	customs, _ := ColourOf(LightCustoms, l.Customs)
	switch {
	case l.CommercialRelease == ValueOK && customs == Green &&
		l.TerminalOperation == ValueDischarged && l.TerminalReady == ValueReleased:
		return Green
	case customs == Yellow:
		return Yellow
	}
	return Red
}
