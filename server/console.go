package server

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/portlight/portlight/admin"
	"github.com/portlight/portlight/console"
	"github.com/portlight/portlight/identity"
	"github.com/portlight/portlight/sandbox"
	"github.com/portlight/portlight/service"
	"github.com/portlight/portlight/store"
)

// withConsole serves the web console of port (--console-port) at /console/ beside the API, its
// operator pages over adm with operatorToken (off when ""); committed has a value after each commit
// of this node (its live updates look at once); stop ends its live streams (for
// http.Server.RegisterOnShutdown).
func withConsole(ctx context.Context, st store.Store, svc *service.Service, adm *admin.Admin, operatorToken, baseURL, port string, committed <-chan struct{}, api http.Handler) (handler http.Handler, stop func(), err error) {
	key, err := consoleSessionKey(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	if port == "" { // a Config built by hand rather than Load: the option's default
		port = sandbox.PortLoCode
	}
	con, err := console.New(svc, console.Options{SessionKey: key, Secure: strings.HasPrefix(baseURL, "https://"),
		PortLoCode: port, Admin: adm, OperatorToken: operatorToken, Committed: committed}, time.Now)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", con.Handler())
	mux.Handle("/console", http.RedirectHandler("/console/", http.StatusMovedPermanently))
	mux.Handle("/", api)
	return mux, con.Stop, nil
}

// consoleSessionKey derives the key that signs console sessions from the oldest active token
// signing key: every node sharing the database derives the same one without a secret of its own
// to distribute, and retiring that signing key (portlight admin keys) ends every session.
func consoleSessionKey(ctx context.Context, st store.Store) ([]byte, error) {
	keys, err := st.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("console session key: %w", err)
	}
	keys = slices.DeleteFunc(keys, func(k identity.SigningKey) bool { return k.RetiredAt != nil })
	if len(keys) == 0 {
		return nil, fmt.Errorf("console session key: no active signing key")
	}
	slices.SortFunc(keys, func(a, b identity.SigningKey) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.KeyID, b.KeyID)
	})
	h := sha256.New()
	h.Write([]byte("portlight console sessions\x00" + keys[0].KeyID + "\x00"))
	h.Write(keys[0].JWK)
	return h.Sum(nil), nil
}
