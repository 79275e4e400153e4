package api

import (
	"errors"
	"net/url"
	"testing"

	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/service"
)

// The request decoders take untrusted input: whatever arrives, they answer a command or a 400/405,
// never a panic or another kind of error.

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `"x"`, `{"actionType":"Release"}`,
		`{"actionType":"Unblock","vesselName":"V"}`,
		`{"releaseIdentification":"R1","equipmentNumber":"MSCU1234565","billOfLadingNumbers":["BL1"],"portLoCode":"BEANR","terminalCode":"0100","actionType":"Release","releaseTo":{"identificationType":"NxtEntityId","identificationCode":"NXT3"},"releaseDateTimeUtc":"2026-11-28T08:52:12.928Z"}`,
		`{"portLoCode":"BEANR","releaseRights":[{"releaseFrom":{"identificationType":"NxtEntityId","identificationCode":"NXT1"},"releaseTo":{"identificationType":"NxtEntityId","identificationCode":"NXT3"},"terminalCode":"01700","billOfLadingNumbers":["BL1"],"equipmentNumber":"CAIU7654321","releaseIdentification":"R1"}],"actionType":"Transfer"}`,
		`{"releaseIdentification":"R1","equipmentNumber":"MSCU1234565","billOfLadingNumbers":["BL1"],"portLoCode":"BEANR","terminalCode":"0100","actionType":"Accept","releaseFrom":{"identificationType":"NxtEntityId","identificationCode":"NXT1"},"releaseTo":{"identificationType":"NxtEntityId","identificationCode":"NXT3"}}`,
	} {
		f.Add([]byte(s))
	}
}

func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	var e *service.Error
	if !errors.As(err, &e) {
		t.Fatalf("decoder returned %T %v, want *service.Error", err, err)
	}
	if e.Code != service.CodeInvalid && e.Code != service.CodeMethodNotAllowed {
		t.Fatalf("decoder returned code %d: %v", e.Code, err)
	}
}

func FuzzParseIngestion(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		cmd, err := parseIngestion(raw)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		if _, ok := canonical(cmd.ActionType, release.IngestionActions); !ok {
			t.Fatalf("accepted action %q", cmd.ActionType)
		}
	})
}

func FuzzParseReleaseRights(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if req, err := parseRightAction(raw, "BEANR", "MSCU1234565"); err != nil {
			checkDecodeError(t, err)
		} else if req.Command == nil {
			t.Fatal("no command")
		}
		reqs, err := parseBulk(raw, "BEANR")
		if err != nil {
			checkDecodeError(t, err)
		} else if len(reqs) == 0 || len(reqs) > MaxBulkRights {
			t.Fatalf("bulk of %d", len(reqs))
		}
	})
}

// FuzzParseTokenRequest feeds arbitrary form bodies to the token endpoint's parser.
func FuzzParseTokenRequest(f *testing.F) {
	for _, s := range []string{"", "grant_type=client_credentials&client_id=a&client_secret=b", "grant_type=password&username=u&password=p",
		"grant_type=refresh_token", "grant_type=%zz", "grant_type=client_credentials&grant_type=password"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // the server answers invalid_request before parsing
		}
		req, oerr := parseTokenRequest(form, noBasic{})
		if oerr != nil {
			if oerr.Status != 400 || (oerr.Code != "invalid_request" && oerr.Code != "unsupported_grant_type") {
				t.Fatalf("unexpected error %+v", oerr)
			}
			return
		}
		if req.grantType != "client_credentials" && req.grantType != "password" {
			t.Fatalf("accepted grant %q", req.grantType)
		}
	})
}

type noBasic struct{}

func (noBasic) BasicAuth() (string, string, bool) { return "", "", false }

// FuzzParseEntityFilter feeds arbitrary query strings to the registry's parser.
func FuzzParseEntityFilter(f *testing.F) {
	for _, s := range []string{"", "entityName=demo", "EORI=BE1&page=0", "vat=x&pageSize=1000", "NxtEntityId=%00&page=-1", "apcsCode=&duns="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		filter, err := parseEntityFilter(q)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		if filter.Page < 1 || filter.PageSize < 1 || filter.PageSize > MaxEntityPageSize {
			t.Fatalf("accepted paging %d/%d", filter.Page, filter.PageSize)
		}
	})
}
