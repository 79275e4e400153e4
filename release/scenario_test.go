package release_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Scenario files (etcd raft's testdata style): every release/testdata/*.txt is a script of cases.
// A case is one or more input lines, a line "----", and the exact output they must produce, up to
// the next blank line. Lines starting with "#" outside the output are comments. The statements an
// input may hold are described in scenario_world_test.go; the output lines in
// scenario_print_test.go.
//
// When the core changes on purpose, `go test ./release -run Scenario -rewrite` writes the actual
// output into the files, and `git diff release/testdata` shows what the change did to the wire.
var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of release/testdata/*.txt")

func TestScenario(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenario files in testdata/")
	}
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			runScenarioFile(t, path)
		})
	}
}

func runScenarioFile(t *testing.T, path string) {
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseScript(string(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	w := newWorld()
	for i := range s.cases {
		c := &s.cases[i]
		got, err := w.run(c.input)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, c.line, err)
		}
		if *rewrite {
			c.want = got
			continue
		}
		if !equalLines(got, c.want) {
			t.Errorf("%s:%d: output differs (-want +got):\n%s", path, c.line, diffLines(c.want, got))
		}
	}
	if *rewrite {
		if err := os.WriteFile(path, []byte(s.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// script is a parsed scenario file. It keeps every comment and blank line so that -rewrite
// changes nothing but the expected output.
type script struct {
	cases   []scriptCase
	trailer []string // comments after the last case
}

type scriptCase struct {
	pre   []string // comments and blank lines before the case
	input []string // the statements, as written (comments included)
	line  int      // line number of the first input line
	want  []string // the expected output
}

const separator = "----"

func parseScript(text string) (*script, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	s := &script{}
	var cur scriptCase
	const (
		between = iota
		input
		output
	)
	state := between
	for i, l := range lines {
		switch state {
		case between:
			if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
				cur.pre = append(cur.pre, l)
				continue
			}
			if l == separator {
				return nil, fmt.Errorf("line %d: %s without input", i+1, separator)
			}
			cur.line = i + 1
			cur.input = append(cur.input, l)
			state = input
		case input:
			if l == separator {
				state = output
				continue
			}
			cur.input = append(cur.input, l)
		case output:
			if strings.TrimSpace(l) == "" {
				s.cases = append(s.cases, cur)
				cur = scriptCase{}
				state = between
				continue
			}
			cur.want = append(cur.want, l)
		}
	}
	switch state {
	case input:
		return nil, fmt.Errorf("line %d: case without %s", cur.line, separator)
	case output:
		s.cases = append(s.cases, cur)
	default:
		s.trailer = cur.pre
	}
	return s, nil
}

// String renders the script back, with each case's output as it now stands.
func (s *script) String() string {
	var b strings.Builder
	for _, c := range s.cases {
		for _, l := range c.pre {
			b.WriteString(l + "\n")
		}
		for _, l := range c.input {
			b.WriteString(l + "\n")
		}
		b.WriteString(separator + "\n")
		for _, l := range c.want {
			b.WriteString(l + "\n")
		}
		b.WriteString("\n")
	}
	for _, l := range s.trailer {
		b.WriteString(l + "\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// diffLines is a small line diff (longest common subsequence): "-" lines are expected but
// missing, "+" lines are produced but not expected; runs of equal lines are cut down to three
// lines of context around each change.
func diffLines(want, got []string) string {
	n, m := len(want), len(got)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == got[j]:
			ops = append(ops, "  "+want[i])
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, "+ "+got[j])
			j++
		default:
			ops = append(ops, "- "+want[i])
			i++
		}
	}
	const context = 3
	near := func(k int) bool {
		for d := max(0, k-context); d <= min(len(ops)-1, k+context); d++ {
			if ops[d][0] != ' ' {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	skipped := false
	for k, op := range ops {
		if op[0] == ' ' && !near(k) {
			if !skipped {
				b.WriteString("  ...\n")
			}
			skipped = true
			continue
		}
		skipped = false
		b.WriteString(op + "\n")
	}
	return b.String()
}

func TestScriptRoundTrip(t *testing.T) {
	text := "# intro\n\nat 2026-01-01T00:00:00Z\n# inside\nSA1 detail eq=X\n----\nout 1\nout 2\n\n# between\n\nstate\n----\n\n# end\n"
	s, err := parseScript(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.cases) != 2 || s.cases[0].line != 3 || len(s.cases[0].want) != 2 || len(s.cases[1].want) != 0 {
		t.Fatalf("parsed %+v", s)
	}
	if got := s.String(); got != text {
		t.Errorf("round trip:\n%q\nwant\n%q", got, text)
	}
	if d := diffLines([]string{"a", "b", "c"}, []string{"a", "x", "c", "d"}); d != "  a\n+ x\n- b\n  c\n+ d\n" {
		t.Errorf("diff:\n%s", d)
	}
	long := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}
	changed := append(slices.Clone(long[:9]), "ten")
	if d := diffLines(long, changed); d != "  ...\n  7\n  8\n  9\n+ ten\n- 10\n" {
		t.Errorf("diff with context:\n%s", d)
	}
}
