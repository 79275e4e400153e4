package edi

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portlight/portlight/edi/edifact"
	"github.com/portlight/portlight/internal/golden"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of edi/testdata/*.golden")

// TestGolden maps every message of every testdata/*.edi, sent to port BEANR, and holds the
// commands (as JSON) or the refusal against testdata/*.golden; -rewrite writes them anew.
func TestGolden(t *testing.T) {
	for _, file := range golden.Inputs(t, "testdata/*.edi") {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ic, err := edifact.Parse(data)
			if err != nil {
				t.Fatalf("%s does not parse: %v", file, err)
			}
			var b strings.Builder
			for i := range ic.Messages {
				m := &ic.Messages[i]
				fmt.Fprintf(&b, "message %s %s %s\n", m.Ref, m.Type, m.Directory())
				mapped, err := Map(m, "BEANR")
				var refusal *Refusal
				switch {
				case errors.As(err, &refusal):
					fmt.Fprintf(&b, "  refused (segment %d): %s\n", refusal.Segment, refusal.Text)
				case err != nil:
					t.Fatalf("message %s: not a refusal: %v", m.Ref, err)
				case mapped.Ignored != "":
					fmt.Fprintf(&b, "  ignored: %s\n", mapped.Ignored)
				}
				for _, c := range mapped.Commands {
					j, err := json.Marshal(c.Command)
					if err != nil {
						t.Fatal(err)
					}
					fmt.Fprintf(&b, "  %s %T %s\n", c.EquipmentNumber, c.Command, j)
				}
			}
			golden.Check(t, file, b.String(), *rewrite)
		})
	}
}

// FuzzMap: whatever message the tokenizer lets through, every mapper answers with commands, an
// acknowledgement or a refusal, without panicking; a command always names its container.
func FuzzMap(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.edi")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ic, err := edifact.Parse(data)
		if err != nil {
			return
		}
		for i := range ic.Messages {
			mapped, err := Map(&ic.Messages[i], "BEANR")
			var refusal *Refusal
			if err != nil && !errors.As(err, &refusal) {
				t.Fatalf("not a refusal: %v", err)
			}
			for _, c := range mapped.Commands {
				if strings.TrimSpace(c.EquipmentNumber) == "" || c.Command == nil {
					t.Fatalf("a command without its container: %+v", c)
				}
			}
		}
	})
}
