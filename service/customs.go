package service

import (
	"context"
	"time"

	"github.com/portlight/portlight/release"
)

// CustomsStatus answers CCRM GET for a party entitled to the container (release.ReadCustoms: a
// stakeholder of one of its releases, or the customs authority) and counts one metered use per
// container, company and month, as the real service bills per container. Anyone else is refused
// without learning whether the container exists.
func (s *Service) CustomsStatus(ctx context.Context, caller *Caller, port, eq string) (release.CustomsReading, error) {
	if err := Authorize(caller, release.CallCustomsQuery); err != nil {
		return release.CustomsReading{}, err
	}
	port, eq = release.NormaliseCode(port), release.NormaliseCode(eq)
	now := s.now().UTC()
	c, err := s.store.Container(ctx, port, eq, now)
	if err != nil {
		return release.CustomsReading{}, Internal(err)
	}
	me := caller.Company.Party()
	reading, ok := c.ReadCustoms(&me)
	if !ok {
		return release.CustomsReading{}, Errorf(CodeForbidden, "You are not entitled to the customs status of this container.")
	}
	if err := s.store.RecordCCRMUse(ctx, me.NxtEntityID, port, eq, monthOf(now)); err != nil {
		return release.CustomsReading{}, Internal(err)
	}
	return reading, nil
}

// monthOf is the billing month of a time, "2026-11".
func monthOf(t time.Time) string { return t.UTC().Format("2006-01") }
