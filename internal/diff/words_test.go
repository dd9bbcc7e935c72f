package diff

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// eq, del and ins build expected ops tersely.
func eq(s string) Op  { return Op{OpEqual, s} }
func del(s string) Op { return Op{OpDelete, s} }
func ins(s string) Op { return Op{OpInsert, s} }

func TestWords(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []Op
	}{
		{"both empty", "", "", []Op{}},
		{"from empty", "", "new text", []Op{ins("new text")}},
		{"to empty", "old text", "", []Op{del("old text")}},
		{"identical", "same text", "same text", []Op{eq("same text")}},
		{"word replaced",
			"Member States shall ensure that", "Member States should ensure that",
			[]Op{eq("Member States "), del("shall"), ins("should"), eq(" ensure that")}},
		{"word inserted",
			"Decides to establish a committee", "Decides to establish a technical committee",
			[]Op{eq("Decides to establish a "), ins("technical "), eq("committee")}},
		{"words deleted",
			"Decides to establish a technical expert committee", "Decides to establish a committee",
			[]Op{eq("Decides to establish a "), del("technical expert "), eq("committee")}},
		{"punctuation",
			"Calls upon all States to act.", "Calls upon all States to act;",
			[]Op{eq("Calls upon all States to act"), del("."), ins(";")}},
		{"bracket alternative resolved",
			"Parties [shall/should] take measures", "Parties [should] take measures",
			[]Op{eq("Parties ["), del("shall/"), eq("should] take measures")}},
		{"brackets removed",
			"Parties [shall] take measures", "Parties shall take measures",
			[]Op{eq("Parties "), del("["), eq("shall"), del("]"), eq(" take measures")}},
		{"several bracketed alternatives resolved",
			"Each Party [shall/should] [take/adopt] measures", "Each Party shall take measures",
			[]Op{eq("Each Party "), del("["), eq("shall"), del("/should]"), eq(" "), del("["), eq("take"), del("/adopt]"), eq(" measures")}},
		{"bracketed text inserted",
			"a serious environmental problem at a global scale",
			"a serious environmental problem [and human health [animal and plant health] risks] at a global scale",
			[]Op{eq("a serious environmental problem "), ins("[and human health [animal and plant health] risks] "), eq("at a global scale")}},
		{"numbers stay whole",
			"OP3bis: 1,000 tonnes by 2030.", "OP3ter: 2,000 tonnes by 2040.",
			[]Op{del("OP3bis: 1,000"), ins("OP3ter: 2,000"), eq(" tonnes by "), del("2030"), ins("2040"), eq(".")}},
		{"short equality between edits folded",
			"shall ensure", "should promote",
			[]Op{del("shall ensure"), ins("should promote")}},
		{"short equality between insertions kept",
			"Parties shall act", "All Parties shall act now",
			[]Op{ins("All "), eq("Parties shall act"), ins(" now")}},
		{"bracketed alternative resolved to one word",
			"Parties [shall/should] take measures", "Parties shall take measures",
			[]Op{eq("Parties "), del("["), eq("shall"), del("/should]"), eq(" take measures")}},
		{"Chinese per character",
			"缔约方应当采取措施", "缔约方可以采取措施",
			[]Op{eq("缔约方"), del("应当"), ins("可以"), eq("采取措施")}},
		{"Katakana run per character",
			"締約国はリサイクルを促進する", "締約国はリユースを促進する",
			[]Op{eq("締約国はリ"), del("サイクル"), ins("ユース"), eq("を促進する")}},
		{"Arabic word replaced",
			"تقرر الدول الأطراف اتخاذ تدابير", "تقرر الدول الأعضاء اتخاذ تدابير",
			[]Op{eq("تقرر الدول "), del("الأطراف"), ins("الأعضاء"), eq(" اتخاذ تدابير")}},
		{"emoji modifier stays with its emoji",
			"We agree 👍 on this", "We agree 👍🏽 on this",
			[]Op{eq("We agree "), del("👍"), ins("👍🏽"), eq(" on this")}},
		{"precomposed vs combining accent",
			"café crème", "cafe\u0301 crème",
			[]Op{del("café"), ins("cafe\u0301"), eq(" crème")}},
		{"double space", "one two", "one  two", []Op{eq("one"), del(" "), ins("  "), eq("two")}},
		{"space to tab", "one two", "one\ttwo", []Op{eq("one"), del(" "), ins("\t"), eq("two")}},
		{"line ending", "line one\nline two", "line one\r\nline two",
			[]Op{eq("line one"), del("\n"), ins("\r\n"), eq("line two")}},
		{"whitespace only", "  ", "   ", []Op{del("  "), ins("   ")}},
		{"trailing space added", "Decides", "Decides ", []Op{eq("Decides"), ins(" ")}},
		{"invalid UTF-8 byte", "a\xffb", "a\xfeb", []Op{eq("a"), del("\xff"), ins("\xfe"), eq("b")}},
		{"unrelated texts replaced",
			"Requests the Secretariat to prepare a report", "Welcomes the offer of Kenya",
			[]Op{del("Requests the Secretariat to prepare a report"), ins("Welcomes the offer of Kenya")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Words(tt.old, tt.new)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Words(%q, %q)\n got %q\nwant %q", tt.old, tt.new, got, tt.want)
			}
			if msg := contractError(tt.old, tt.new, got); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// contractError checks the promise of Words and returns what is broken, or
// "" if nothing is.
func contractError(old, new string, ops []Op) string {
	if ops == nil {
		return "ops are nil"
	}
	var o, n strings.Builder
	for i, op := range ops {
		if op.Text == "" {
			return fmt.Sprintf("op %d is empty: %q", i, ops)
		}
		if i > 0 && ops[i-1].Op == op.Op {
			return fmt.Sprintf("ops %d and %d are both %s: %q", i-1, i, op.Op, ops)
		}
		switch op.Op {
		case OpEqual:
			o.WriteString(op.Text)
			n.WriteString(op.Text)
		case OpDelete:
			o.WriteString(op.Text)
		case OpInsert:
			n.WriteString(op.Text)
		default:
			return fmt.Sprintf("op %d has unknown kind %q", i, op.Op)
		}
	}
	if o.String() != old {
		return fmt.Sprintf("equal+delete = %q, want old %q", o.String(), old)
	}
	if n.String() != new {
		return fmt.Sprintf("equal+insert = %q, want new %q", n.String(), new)
	}
	return ""
}

func FuzzWords(f *testing.F) {
	seeds := [][2]string{
		{"", ""},
		{"Parties [shall/should] take measures", "Parties [should] take measures"},
		{"缔约方应当采取措施", "缔约方可以采取措施"},
		{"締約国はリサイクルを促進する", "締約国はリユースを促進する"},
		{"café crème 👍", "cafe\u0301 crème 👍🏽"},
		{"a\xffb\xe4\xb8", "a\xfeb\xe4"},
		{"\xed\xa0\x80 surrogate", "\xef\xbf\xbd replacement"},
		{"one  two\r\n", "one two\n"},
		{"e.g. 3.14 can't 1,000", "e.g 3,14 cant 1.000"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, old, new string) {
		if msg := contractError(old, new, Words(old, new)); msg != "" {
			t.Error(msg)
		}
	})
}

func TestWordsPaths(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	english := strings.Fields("the Parties shall take measures to reduce plastic pollution including in the marine environment")
	other := strings.Fields("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor")
	long := randomText(r, english, 8000)
	tests := []struct {
		name     string
		old, new string
		want     path
	}{
		{"identical", "text", "text", pathTrivial},
		{"small edit", "Parties shall act", "Parties should act", pathTokens},
		// The common start and end are stripped first, so a small edit in
		// a text far beyond the bounds is still diffed word by word.
		{"small edit in a long text", long + " shall " + long, long + " should " + long, pathTokens},
		{"unrelated 50,000 characters", randomText(r, english, 50_000), randomText(r, other, 50_000), pathTooLarge},
		{"few shared word pairs", randomText(r, english, 400), randomText(r, other, 400), pathDissimilar},
		{"little equal text", "Requests the Secretariat to prepare a report", "Welcomes the offer of Kenya", pathUnrelated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, got := words(tt.old, tt.new)
			if got != tt.want {
				t.Errorf("path = %d, want %d", got, tt.want)
			}
			if msg := contractError(tt.old, tt.new, ops); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// A paragraph that grew a lot around its old text is still related: word
// pairs are counted against the side with fewer of them.
func TestWordsGrownParagraph(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vocab := strings.Fields("further notes recalls welcomes decides invites requests urges encourages")
	core := "Parties shall take measures to reduce plastic pollution"
	before, after := randomText(r, vocab, 800)+" ", " "+randomText(r, vocab, 800)
	got, p := words(core, before+core+after)
	want := []Op{ins(before), eq(core), ins(after)}
	if p != pathTokens || !slices.Equal(got, want) {
		t.Errorf("path %d, ops %q; want path %d, ops %q", p, got, pathTokens, want)
	}
}

// randomText joins random words of vocab, separated by spaces, up to about n
// bytes.
func randomText(r *rand.Rand, vocab []string, n int) string {
	var sb strings.Builder
	for sb.Len() < n {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(vocab[r.IntN(len(vocab))])
	}
	return sb.String()
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name     string
		in, want []Op
	}{
		{"empty", nil, []Op{}},
		{"drops empty ops", []Op{eq(""), del("a"), ins("")}, []Op{del("a")}},
		{"merges equals", []Op{eq("a"), eq("b")}, []Op{eq("ab")}},
		{"delete before insert", []Op{ins("x"), del("a"), ins("y"), del("b")}, []Op{del("ab"), ins("xy")}},
		{"equal separates", []Op{ins("x"), eq("="), del("a")}, []Op{ins("x"), eq("="), del("a")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := normalize(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
