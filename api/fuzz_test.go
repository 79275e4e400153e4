package api

import (
	"errors"
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
