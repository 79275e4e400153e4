package console

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/portlight/portlight/console/i18n"
	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
	"github.com/portlight/portlight/store/sqlite"
)

// channelManager is the fixture's manager of notification channels: webhooks must reach public
// addresses (the production policy), and the test's DNS knows one public receiver,
// hooks.example.com, and one name of the private network, intranet.example.com.
func channelManager(st *sqlite.Store) *delivery.Manager {
	sealer, err := delivery.NewSealer(make([]byte, 32))
	if err != nil {
		panic(err)
	}
	policy := delivery.Policy{LookupIP: func(_ context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "hooks.example.com", "other.example.com":
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		case "intranet.example.com":
			return []netip.Addr{netip.MustParseAddr("10.1.2.3")}, nil
		}
		return nil, &net404{host}
	}}
	return delivery.NewManager(st, sealer, policy, delivery.DefaultRetry, time.Now, nil)
}

type net404 struct{ host string }

func (e *net404) Error() string { return "no such host " + e.host }

// page is what the console answered: status, where it redirects, the body.
type answer struct {
	status   int
	location string
	body     string
	cookies  []*http.Cookie
}

func (f *fixture) do(t *testing.T, b *http.Client, method, path string, form url.Values) answer {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = b.PostForm(f.srv.URL+path, form)
	} else {
		resp, err = b.Get(f.srv.URL + path)
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return answer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: html.UnescapeString(string(body)), cookies: resp.Cookies()}
}

// user signs a sandbox user in and returns their browser.
func (f *fixture) user(t *testing.T, username string) *http.Client {
	t.Helper()
	b := f.browser(t)
	if resp := f.signIn(t, b, username, f.password(t, username)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in of %s: %d", username, resp.StatusCode)
	}
	return b
}

var (
	secretRe    = regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`)
	channelIDRe = regexp.MustCompile(`href="/console/channels/([0-9a-f-]{36})"`)
)

// createChannel creates a channel through the console's form and returns its id and the secret
// the answer showed.
func (f *fixture) createChannel(t *testing.T, b *http.Client, form url.Values) (string, string) {
	t.Helper()
	a := f.do(t, b, http.MethodPost, "/console/channels", form)
	secret, id := secretRe.FindString(a.body), channelIDRe.FindStringSubmatch(a.body)
	if a.status != http.StatusCreated || secret == "" || id == nil {
		t.Fatalf("create %v: %d, secret %q\n%s", form, a.status, secret, a.body)
	}
	return id[1], secret
}

// deliver dispatches every waiting notification to the channels that want them, as a node's
// dispatcher does, and ends the attempt of the head of each of the channel's queues as outcome.
func (f *fixture) deliver(t *testing.T, channelID string, outcome store.Outcome) []store.Delivery {
	t.Helper()
	ctx, now := context.Background(), time.Now()
	if _, err := f.st.DispatchNotifications(ctx, store.DispatchRequest{Now: now, ExpiresAt: now.Add(24 * time.Hour), Limit: 10_000}); err != nil {
		t.Fatal(err)
	}
	claimed, err := f.st.ClaimDeliveries(ctx, store.ClaimRequest{Node: "test", Now: now.Add(time.Second), LeaseUntil: now.Add(time.Minute),
		Limits: map[string]int{channelID: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	var results []store.DeliveryResult
	for _, d := range claimed {
		results = append(results, store.DeliveryResult{ID: d.ID, Node: "test", Outcome: outcome,
			Attempt: store.DeliveryAttempt{At: now, StatusCode: 500, Latency: 3 * time.Millisecond, Error: "receiver answered 500"}})
	}
	if err := f.st.CompleteDeliveries(ctx, results); err != nil {
		t.Fatal(err)
	}
	return claimed
}

// TestChannelPages: a company creates a channel in the console and sees its signing secret in the
// answer, once; the list, the channel's page and the edit form never show it again; an edit keeps
// what was not changed; a rotation shows the new secret once; a delete asks first (a page, no
// script) and then removes the channel.
func TestChannelPages(t *testing.T) {
	f := newFixture(t, false)
	b := f.user(t, "forwarder1")
	if a := f.do(t, b, http.MethodGet, "/console/containers", nil); !strings.Contains(a.body, `href="/console/channels"`) {
		t.Error("no navigation entry to the notification channels")
	}
	if a := f.do(t, b, http.MethodGet, "/console/channels", nil); a.status != 200 || !strings.Contains(a.body, "no notification channels yet") {
		t.Errorf("empty list: %d", a.status)
	}
	id, secret := f.createChannel(t, b, url.Values{"name": {"ops"}, "url": {"https://hooks.example.com/in"}, "types": {"ReleaseRight", "EDI"},
		"headers": {"X-Api-Key: k1abcdefghijklmnop123\nX-Team: dispatch"}, "authType": {"none"}})
	ch, err := f.st.Channel(context.Background(), "NXT300000000001", id)
	if err != nil || ch.Name != "ops" || strings.Join(ch.Types, ",") != "ReleaseRight,EDI" {
		t.Fatalf("stored channel %+v %v", ch, err)
	}
	never := func(what string, a answer) {
		t.Helper()
		if strings.Contains(a.body, secret) || strings.Contains(a.location, secret) {
			t.Errorf("%s shows the signing secret again", what)
		}
		for _, c := range a.cookies {
			if strings.Contains(c.Value, secret) {
				t.Errorf("%s keeps the signing secret in cookie %s", what, c.Name)
			}
		}
	}
	list := f.do(t, b, http.MethodGet, "/console/channels", nil)
	never("the list", list)
	if !strings.Contains(list.body, `data-channel="`+id+`"`) || !strings.Contains(list.body, "https://hooks.example.com/in") ||
		!strings.Contains(list.body, "ReleaseRight, EDI") || !strings.Contains(list.body, "No deliveries yet") {
		t.Errorf("the list does not show the channel with its url, types and state:\n%s", list.body)
	}
	view := f.do(t, b, http.MethodGet, "/console/channels/"+id, nil)
	never("the channel's page", view)
	if view.status != 200 || !strings.Contains(view.body, "X-Api-Key: ********") || !strings.Contains(view.body, "X-Team: dispatch") {
		t.Errorf("channel page: %d, want the headers with the credential masked:\n%s", view.status, view.body)
	}
	edit := f.do(t, b, http.MethodGet, "/console/channels/"+id+"/edit", nil)
	never("the edit form", edit)
	if !strings.Contains(edit.body, `value="https://hooks.example.com/in"`) || !strings.Contains(edit.body, `value="EDI" checked`) {
		t.Errorf("the edit form does not hold the channel:\n%s", edit.body)
	}
	// An edit that sends the masked header back keeps its value.
	a := f.do(t, b, http.MethodPost, "/console/channels/"+id, url.Values{"name": {"ops 2"}, "url": {"https://hooks.example.com/v2"},
		"headers": {"X-Api-Key: ********"}, "authType": {"none"}})
	if a.status != http.StatusSeeOther || a.location != "/console/channels/"+id+"?done=ChannelUpdate" {
		t.Fatalf("update: %d to %q\n%s", a.status, a.location, a.body)
	}
	got, err := channelManager(f.st).Get(context.Background(), "NXT300000000001", id)
	if err != nil || got.Name != "ops 2" || got.URL != "https://hooks.example.com/v2" || got.Types != nil || got.Headers()["X-Api-Key"] != "k1abcdefghijklmnop123" {
		t.Errorf("updated channel %+v headers %v %v", got.Channel, got.Headers(), err)
	}
	if got.SigningSecret() != secret {
		t.Error("an edit changed the signing secret")
	}
	// Rotation: a new secret, shown once.
	rot := f.do(t, b, http.MethodPost, "/console/channels/"+id+"/rotate-secret", nil)
	fresh := secretRe.FindString(rot.body)
	if rot.status != 200 || fresh == "" || fresh == secret || !strings.Contains(rot.body, "also signs until") {
		t.Fatalf("rotate: %d %q\n%s", rot.status, fresh, rot.body)
	}
	secret = fresh
	view = f.do(t, b, http.MethodGet, "/console/channels/"+id, nil)
	never("the channel's page after the rotation", view)
	if !strings.Contains(view.body, "The previous secret also signs until") {
		t.Error("the channel's page does not say the previous secret still signs")
	}
	// Delete: a confirmation page first (GET changes nothing), then the POST.
	confirm := f.do(t, b, http.MethodGet, "/console/channels/"+id+"/delete", nil)
	if confirm.status != 200 || !strings.Contains(confirm.body, `<form method="post" action="/console/channels/`+id+`/delete"`) {
		t.Errorf("delete confirmation: %d\n%s", confirm.status, confirm.body)
	}
	if _, err := f.st.Channel(context.Background(), "NXT300000000001", id); err != nil {
		t.Fatalf("the confirmation page deleted the channel: %v", err)
	}
	if a := f.do(t, b, http.MethodPost, "/console/channels/"+id+"/delete", nil); a.status != http.StatusSeeOther || a.location != "/console/channels?done=ChannelDelete" {
		t.Errorf("delete: %d to %q", a.status, a.location)
	}
	if _, err := f.st.Channel(context.Background(), "NXT300000000001", id); err == nil {
		t.Error("the channel is still there after delete")
	}
	if a := f.do(t, b, http.MethodGet, "/console/channels/"+id, nil); a.status != http.StatusNotFound {
		t.Errorf("a deleted channel's page: %d, want 404", a.status)
	}
}

// TestChannelRefusalsInPlace: what the service refuses (a bad URL, a private address, a header
// line, a login without its fields, the channel limit, a duplicate) comes back on the form with
// the service's text and the field marked, what was typed kept.
func TestChannelRefusalsInPlace(t *testing.T) {
	f := newFixture(t, false)
	b := f.user(t, "haulier1")
	for _, c := range []struct {
		form          url.Values
		status        int
		field, text   string
		keptValueOfID string
	}{
		{url.Values{"name": {"x"}, "url": {"ftp://hooks.example.com/"}}, 400, "url", "'url' must use HTTPS.", "ftp://hooks.example.com/"},
		{url.Values{"name": {"x"}, "url": {"https://10.0.0.7/in"}}, 400, "url", "webhooks may only reach public addresses", ""},
		{url.Values{"name": {"x"}, "url": {"https://intranet.example.com/in"}}, 400, "url", "is not a public address: webhooks may only reach public addresses", ""},
		{url.Values{"name": {""}, "url": {"https://hooks.example.com/"}}, 400, "name", "'name' is required.", ""},
		{url.Values{"name": {"x"}, "url": {"https://hooks.example.com/"}, "headers": {"no colon here"}}, 400, "headers", `The header line "no colon here" is not`, ""},
		{url.Values{"name": {"x"}, "url": {"https://hooks.example.com/"}, "headers": {"Webhook-Id: mine"}}, 400, "headers", `Header "Webhook-Id" is set by Portlight`, ""},
		{url.Values{"name": {"x"}, "url": {"https://hooks.example.com/"}, "authType": {"OAuth2ClientCredentials"}, "tokenEndpoint": {"https://hooks.example.com/token"}}, 400, "clientId", "'authentication.clientId' is required", ""},
		{url.Values{"name": {"x"}, "url": {"https://hooks.example.com/"}, "types": {"Gossip"}}, 400, "types", "'types' may only contain", ""},
	} {
		a := f.do(t, b, http.MethodPost, "/console/channels", c.form)
		if a.status != c.status || !strings.Contains(a.body, `class="notvalidated"`) || !strings.Contains(a.body, c.text) {
			t.Errorf("%v: %d, want %d with %q in place\n%s", c.form, a.status, c.status, c.text, a.body)
		}
		if c.field != "types" && !strings.Contains(a.body, `id="`+c.field+`-error"`) {
			t.Errorf("%v: the field %s is not marked", c.form, c.field)
		}
		if c.keptValueOfID != "" && !strings.Contains(a.body, `value="`+c.keptValueOfID+`"`) {
			t.Errorf("%v: what was typed is lost", c.form)
		}
	}
	if chs, _ := f.st.Channels(context.Background(), "NXT400000000001"); len(chs) != 0 {
		t.Fatalf("refused forms made %d channels", len(chs))
	}
	// The limit (delivery.DefaultMaxChannels), and a second channel to the same place.
	for i := range delivery.DefaultMaxChannels {
		f.createChannel(t, b, url.Values{"name": {"c"}, "url": {"https://hooks.example.com/" + string(rune('a'+i))}})
	}
	a := f.do(t, b, http.MethodPost, "/console/channels", url.Values{"name": {"one more"}, "url": {"https://other.example.com/"}})
	if a.status != http.StatusConflict || !strings.Contains(a.body, "A company may have at most 10 notification channels") {
		t.Errorf("eleventh channel: %d\n%s", a.status, a.body[strings.Index(a.body, "<main"):])
	}
	chs, _ := f.st.Channels(context.Background(), "NXT400000000001")
	a = f.do(t, b, http.MethodPost, "/console/channels/"+chs[1].ID, url.Values{"name": {"same"}, "url": {chs[0].URL}})
	if a.status != http.StatusConflict || !strings.Contains(a.body, "already sends these types to this url") || !strings.Contains(a.body, `action="/console/channels/`+chs[1].ID+`"`) {
		t.Errorf("an edit onto another channel's url: %d\n%s", a.status, a.body)
	}
}

// TestChannelDeliveriesLog: the channel's page shows its deliveries with status, attempts, the
// last error and times, paged; a dead letter is replayed from it; replaying one that is not dead
// shows the service's refusal in place.
func TestChannelDeliveriesLog(t *testing.T) {
	f := newFixture(t, false)
	b := f.user(t, "agent1")
	id, _ := f.createChannel(t, b, url.Values{"name": {"log"}, "url": {"https://hooks.example.com/log"}})
	dead := f.deliver(t, id, store.OutcomeDead)
	if len(dead) == 0 {
		t.Fatal("the sandbox's notifications of agent1 made no delivery")
	}
	all, err := f.st.Deliveries(context.Background(), store.DeliveryQuery{ChannelID: id, Limit: 200})
	if err != nil || len(all) <= DeliveriesPageSize {
		t.Fatalf("%d deliveries (%v), want more than a page", len(all), err)
	}
	page := f.do(t, b, http.MethodGet, "/console/channels/"+id, nil)
	rows := regexp.MustCompile(`data-delivery="(msg_[^"]+)"`).FindAllStringSubmatch(page.body, -1)
	if len(rows) != DeliveriesPageSize || !strings.Contains(page.body, "receiver answered 500") || !strings.Contains(page.body, "HTTP 500") {
		t.Fatalf("first page: %d rows, want %d with the last error\n%s", len(rows), DeliveriesPageSize, page.body)
	}
	older := regexp.MustCompile(`href="(/console/channels/[^"]+before=\d+)"`).FindStringSubmatch(page.body)
	if older == nil {
		t.Fatal("no link to older deliveries")
	}
	next := f.do(t, b, http.MethodGet, strings.ReplaceAll(older[1], "&amp;", "&"), nil)
	rows2 := regexp.MustCompile(`data-delivery="(msg_[^"]+)"`).FindAllStringSubmatch(next.body, -1)
	if len(rows2) != min(len(all)-DeliveriesPageSize, DeliveriesPageSize) || rows2[0][1] == rows[0][1] || rows2[0][1] != all[DeliveriesPageSize].ID {
		t.Errorf("second page: %d rows starting %v, want the deliveries after the first page", len(rows2), rows2)
	}
	onlyDead := f.do(t, b, http.MethodGet, "/console/channels/"+id+"?status=Dead", nil)
	if n := strings.Count(onlyDead.body, `data-delivery="`); n != min(len(dead), DeliveriesPageSize) || strings.Count(onlyDead.body, `class="light light-red">Dead letter<`) != n {
		t.Errorf("status=Dead shows %d rows, want the %d dead", n, len(dead))
	}
	if a := f.do(t, b, http.MethodGet, "/console/channels", nil); !strings.Contains(a.body, "Dead letters to replay") {
		t.Error("the list does not say dead letters wait")
	}
	// Replay a dead letter; it is pending again.
	d := dead[0]
	a := f.do(t, b, http.MethodPost, "/console/channels/"+id+"/deliveries/"+d.ID+"/replay", nil)
	if a.status != http.StatusSeeOther || a.location != "/console/channels/"+id+"?done=Replay" {
		t.Fatalf("replay: %d to %q\n%s", a.status, a.location, a.body)
	}
	if got := deliveryOf(t, f, id, d.ID); got.Status != store.DeliveryPending {
		t.Errorf("replayed delivery is %s, want Pending", got.Status)
	}
	// Again: it is not dead any more.
	a = f.do(t, b, http.MethodPost, "/console/channels/"+id+"/deliveries/"+d.ID+"/replay", nil)
	if a.status != http.StatusConflict || !strings.Contains(a.body, "Only a dead delivery can be replayed.") || !strings.Contains(a.body, `id="deliveries"`) {
		t.Errorf("replay of a pending delivery: %d\n%s", a.status, a.body)
	}
}

func deliveryOf(t *testing.T, f *fixture, channelID, id string) store.Delivery {
	t.Helper()
	all, err := f.st.Deliveries(context.Background(), store.DeliveryQuery{ChannelID: channelID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("no delivery %s", id)
	return store.Delivery{}
}

// TestChannelAccess: a user of company A never sees nor acts on company B's channel or delivery,
// whatever the URL or the form says: every page and action answers 404 and nothing of B's
// changes. Cross-site POSTs to the channel routes are refused.
func TestChannelAccess(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	bUser, aUser := f.user(t, "agent1"), f.user(t, "forwarder2")
	bID, bSecret := f.createChannel(t, bUser, url.Values{"name": {"B's"}, "url": {"https://hooks.example.com/b"}})
	dead := f.deliver(t, bID, store.OutcomeDead)
	if len(dead) == 0 {
		t.Fatal("no delivery of B's")
	}
	aID, _ := f.createChannel(t, aUser, url.Values{"name": {"A's"}, "url": {"https://hooks.example.com/a"}})
	before, _ := f.st.Channel(ctx, "", bID)
	form := url.Values{"name": {"stolen"}, "url": {"https://other.example.com/"}, "authType": {"none"}}
	for _, c := range []struct{ method, path string }{
		{"GET", "/console/channels/" + bID},
		{"GET", "/console/channels/" + bID + "?status=Dead"},
		{"GET", "/console/channels/" + bID + "/edit"},
		{"GET", "/console/channels/" + bID + "/delete"},
		{"POST", "/console/channels/" + bID},
		{"POST", "/console/channels/" + bID + "/rotate-secret"},
		{"POST", "/console/channels/" + bID + "/deliveries/" + dead[0].ID + "/replay"},
		{"POST", "/console/channels/" + aID + "/deliveries/" + dead[0].ID + "/replay"},
		{"POST", "/console/channels/" + bID + "/delete"},
	} {
		a := f.do(t, aUser, c.method, c.path, form)
		if a.status != http.StatusNotFound || strings.Contains(a.body, "hooks.example.com/b") || strings.Contains(a.body, dead[0].ID+`"`) {
			t.Errorf("A's %s %s: %d, want 404 showing nothing of B's\n%s", c.method, c.path, a.status, a.body)
		}
	}
	after, err := f.st.Channel(ctx, "", bID)
	if err != nil || after.Name != before.Name || after.URL != before.URL || after.Sealed != before.Sealed || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("B's channel changed: %+v -> %+v (%v)", before, after, err)
	}
	if got := deliveryOf(t, f, bID, dead[0].ID); got.Status != store.DeliveryDead {
		t.Errorf("B's dead letter is %s after A's replay", got.Status)
	}
	if list := f.do(t, aUser, "GET", "/console/channels", nil); strings.Contains(list.body, bID) {
		t.Error("A's list shows B's channel")
	}
	if list := f.do(t, bUser, "GET", "/console/channels", nil); strings.Contains(list.body, aID) || !strings.Contains(list.body, bID) || strings.Contains(list.body, bSecret) {
		t.Error("B's list is not B's channel alone, without its secret")
	}
	// Cross-site POSTs to the channel routes, with a live session, are refused before they act.
	f.refusedCrossSite(t, bUser, form.Encode(), "/console/channels", "/console/channels/"+bID, "/console/channels/"+bID+"/rotate-secret",
		"/console/channels/"+bID+"/delete", "/console/channels/"+bID+"/deliveries/"+dead[0].ID+"/replay")
	if after2, _ := f.st.Channel(ctx, "", bID); after2.Sealed != before.Sealed || after2.Name != before.Name {
		t.Error("a cross-site POST changed B's channel")
	}
	if chs, _ := f.st.Channels(ctx, "NXT100000000001"); len(chs) != 1 {
		t.Errorf("B has %d channels after a cross-site create, want 1", len(chs))
	}
	if got := deliveryOf(t, f, bID, dead[0].ID); got.Status != store.DeliveryDead {
		t.Error("a cross-site replay replayed B's dead letter")
	}
}

// TestChannelCatalogue: every text the channel pages use, the ones the templates build from the
// domain's values included, is in the catalogue with its Dutch.
func TestChannelCatalogue(t *testing.T) {
	used := map[string]bool{"nav.channels": true}
	for _, s := range deliveryStatuses {
		used["delivery.status."+s.String()] = true
	}
	for _, st := range []string{"ok", "retrying", "dead", "idle"} {
		used["channel.state."+st] = true
	}
	for _, a := range channelAuthTypes {
		used["channel.auth."+a] = true
	}
	for _, typ := range release.NotificationTypes {
		used["channel.type."+typ] = true
	}
	for _, name := range channelTextFields {
		if name != "authType" {
			used["channel."+name] = true
		}
	}
	for _, a := range []string{"ChannelCreate", "ChannelUpdate", "ChannelDelete", "ChannelRotate", "Replay"} {
		used["actionName."+a] = true
	}
	keyRe := regexp.MustCompile(`"((?:channels?|delivery)\.[a-zA-Z.]+)"`)
	for _, file := range []string{"channel_form.go", "channel_list.go", "channel_view.go", "channel_secret.go", "channel_delete.go",
		"templates/common/channel.html", "templates/views/channel_list.html", "templates/views/channel_form.html",
		"templates/views/channel_view.html", "templates/views/channel_secret.html", "templates/views/channel_delete.html"} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
	}
	nl := i18n.New(i18n.Dutch)
	for k := range used {
		if !i18n.Has(k) {
			t.Errorf("text %q is used but not in the catalogue", k)
		} else if nl.T(k) == i18n.New(i18n.English).T(k) && !strings.Contains(k, "type.") && !strings.Contains(k, "auth.OAuth2") && k != "channels.target" && k != "channel.scopes" {
			t.Logf("text %q reads the same in Dutch", k)
		}
	}
}
