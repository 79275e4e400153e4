package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/portlight/portlight/edi"
	"github.com/portlight/portlight/edi/edifact"
)

// EDIOptions sizes the EDIFACT benchmark.
type EDIOptions struct {
	// Messages is how many messages each interchange holds (one container each).
	Messages int
	// Workers release the containers first, through the API.
	Workers int
}

// EDI releases o.Messages containers through the API, then sends the terminal's two interchanges
// of o.Messages messages each, a COARRI discharge report for every container and a CODECO gate-out
// report for every container, and measures each interchange from the first byte sent to the
// answer (every message parsed, mapped and applied, the APERAK kept): messages a second.
func EDI(ctx context.Context, p *Port, o EDIOptions) ([]Result, error) {
	eqs := make([]string, o.Messages)
	for i := range eqs {
		eqs[i] = p.Container(i)
	}
	released := RunCount(ctx, "edi: release (API)", o.Messages, o.Workers, func(ctx context.Context, i int) error {
		_, err := p.Release(ctx, eqs[i], "")
		return err
	})
	results := []Result{released}
	if released.Errors > 0 {
		return results, fmt.Errorf("bench edi: %d releases failed: %s", released.Errors, released.FirstErr)
	}
	for _, r := range []struct{ name, typ, document, date string }{
		{"edi: COARRI discharge", "COARRI", "98", "203"},
		{"edi: CODECO gate-out", "CODECO", "36", "7"},
	} {
		body := TerminalInterchange(p.Creds.PortLoCode, r.typ, r.document, r.date, eqs)
		start := time.Now()
		resp, err := p.As(Terminal).Interchange(ctx, p.Creds.PortLoCode, body, "")
		took := time.Since(start)
		res := Result{Name: r.name, Duration: took, Seconds: took.Seconds(), Sent: o.Messages,
			Achieved: float64(o.Messages) / took.Seconds(), Latencies: Summarise([]time.Duration{took})}
		if err == nil && resp.Status != 202 {
			err = fmt.Errorf("answered %d: %.200s", resp.Status, resp.Body)
		}
		if err == nil {
			res.Errors, err = refusedMessages(resp.Body)
		}
		if err != nil {
			res.Errors, res.FirstErr = o.Messages, err.Error()
		}
		results = append(results, res)
		if err != nil {
			return results, fmt.Errorf("bench edi: %s: %w", r.name, err)
		}
	}
	return results, nil
}

// TerminalInterchange writes one interchange of the sandbox terminal at port holding one report of
// type typ (COARRI, CODECO) and document name document (BGM 1001) per container of eqs, dated by
// the DTM qualifier date.
func TerminalInterchange(port, typ, document, date string, eqs []string) []byte {
	w := edifact.NewWriter()
	ref := "BENCH" + typ
	w.Write(edifact.Seg("UNB", edifact.E("UNOA", "2"), edifact.E("TERMINAL0100", "ZZZ"), edifact.E("PORTLIGHT", "ZZZ"),
		edifact.E(time.Now().UTC().Format("060102"), time.Now().UTC().Format("1504")), edifact.E(ref)))
	now := time.Now().UTC().Format("200601021504")
	for i, eq := range eqs {
		m := strconv.Itoa(i + 1)
		w.Write(edifact.Seg("UNH", edifact.E(m), edifact.E(typ, "D", "95B", "UN", "SMDG")),
			edifact.Seg("BGM", edifact.E(document), edifact.E(typ+m), edifact.E("9")),
			edifact.Seg("RFF", edifact.E("ATZ", "STAY1")),
			edifact.Seg("EQD", edifact.E("CN"), edifact.E(eq), edifact.E("45G1", "102", "5")),
			edifact.Seg("DTM", edifact.E(date, now, "203")),
			edifact.Seg("LOC", edifact.E("165"), edifact.E(port, "139", "6"), edifact.E(TerminalCode, "TER", "ZZZ")))
		w.EndMessage(m)
	}
	w.Write(edifact.Seg("UNZ", edifact.E(strconv.Itoa(len(eqs))), edifact.E(ref)))
	return w.Bytes()
}

// refusedMessages counts the messages of a gateway answer that were not accepted.
func refusedMessages(body []byte) (int, error) {
	var a edi.InterchangeAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return 0, err
	}
	n := 0
	for _, m := range a.Messages {
		if m.Status != edi.StatusAccepted {
			n++
		}
	}
	if n > 0 {
		return n, fmt.Errorf("%d messages not accepted", n)
	}
	return 0, nil
}
