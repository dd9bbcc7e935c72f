package compilation

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// reanchorReference is Reanchor as first written: clear, and slow on long
// texts because it builds a string at every position.
func reanchorReference(text, quote string, start int) (int, bool) {
	r := []rune(text)
	q := []rune(quote)
	if start >= 0 && start+len(q) <= len(r) && string(r[start:start+len(q)]) == quote {
		return start, true
	}
	best, bestDist := -1, 0
	for i := 0; i+len(q) <= len(r); i++ {
		if string(r[i:i+len(q)]) != quote {
			continue
		}
		d := i - start
		if d < 0 {
			d = -d
		}
		if best < 0 || d < bestDist {
			best, bestDist = i, d
		}
	}
	return best, best >= 0
}

func TestReanchor(t *testing.T) {
	tests := []struct {
		text, quote string
		start       int
		want        int
		ok          bool
	}{
		{"shall act", "shall", 0, 0, true},
		{"Each Party shall act", "shall", 0, 11, true},
		{"xx, xx", "xx", 2, 0, true},               // a tie goes to the earlier one
		{"xx, xx", "xx", 3, 4, true},               // nearer after
		{"aaaa", "aa", 3, 2, true},                 // overlapping matches
		{"é shall, é shall", "shall", 9, 11, true}, // offsets count runes, not bytes
		{"should act", "shall", 0, -1, false},
		{"short", "", 99, 5, true},
		{"short", "", -3, 0, true},
		{"a\xffb", "\uFFFD", 0, 1, true}, // an invalid byte reads as U+FFFD
		{"a\xffb", "\xff", 1, -1, false},
	}
	for _, tt := range tests {
		got, ok := negotiation.Reanchor(tt.text, tt.quote, tt.start)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Reanchor(%q, %q, %d) = %d, %v; want %d, %v", tt.text, tt.quote, tt.start, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzReanchor(f *testing.F) {
	f.Add("Each Party shall act; each Party shall report.", "shall", 30)
	f.Add("aaaa", "aa", 3)
	f.Add("é shall, é shall", "shall", 9)
	f.Add("a\xffb\xff", "\uFFFD", -1)
	f.Add("", "", 0)
	f.Fuzz(func(t *testing.T, text, quote string, start int) {
		got, ok := negotiation.Reanchor(text, quote, start)
		want, wantOK := reanchorReference(text, quote, start)
		if got != want || ok != wantOK {
			t.Errorf("Reanchor(%q, %q, %d) = %d, %v; the reference gives %d, %v", text, quote, start, got, ok, want, wantOK)
		}
		if !ok {
			return
		}
		end := got + utf8.RuneCountInString(quote)
		if got < 0 || end > len([]rune(text)) {
			t.Fatalf("Reanchor(%q, %q, %d) = %d, outside the text", text, quote, start, got)
		}
		if s := negotiation.RuneSlice(text, got, end); s != string([]rune(quote)) {
			t.Errorf("Reanchor(%q, %q, %d) = %d, which points at %q", text, quote, start, got, s)
		}
	})
}

// generated turns fuzz bytes into proposals on v, 7 bytes each: kind,
// provision, start, length, text, party, status. Offsets may fall outside
// the text and quotes are taken from it, so most proposals fit and some
// do not, as in real use.
func generated(v negotiation.Version, b []byte) []negotiation.Proposal {
	kinds := []negotiation.ProposalKind{
		negotiation.Replace, negotiation.Delete, negotiation.InsertWords, negotiation.Alternative,
		negotiation.InsertProvision, negotiation.Move, negotiation.Replace, negotiation.Alternative,
	}
	statuses := []negotiation.ProposalStatus{
		negotiation.Tabled, negotiation.Tabled, negotiation.Tabled, negotiation.Tabled,
		negotiation.Draft, negotiation.Withdrawn, negotiation.Orphaned, negotiation.Incorporated,
	}
	texts := []string{"", "should", " and other", "<b>x</b>", "[shall/should]", "é"}
	var ps []negotiation.Proposal
	for i := 0; i+7 <= len(b) && len(v.Provisions) > 0; i += 7 {
		p := negotiation.Proposal{
			ID:          int64(len(b)/7 - i/7), // descending: Compile must sort
			BaseVersion: v.Number,
			Kind:        kinds[int(b[i])%len(kinds)],
			Text:        texts[int(b[i+4])%len(texts)],
			Party:       "P" + strconv.Itoa(int(b[i+5])%30),
			Status:      statuses[int(b[i+6])%len(statuses)],
		}
		prov := v.Provisions[int(b[i+1])%len(v.Provisions)]
		p.Key = prov.Key
		switch p.Kind {
		case negotiation.Move:
			p.Target = v.Provisions[int(b[i+2])%len(v.Provisions)].Key
		case negotiation.InsertProvision:
			if b[i+2]%5 == 0 {
				p.Key = ""
			}
		default:
			if b[i+2]%7 == 0 {
				break // the whole provision
			}
			runes := []rune(prov.Text)
			start := int(b[i+2]) % (len(runes) + 2)
			end := start + int(b[i+3])%8
			if p.Kind == negotiation.InsertWords {
				end = start
			}
			if end <= len(runes) {
				p.Quote = string(runes[start:end])
			}
			p.Start, p.End = &start, &end
		}
		ps = append(ps, p)
	}
	return ps
}

func FuzzCompile(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "resolution.txt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b), []byte("\x00\x07\x1e\x05\x01\x02\x00\x03\x07\x20\x06\x00\x01\x00\x02\x07\x21\x00\x02\x03\x00"))
	f.Add(small, []byte("\x00\x00\x18\x05\x01\x00\x00\x01\x00\x16\x09\x00\x01\x00\x02\x00\x1c\x00\x03\x02\x00\x04\x00\x01\x00\x00\x00\x00\x05\x02\x01\x00\x00\x00\x00"))
	f.Add("1. a\xffé [b]\n(a) c", []byte("\x00\x00\x01\x02\x03\x04\x00\x03\x00\x02\x00\x01\x00\x00"))
	f.Fuzz(func(t *testing.T, text string, ops []byte) {
		v := parse(1, text)
		ps := generated(v, ops)
		c := Compile(v, ps, nil, Filter{})
		checkReconstruction(t, v, c)
		_ = Text(c)

		// Nothing is lost: each tabled or orphaned proposal is shown or
		// listed, exactly once.
		seen := map[int64]int{}
		for _, s := range c.Provenance {
			seen[s.Proposal]++
		}
		for _, o := range c.Orphans {
			seen[o.Proposal]++
		}
		var fit []negotiation.Proposal
		for _, p := range ps {
			want := 0
			if p.Status == negotiation.Tabled || p.Status == negotiation.Orphaned {
				want = 1
			}
			if seen[p.ID] != want {
				t.Errorf("proposal %d (%s %s) appears %d times, want %d", p.ID, p.Status, p.Kind, seen[p.ID], want)
			}
			if p.Status == negotiation.Tabled && negotiation.CheckAnchor(p, v.Provisions) == nil {
				fit = append(fit, p)
			}
		}

		// What fits either revises or conflicts, and carries forward.
		next, _, err := Revise(v.Provisions, fit, keys())
		if err != nil {
			if code := negotiation.ErrorCode(err); code != negotiation.EConflict {
				t.Fatalf("Revise: %v", err)
			}
			return
		}
		keys := map[string]bool{}
		for _, p := range next {
			if keys[p.Key] {
				t.Errorf("key %q twice in the revision", p.Key)
			}
			keys[p.Key] = true
		}
		for _, p := range fit {
			q := CarryForward(p, next, 2)
			if q.Status != negotiation.Tabled {
				continue
			}
			if err := negotiation.CheckAnchor(q, next); err != nil {
				t.Errorf("carried proposal %d does not fit: %v", q.ID, err)
			}
		}
	})
}
