package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/client/apiclient"
)

func ptr[T any](v T) *T { return &v }

// TestTypedClient is an integrator's first day with the client generated from /openapi.json
// (client/apiclient): a commercial release sent with typed bodies and parameters, its notification
// pulled and decoded, and a notification channel created, read, rotated and deleted, every answer
// read through the typed fields of its status.
func TestTypedClient(t *testing.T) {
	n := startNode(t, t.TempDir())
	sa := n.party(t, SA1)
	api := sa.API()
	eq := newContainer(t)

	ingested, err := api.IngestCommercialReleaseWithResponse(bg(), sa.IngestionID,
		&apiclient.IngestCommercialReleaseParams{ExternalReferenceId: ptr("typed-1")}, apiclient.IngestionBody{
			ActionType: ptr("Release"), EquipmentNumber: ptr(eq), BillOfLadingNumbers: &[]string{"BL1"},
			ReleaseIdentification: ptr("R1"), TerminalCode: ptr("0100"), PortLoCode: ptr("BEANR"),
			ReleaseTo: &apiclient.PartyRef{IdentificationType: ptr("NxtEntityId"), IdentificationCode: ptr(RP1)},
		})
	if err != nil {
		t.Fatal(err)
	}
	if ingested.JSON202 == nil || ingested.JSON202.PublicReferenceId == "" || ingested.JSON202.ExternalReferenceId == nil ||
		*ingested.JSON202.ExternalReferenceId != "typed-1" {
		t.Fatalf("ingest answered %d %s", ingested.StatusCode(), ingested.Body)
	}

	var pulled []apiclient.PulledNotification
	for deadline := time.Now().Add(20 * time.Second); len(pulled) == 0; time.Sleep(100 * time.Millisecond) {
		got, err := api.ListNotificationsWithResponse(bg(), &apiclient.ListNotificationsParams{PublicReferenceId: &ingested.JSON202.PublicReferenceId})
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case got.JSON200 != nil:
			pulled = *got.JSON200
		case got.StatusCode() != http.StatusMethodNotAllowed || time.Now().After(deadline):
			t.Fatalf("pull answered %d %s", got.StatusCode(), got.Body)
		}
	}
	if pulled[0].EquipmentNumber != eq || pulled[0].NxtEntityId != SA1 || !strings.Contains(pulled[0].Message, `"CommercialRelease"`) {
		t.Errorf("pulled %+v", pulled[0])
	}

	created, err := api.CreateNotificationChannelWithResponse(bg(), nil, apiclient.NotificationChannelSpec{
		Name: "typed", Url: "http://127.0.0.1:9/hook", Types: &[]string{"ReleaseRight"}})
	if err != nil {
		t.Fatal(err)
	}
	if created.JSON201 == nil || !strings.HasPrefix(created.JSON201.Secret, "whsec_") {
		t.Fatalf("create channel answered %d %s", created.StatusCode(), created.Body)
	}
	id := created.JSON201.ChannelId
	got, err := api.GetNotificationChannelWithResponse(bg(), id, nil)
	if err != nil || got.JSON200 == nil || got.JSON200.Name != "typed" || got.JSON200.Url != "http://127.0.0.1:9/hook" {
		t.Fatalf("get channel: %v %s", err, got.Body)
	}
	rotated, err := api.RotateChannelSecretWithResponse(bg(), id, nil)
	if err != nil || rotated.JSON200 == nil || rotated.JSON200.Secret == created.JSON201.Secret {
		t.Fatalf("rotate secret: %v %s", err, rotated.Body)
	}
	deleted, err := api.DeleteNotificationChannelWithResponse(bg(), id, nil)
	if err != nil || deleted.StatusCode() != http.StatusNoContent {
		t.Fatalf("delete channel: %v %d", err, deleted.StatusCode())
	}
	gone, err := api.GetNotificationChannelWithResponse(bg(), id, nil)
	if err != nil || gone.JSON404 == nil {
		t.Fatalf("deleted channel answered %v %d %s", err, gone.StatusCode(), gone.Body)
	}
}
