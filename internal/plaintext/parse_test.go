package plaintext

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// render writes a parse result one provision per line, then the warnings,
// in a form a reviewer can read in a diff.
func render(ps []negotiation.Provision, ws []negotiation.Warning) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "%-12s %-12s %-10q %s\n", p.Kind, p.Number, p.Label, p.Text)
	}
	for _, w := range ws {
		fmt.Fprintf(&b, "! %s provision=%d number=%q offset=%d: %s\n", w.Code, w.Provision, w.Number, w.Offset, w.Message)
	}
	return b.String()
}

func TestParseGolden(t *testing.T) {
	for _, name := range []string{"resolution", "treaty", "wrapped"} {
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			got := render(Parse(string(in)))
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("Parse(%s) differs from %s (run with -update to accept):\n%s", name, golden, got)
			}
		})
	}
}

func TestParseParagraphs(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // FullText of each provision
	}{
		{"empty", "", nil},
		{"only whitespace", " \r\n\t\u00a0\n\n", nil},
		{"one line", "Decides to act;", []string{"Decides to act;"}},
		{"CRLF and CR", "a;\r\nb;\rc;", []string{"a;", "b;", "c;"}},
		{"BOM", "\uFEFFRecalling x,", []string{"Recalling x,"}},
		{"tabs and nbsp", "1.\tDecides\u00a0 to\t\tact;  ", []string{"1. Decides to act;"}},
		{"one per line with section breaks", "Recalling a,\nNoting b,\n\n1. Decides c;\n2. Requests d;",
			[]string{"Recalling a,", "Noting b,", "1. Decides c;", "2. Requests d;"}},
		{"hard-wrapped blocks", "Recalling its decision in which\nit adopted guidance,\n\n1. Decides to extend the\nmandate of the group;",
			[]string{"Recalling its decision in which it adopted guidance,", "1. Decides to extend the mandate of the group;"}},
		{"bracket before marker", "[4. Any new chemicals]", []string{"4. [Any new chemicals]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, ws := Parse(tt.in)
			if ps == nil || ws == nil {
				t.Fatalf("Parse(%q) returned a nil slice", tt.in)
			}
			if len(ps) != len(tt.want) {
				t.Fatalf("Parse(%q) gave %d provisions %q, want %d", tt.in, len(ps), fullTexts(ps), len(tt.want))
			}
			for i, p := range ps {
				if got := p.FullText(); got != tt.want[i] {
					t.Errorf("provision %d = %q, want %q", i, got, tt.want[i])
				}
			}
		})
	}
}

func fullTexts(ps []negotiation.Provision) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.FullText()
	}
	return out
}

func TestParseKeepsKeysEmpty(t *testing.T) {
	ps, _ := Parse("Recalling a,\n1. Decides b;")
	for i, p := range ps {
		if p.Key != "" {
			t.Errorf("provision %d has key %q, want empty", i, p.Key)
		}
	}
}
