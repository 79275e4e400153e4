package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestListCountsUnderFolds: the rights-list counts the triggers keep equal the lists counted on
// the rights themselves, after writes of every kind (new rights, transfers, accepts, deletions,
// writes that move nothing) made by several connections while two nodes fold the counts; a last
// fold leaves one row per key.
func TestListCountsUnderFolds(t *testing.T) {
	s, _ := openFresh(t, Options{})
	other, err := Open(context.Background(), s.pool.Config().ConnString(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	companies := []string{"A", "B", "C", "D"}
	const writers, writes, rights = 4, 300, 40
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range writes {
				id := fmt.Sprintf("r%d-%d", w, rng.IntN(rights))
				owner := companies[rng.IntN(len(companies))]
				var pending *string
				if rng.IntN(3) == 0 {
					pending = &companies[rng.IntN(len(companies))]
				}
				var err error
				switch rng.IntN(10) {
				case 0:
					_, err = s.pool.Exec(ctx, `DELETE FROM rights WHERE release_id = $1`, id)
				case 1:
					_, err = s.pool.Exec(ctx, `UPDATE rights SET status = status + 1 WHERE release_id = $1`, id)
				default:
					_, err = s.pool.Exec(ctx, `INSERT INTO rights (release_id, port_lo_code, equipment_number, release_identification,
    owner_id, pending_to_id, originator_id, terminal_code, status, deleted, created_at, updated_at, expires_at, state)
VALUES ($1, 'BEANR', 'EQ', 'R', $2, $3, 'A', '0100', 0, $4, now(), now(), now(), '{}')
ON CONFLICT (release_id) DO UPDATE SET owner_id = excluded.owner_id, pending_to_id = excluded.pending_to_id,
    deleted = excluded.deleted, status = excluded.status`, id, owner, pending, rng.IntN(8) == 0)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	var folds sync.WaitGroup
	for _, node := range []*Store{s, other} {
		folds.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := node.foldListCounts(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	folds.Wait()

	const counted = `SELECT company_id, port_lo_code, kind, count(*) FROM (
    SELECT owner_id AS company_id, port_lo_code, CASE WHEN pending_to_id IS NULL THEN 0 ELSE 1 END AS kind FROM rights WHERE NOT deleted
    UNION ALL
    SELECT pending_to_id, port_lo_code, 2 FROM rights WHERE NOT deleted AND pending_to_id IS NOT NULL AND pending_to_id <> owner_id
) AS listed GROUP BY 1, 2, 3`
	const kept = `SELECT company_id, port_lo_code, kind, sum(n) FROM rights_list_counts GROUP BY 1, 2, 3 HAVING sum(n) <> 0`
	read := func(q string) map[string]int64 {
		rows, err := s.pool.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int64{}
		for rows.Next() {
			var c, p string
			var k int16
			var n int64
			if err := rows.Scan(&c, &p, &k, &n); err != nil {
				t.Fatal(err)
			}
			out[fmt.Sprintf("%s/%s/%d", c, p, k)] = n
		}
		return out
	}
	want := read(counted)
	if len(want) == 0 {
		t.Fatal("no right is listed: the test wrote nothing")
	}
	for _, stage := range []string{"after the writes", "after a last fold"} {
		if got := read(kept); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: counts kept %v, counted %v", stage, got, want)
		}
		if folded, err := s.foldListCounts(ctx); err != nil || !folded {
			t.Fatalf("fold: %v (folded %v)", err, folded)
		}
	}
	var rows, keys int
	if err := s.pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT (company_id, port_lo_code, kind)) FROM rights_list_counts`).Scan(&rows, &keys); err != nil {
		t.Fatal(err)
	}
	if rows != keys {
		t.Errorf("after a fold: %d rows for %d keys", rows, keys)
	}
	if err := s.vacuumListCounts(ctx); err != nil {
		t.Error(err)
	}
}
