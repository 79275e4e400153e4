package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/portlight/portlight/store/storetest"
)

func TestOutbox(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T) storetest.OutboxStore { return openTemp(t) })
}

// TestOutboxQueriesUseTheirIndexes: the claim and the dispatch read only the partial indexes of
// what waits, whatever the size of the tables (a full scan would grow with every notification).
func TestOutboxQueriesUseTheirIndexes(t *testing.T) {
	s := openTemp(t)
	for query, index := range map[string]string{
		sqlClaim: "deliveries_ready",
		`SELECT seq, receiver_id, type, equipment_number FROM notifications WHERE NOT dispatched ORDER BY seq LIMIT 10`: "notifications_undispatched",
		`SELECT EXISTS (SELECT 1 FROM deliveries WHERE channel_id = 'c' AND ordering_key = 'k' AND status = 0)`:         "deliveries_queue",
		`UPDATE deliveries SET blocked = 0 WHERE delivery_id = (SELECT delivery_id FROM deliveries
    WHERE channel_id = 'c' AND ordering_key = 'k' AND status = 0 ORDER BY seq LIMIT 1) AND blocked`: "deliveries_queue",
	} {
		args := make([]any, strings.Count(query, "?"))
		for i := range args {
			args[i] = 1
		}
		rows, err := s.w.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		var plan strings.Builder
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan.WriteString(detail + "\n")
		}
		rows.Close()
		if !strings.Contains(plan.String(), index) {
			t.Errorf("query does not use %s:\n%s\nplan:\n%s", index, query, plan.String())
		}
	}
}
