package service

import (
	"context"

	"github.com/portlight/portlight/release"
)

// GateQuestion is what a gate asks: may transportOperator (a NxtEntityId; empty: whoever holds
// the Pick-up Right) take container EquipmentNumber of PortLoCode out of TerminalCode now, with
// MeansOfTransport (nil: not checked)?
type GateQuestion struct {
	PortLoCode        string
	EquipmentNumber   string
	TerminalCode      string
	TransportOperator string
	MeansOfTransport  *release.MeansOfTransport
}

// GateCheck answers at once whether the pick-up q asks about may happen (release.Evaluate): the
// hot read path of a terminal gate. Only the terminal's operator asks. The question comes back
// with its codes normalised and the terminal's own code.
func (s *Service) GateCheck(ctx context.Context, caller *Caller, q GateQuestion) (release.Verdict, GateQuestion, error) {
	if err := Authorize(caller, release.CallGateCheck); err != nil {
		return release.Verdict{}, q, err
	}
	q.PortLoCode, q.EquipmentNumber = release.NormaliseCode(q.PortLoCode), release.NormaliseCode(q.EquipmentNumber)
	t := s.dir.Terminal(ctx, q.PortLoCode, q.TerminalCode)
	if t == nil {
		return release.Verdict{}, q, FieldError("terminalCode", "'terminalCode' is not a terminal of port "+q.PortLoCode+".")
	}
	if t.Operator.NxtEntityID != caller.Company.NxtEntityID {
		return release.Verdict{}, q, Errorf(CodeForbidden, "Terminal %s is not operated by your company.", t.Code)
	}
	q.TerminalCode = t.Code
	now := s.now()
	c, err := s.store.Container(ctx, q.PortLoCode, q.EquipmentNumber, now)
	if err != nil {
		return release.Verdict{}, q, Internal(err)
	}
	return c.Evaluate(t.Code, q.TransportOperator, q.MeansOfTransport, now), q, nil
}
