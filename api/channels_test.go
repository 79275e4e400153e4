package api

import (
	"errors"
	"testing"

	"github.com/portlight/portlight/service"
)

func TestParseChannelSpec(t *testing.T) {
	spec, err := parseChannelSpec([]byte(`{"name":"n","url":"https://h.example/x","types":["ReleaseLight"],"headers":{"X-Key":"v"},
		"authentication":{"type":"OAuth2Password","tokenEndpoint":"https://id.example/t","clientId":"c","scopes":["a"],"username":"u","password":"p"}}`))
	if err != nil || spec.Authentication == nil || spec.Authentication.Password != "p" || spec.Headers["X-Key"] != "v" {
		t.Fatalf("parse: %+v %v", spec, err)
	}
	for body, field := range map[string]string{
		`{"name":"n","url":"https://h.example/x","tokenEndpiont":"x"}`:             "tokenEndpiont",
		`{"name":"n","url":"https://h.example/x","authentication":{"typ":"none"}}`: "typ",
		`{"name":"n","types":"ReleaseLight"}`:                                      "types",
	} {
		_, err := parseChannelSpec([]byte(body))
		if codeOf(t, err) != service.CodeInvalid {
			t.Errorf("%s: %v", body, err)
		}
		var e *service.Error
		if !errors.As(err, &e) || e.Fields[field] == nil {
			t.Errorf("%s: fields %v, want %s", body, e.Fields, field)
		}
	}
	if _, err := parseChannelSpec(nil); codeOf(t, err) != service.CodeInvalid {
		t.Errorf("empty body: %v", err)
	}
}
