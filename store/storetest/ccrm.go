package storetest

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/portlight/portlight/store"
)

func (w *world) recordCCRMUse(companyID, port, equipment, month string) {
	w.t.Helper()
	if err := w.s.RecordCCRMUse(w.ctx, companyID, port, equipment, month); err != nil {
		w.t.Fatalf("RecordCCRMUse(%s, %s, %s, %s): %v", companyID, port, equipment, month, err)
	}
}

func (w *world) checkCCRMUsage(month string, want ...store.CCRMUsage) {
	w.t.Helper()
	got, err := w.s.CCRMUsage(w.ctx, month)
	if err != nil {
		w.t.Fatalf("CCRMUsage(%s): %v", month, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		w.t.Errorf("CCRMUsage(%s):\n got %+v\nwant %+v", month, got, want)
	}
}

// testCCRMUsage: a company reading the same container's customs status again in a month counts
// once; another container (or the same equipment number in another port), another company or
// another month counts apart. The report has one line per company, sorted by company id.
func testCCRMUsage(t *testing.T, w *world) {
	eq1, eq2 := EquipmentNumber(80), EquipmentNumber(81)
	const march, april = "2025-03", "2025-04"
	w.checkCCRMUsage(march)
	for range 3 {
		w.recordCCRMUse(Forwarder.NxtEntityID, Port, eq1, march)
	}
	w.recordCCRMUse(Forwarder.NxtEntityID, Port, eq2, march)
	w.recordCCRMUse(Forwarder.NxtEntityID, OtherPort, eq1, march)
	w.recordCCRMUse(Haulier.NxtEntityID, Port, eq1, march)
	w.recordCCRMUse(Agent.NxtEntityID, Port, eq2, march)
	w.recordCCRMUse(Haulier.NxtEntityID, Port, eq1, march)
	w.recordCCRMUse(Forwarder.NxtEntityID, Port, eq1, april)

	w.checkCCRMUsage(march,
		store.CCRMUsage{CompanyID: Agent.NxtEntityID, Month: march, Containers: 1},
		store.CCRMUsage{CompanyID: Forwarder.NxtEntityID, Month: march, Containers: 3},
		store.CCRMUsage{CompanyID: Haulier.NxtEntityID, Month: march, Containers: 1},
	)
	w.checkCCRMUsage(april, store.CCRMUsage{CompanyID: Forwarder.NxtEntityID, Month: april, Containers: 1})
	w.checkCCRMUsage("2025-05")
}

// testCCRMUsageConcurrent: many concurrent reads of the same containers, beside commands being
// applied, count each container once per company, and none of them fails.
func testCCRMUsageConcurrent(t *testing.T, w *world) {
	const readers, containers, month = 40, 5, "2025-03"
	companies := []string{Forwarder.NxtEntityID, Haulier.NxtEntityID}
	errs := make(chan error, readers*containers*len(companies)+containers)
	var wg sync.WaitGroup
	for r := range readers {
		wg.Go(func() {
			for i := range containers {
				eq := EquipmentNumber(90 + (i+r)%containers)
				for _, company := range companies {
					errs <- w.s.RecordCCRMUse(w.ctx, company, Port, eq, month)
				}
			}
		})
	}
	// Commands keep the writer busy meanwhile.
	ops := make([]store.Op, containers)
	for i := range ops {
		eq := EquipmentNumber(90 + i)
		ops[i] = CommandOp(Port, eq, ReleaseCommand(Port, eq, "R1", nil), w.meta(Agent, base.Add(time.Duration(i)*time.Second)))
	}
	for _, op := range ops {
		wg.Go(func() {
			_, err := w.s.Apply(w.ctx, op)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent RecordCCRMUse or Apply: %v", err)
		}
	}
	w.checkCCRMUsage(month,
		store.CCRMUsage{CompanyID: Forwarder.NxtEntityID, Month: month, Containers: containers},
		store.CCRMUsage{CompanyID: Haulier.NxtEntityID, Month: month, Containers: containers},
	)
	for i := range containers {
		if c := w.container(Port, EquipmentNumber(90+i), base.Add(time.Minute)); len(c.Rights) != 1 {
			t.Errorf("container %d has %d rights after the concurrent Apply", i, len(c.Rights))
		}
	}
}
