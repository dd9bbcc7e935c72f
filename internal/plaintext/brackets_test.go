package plaintext

import (
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

func TestBrackets(t *testing.T) {
	type want struct {
		code      string
		provision int
		offset    int
		message   string
	}
	tests := []struct {
		name  string
		texts []string
		want  []want
	}{
		{"balanced and nested", []string{"[developed [and other]] countries", "[shall/should]"}, nil},
		{"fullwidth pairs", []string{"［a］ and [b］"}, nil},
		{"unclosed", []string{"a", "the [matter"},
			[]want{{CodeBracketUnclosed, 1, 4, "OP2: bracket opened at character 5 is never closed"}}},
		{"unopened", []string{"committee;]"},
			[]want{{CodeBracketUnopened, 0, 10, "OP1: closing bracket at character 11 has no opening bracket"}}},
		{"spans two paragraphs", []string{"[Mindful", "x", "Bearing]"},
			[]want{{CodeBracketSpans, 0, 0, "OP1: bracket opened at character 1 is closed only in OP3"}}},
		{"offsets are bytes, characters are runes", []string{"é « [x"},
			[]want{{CodeBracketUnclosed, 0, 6, "OP1: bracket opened at character 5 is never closed"}}},
		{"several", []string{"] [a [b", "c]"},
			[]want{
				{CodeBracketUnopened, 0, 0, "OP1: closing bracket at character 1 has no opening bracket"},
				{CodeBracketSpans, 0, 5, "OP1: bracket opened at character 6 is closed only in OP2"},
				{CodeBracketUnclosed, 0, 2, "OP1: bracket opened at character 3 is never closed"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := make([]negotiation.Provision, len(tt.texts))
			for i, s := range tt.texts {
				ps[i] = negotiation.Provision{Kind: negotiation.KindOperative, Text: s}
			}
			Number(ps)
			ws := Brackets(ps)
			if len(ws) != len(tt.want) {
				t.Fatalf("got %d warnings %+v, want %d", len(ws), ws, len(tt.want))
			}
			for i, w := range ws {
				g := want{w.Code, w.Provision, w.Offset, w.Message}
				if g != tt.want[i] {
					t.Errorf("warning %d = %+v, want %+v", i, g, tt.want[i])
				}
				if w.Number != ps[w.Provision].Number {
					t.Errorf("warning %d number %q, want %q", i, w.Number, ps[w.Provision].Number)
				}
			}
		})
	}
}

func TestBracketsNamesHeadingsByPosition(t *testing.T) {
	ps := []negotiation.Provision{{Kind: negotiation.KindHeading, Number: "Article 2", Text: "[Scope"}}
	ws := Brackets(ps)
	if len(ws) != 1 {
		t.Fatalf("got %d warnings, want 1", len(ws))
	}
	if want := "paragraph 1: bracket opened at character 1 is never closed"; ws[0].Message != want {
		t.Errorf("message %q, want %q", ws[0].Message, want)
	}
}
