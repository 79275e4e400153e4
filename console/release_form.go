package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/portlight/portlight/console/i18n"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/release"
)

// The Shipping Agent's release form, shared by the Release page (container_release.go) and the
// Update form of a container's page (container_update.go): one set of fields, one way of reading
// them, one way of turning them into the command the API's POST /ingestion/v1/ingestion/{ingestionId}
// builds (api/ingestion.go).

// releaseFields are the form's text fields: every field of the API's ingestion body
// (api/ingestion.go) but the parties, the bills of lading (one per line) and the times.
var releaseFields = []string{"equipmentNumber", "releaseIdentification", "terminalCode", "releaseOrderReference",
	"emptyReturnReference", "equipmentSupplier", "equipmentStatus", "fullEmptyIndicator", "equipmentOperator",
	"vesselName", "vesselNumber", "stayNumber", "vesselCallSign", "voyageNumber", "equipmentType", "meansOfTransport"}

// releaseOtherFields are the form's fields besides releaseFields.
var releaseOtherFields = []string{"billOfLadingNumbers", "releaseTo", "isCarrierHaulage", "releaseDateTimeUtc", "expirationDateTimeUtc"}

// formTimeLayout is how a datetime-local input writes a time (to the second: step="1").
const formTimeLayout = "2006-01-02T15:04:05"

// releaseFieldsArg is what the "release-fields" template shows: the fields under ids that start
// with Prefix (a page may hold several forms), their values, the parties for releaseTo, and
// whether it is an Update (the key is the release's and cannot change; releaseTo is not updated).
type releaseFieldsArg struct {
	L       *i18n.Printer
	Prefix  string
	Values  map[string]string
	Parties []identity.Company
	Update  bool
}

// releaseFormValues reads the release form as typed.
func releaseFormValues(r *http.Request) map[string]string {
	values := map[string]string{}
	for _, k := range append(slicesClone(releaseFields), releaseOtherFields...) {
		values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return values
}

// releaseValuesOf is the release form filled in with what a release holds (an Update overwrites
// every field, so the form must carry every one the release has).
func releaseValuesOf(rt *release.Right) map[string]string {
	d := rt.Details
	v := map[string]string{
		"equipmentNumber": rt.Key.EquipmentNumber, "releaseIdentification": rt.Key.ReleaseIdentification,
		"billOfLadingNumbers": strings.Join(rt.Key.BillOfLadingNumbers, "\n"), "terminalCode": rt.Terminal.Code,
		"releaseOrderReference": d.ReleaseOrderReference, "emptyReturnReference": d.EmptyReturnReference,
		"equipmentSupplier": d.EquipmentSupplier, "equipmentStatus": d.EquipmentStatus, "fullEmptyIndicator": d.FullEmptyIndicator,
		"equipmentOperator": d.EquipmentOperator, "vesselName": d.VesselName, "vesselNumber": d.VesselNumber,
		"stayNumber": d.StayNumber, "vesselCallSign": d.VesselCallSign, "voyageNumber": d.VoyageNumber,
		"equipmentType": d.EquipmentType, "meansOfTransport": d.MeansOfTransport,
	}
	if d.IsCarrierHaulage != nil {
		v["isCarrierHaulage"] = map[bool]string{true: "true", false: "false"}[*d.IsCarrierHaulage]
	}
	if d.ReleaseDateTimeUtc != nil {
		v["releaseDateTimeUtc"] = d.ReleaseDateTimeUtc.UTC().Format(formTimeLayout)
	}
	if d.ExpirationDateTimeUtc != nil {
		v["expirationDateTimeUtc"] = d.ExpirationDateTimeUtc.UTC().Format(formTimeLayout)
	}
	return v
}

// ingestionOf builds the Shipping Agent's command of action (Release or Update) on the release
// key names from the form's values, as the API's parseIngestion builds it from a body; the text of
// a field that is not what it should be (a time) otherwise. Whether the command holds is the
// core's to say.
func ingestionOf(action, port string, key release.Key, values map[string]string) (*release.Ingestion, string) {
	cmd := &release.Ingestion{
		ActionType: action, PortLoCode: port, TerminalCode: values["terminalCode"], Key: key,
		Details: release.Details{
			ReleaseOrderReference: values["releaseOrderReference"], EmptyReturnReference: values["emptyReturnReference"],
			EquipmentSupplier: values["equipmentSupplier"], EquipmentStatus: values["equipmentStatus"],
			FullEmptyIndicator: values["fullEmptyIndicator"], EquipmentOperator: values["equipmentOperator"],
			VesselName: values["vesselName"], VesselNumber: values["vesselNumber"], StayNumber: values["stayNumber"],
			VesselCallSign: values["vesselCallSign"], VoyageNumber: values["voyageNumber"], EquipmentType: values["equipmentType"],
			MeansOfTransport: values["meansOfTransport"],
		},
	}
	switch values["isCarrierHaulage"] {
	case "true", "false":
		v := values["isCarrierHaulage"] == "true"
		cmd.Details.IsCarrierHaulage = &v
	}
	for _, f := range []struct {
		field string
		into  **time.Time
	}{{"releaseDateTimeUtc", &cmd.Details.ReleaseDateTimeUtc}, {"expirationDateTimeUtc", &cmd.Details.ExpirationDateTimeUtc}} {
		field, into := f.field, f.into
		s := values[field]
		if s == "" {
			continue
		}
		t, err := time.Parse(formTimeLayout, s)
		if err != nil {
			if t, err = time.Parse("2006-01-02T15:04", s); err != nil {
				return nil, "The field '" + field + "' is not a date and time."
			}
		}
		*into = &t
	}
	if to := values["releaseTo"]; to != "" && action == release.ActionRelease {
		cmd.ReleaseTo = byNxtEntityID(to)
	}
	return cmd, ""
}

// lines splits a text area into its non-empty lines (commas separate as well).
func lines(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }
