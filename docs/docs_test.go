// Package docs holds the project's documentation; its test keeps the documentation and the code
// that cites it in step.
package docs

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root is the repository, one directory up from this package.
const root = ".."

// headings returns the "## " headings of a Markdown file.
func headings(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if h, ok := strings.CutPrefix(sc.Text(), "## "); ok {
			out[h] = true
		}
	}
	return out
}

// sources calls fn with the path and text of every Go file and scenario file of the repository.
func sources(t *testing.T, fn func(path, text string)) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".go") || strings.Contains(path, "testdata"+string(filepath.Separator))) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fn(path, string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// citation is docs/rules.md followed by a section heading in quotes, possibly across a comment's
// line break.
var citation = regexp.MustCompile(`docs/rules\.md[\s/#]*"([^"]+)"`)

// TestRulesCitations: every comment that cites a section of docs/rules.md names a heading the
// page has, so that a renamed section cannot leave the code pointing nowhere.
func TestRulesCitations(t *testing.T) {
	have := headings(t, "rules.md")
	n := 0
	sources(t, func(path, text string) {
		for _, m := range citation.FindAllStringSubmatch(text, -1) {
			n++
			// A heading cited across a comment's line break: "Portlight's own\n// endpoints".
			h := strings.Join(strings.Fields(strings.ReplaceAll(m[1], "//", " ")), " ")
			if !have[h] {
				t.Errorf("%s cites docs/rules.md %q, which has no such section", path, h)
			}
		}
	})
	if n == 0 {
		t.Error("no citation of docs/rules.md found: the pattern or the walk is wrong")
	}
}

// outside are the ways a comment could cite a file outside the repository: the rules and style
// pages and the original pages Portlight was built from live elsewhere, so the code cites
// docs/rules.md instead.
var outside = regexp.MustCompile(`SPEC\.md|STYLE\.md|seeds/|\.\./shared|notifications-(overview|release-parties|terminal-operators)\.txt|shipping-agent-integration\.txt|ccrm-customs-status\.txt`)

// TestNoCitationsOutside: no Go file or scenario file cites a file outside the repository.
func TestNoCitationsOutside(t *testing.T) {
	sources(t, func(path, text string) {
		if strings.HasSuffix(path, "docs_test.go") {
			return
		}
		for i, line := range strings.Split(text, "\n") {
			if m := outside.FindString(line); m != "" {
				t.Errorf("%s:%d cites %s, outside the repository (cite docs/rules.md by section, or a file of the repository)", path, i+1, m)
			}
		}
	})
}

// filePath is a repository path in backquotes in a page: a directory or a file with an extension.
var filePath = regexp.MustCompile("`((?:[a-z0-9_]+/)+[A-Za-z0-9_.*]*)`")

// TestDocsNameFilesThatExist: the paths the architecture and rules pages name exist, so that a
// move or a rename shows up here rather than in a reader's dead end.
func TestDocsNameFilesThatExist(t *testing.T) {
	for _, page := range []string{"architecture.md", "rules.md"} {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range filePath.FindAllStringSubmatch(string(b), -1) {
			p := m[1]
			if strings.Contains(p, "*") {
				matches, _ := filepath.Glob(filepath.Join(root, p))
				if len(matches) == 0 {
					t.Errorf("%s names %s, which matches no file", page, p)
				}
				continue
			}
			if _, err := os.Stat(filepath.Join(root, p)); err != nil {
				t.Errorf("%s names %s: %v", page, p, err)
			}
		}
	}
}

// TestReadmeStartsWithTheTwoCommands: a newcomer's first two lines to paste are running the
// sandbox and running the tests, before anything else the README says.
func TestReadmeStartsWithTheTwoCommands(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```sh\n")
	block, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("README.md has no sh code block")
	}
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "go run ./cmd/portlight serve --sandbox") || !strings.HasPrefix(lines[1], "go test ") {
		t.Errorf("README.md's first commands are not the sandbox and the tests:\n%s", block)
	}
}
