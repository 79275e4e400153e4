// Package golden holds a test's output against an expected file, the golden file, and writes that
// file anew when the test is run with its -rewrite flag (so a change of output is a readable diff).
package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Inputs returns the files matching pattern (such as "testdata/*.edi"); none is a test failure.
func Inputs(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no input matches %s: %v", pattern, err)
	}
	return files
}

// Check compares got with the golden file of input (its name with the extension replaced by
// .golden), or writes got there when rewrite.
func Check(t *testing.T, input, got string, rewrite bool) {
	t.Helper()
	file := strings.TrimSuffix(input, filepath.Ext(input)) + ".golden"
	if rewrite {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run the test with -rewrite to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", input, file, got)
	}
}
