package align

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/plaintext"
)

// realPair parses the two versions named by ZERODRAFT_REALTEXT_OLD and
// ZERODRAFT_REALTEXT_NEW, keying the old one; it skips when they are unset.
func realPair(tb testing.TB) (prev, next []negotiation.Provision) {
	oldPath, newPath := os.Getenv("ZERODRAFT_REALTEXT_OLD"), os.Getenv("ZERODRAFT_REALTEXT_NEW")
	if oldPath == "" || newPath == "" {
		tb.Skip("set ZERODRAFT_REALTEXT_OLD and ZERODRAFT_REALTEXT_NEW to two versions of a text")
	}
	read := func(path string) []negotiation.Provision {
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		ps, _ := plaintext.Parse(string(b))
		return ps
	}
	prev, next = read(oldPath), read(newPath)
	for i := range prev {
		prev[i].Key = fmt.Sprintf("k%d", i)
	}
	return prev, next
}

// TestRealTexts reports how the keys of a real pair of versions carry over.
func TestRealTexts(t *testing.T) {
	prev, next := realPair(t)
	keys := Align(prev, next)
	carried, same := 0, 0
	byKey := map[string]int{}
	for i, p := range prev {
		byKey[p.Key] = i
	}
	for j, k := range keys {
		if k != "" {
			carried++
			if prev[byKey[k]].Text == next[j].Text {
				same++
			}
		}
	}
	t.Logf("prev %d, next %d provisions: %d keys carried (%d with unchanged text, %d edited or moved), %d new",
		len(prev), len(next), carried, same, carried-same, len(next)-carried)
}

// synthetic gives two versions of n paragraphs: next inserts, deletes,
// moves and edits a few words of a fifth of the paragraphs of prev.
func synthetic(n int) (prev, next []negotiation.Provision) {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := strings.Fields("plastic pollution parties shall should measures national plans annex " +
		"production consumption waste management recycling reuse chemicals polymers concern " +
		"developing countries financial mechanism technology transfer capacity building " +
		"monitoring reporting secretariat governing body marine environment health")
	para := func() string {
		ws := make([]string, 15+r.IntN(40))
		for k := range ws {
			if r.IntN(4) == 0 {
				ws[k] = fmt.Sprintf("term%d", r.IntN(5000))
			} else {
				ws[k] = vocab[r.IntN(len(vocab))]
			}
		}
		return strings.Join(ws, " ") + ";"
	}
	for i := range n {
		prev = append(prev, negotiation.Provision{Key: fmt.Sprintf("k%d", i), Text: para()})
	}
	for _, p := range prev {
		switch x := r.IntN(100); {
		case x < 3: // deleted
		case x < 6: // new paragraph inserted before
			next = append(next, negotiation.Provision{Text: para()}, negotiation.Provision{Text: p.Text})
		case x < 26: // edited
			ws := strings.Fields(p.Text)
			for range 1 + len(ws)/10 {
				ws[r.IntN(len(ws))] = "[" + vocab[r.IntN(len(vocab))] + "]"
			}
			next = append(next, negotiation.Provision{Text: strings.Join(ws, " ")})
		default:
			next = append(next, negotiation.Provision{Text: p.Text})
		}
	}
	for range n / 50 { // moves
		a, b := r.IntN(len(next)), r.IntN(len(next))
		next[a], next[b] = next[b], next[a]
	}
	return prev, next
}

func BenchmarkAlign(b *testing.B) {
	b.Run("real", func(b *testing.B) {
		prev, next := realPair(b)
		for b.Loop() {
			Align(prev, next)
		}
	})
	b.Run("synthetic-1200-edited", func(b *testing.B) {
		prev, next := synthetic(1200)
		for b.Loop() {
			Align(prev, next)
		}
	})
	b.Run("synthetic-1200-unrelated", func(b *testing.B) {
		prev, _ := synthetic(1200)
		other, _ := synthetic(1300)
		next := other[100:]
		for b.Loop() {
			Align(prev, next)
		}
	})
}

func TestSyntheticAlign(t *testing.T) {
	prev, next := synthetic(1200)
	keys := Align(prev, next)
	wrong := 0
	for j, k := range keys {
		if k == "" {
			continue
		}
		var i int
		fmt.Sscanf(k, "k%d", &i)
		if !strings.HasPrefix(next[j].Text, strings.Fields(prev[i].Text)[0]) && similarWords(prev[i].Text, next[j].Text) < 0.5 {
			wrong++
		}
	}
	if wrong > 0 {
		t.Errorf("%d paragraphs got the key of an unrelated paragraph", wrong)
	}
}

// similarWords is the share of words of a found in b, a crude check
// independent of the code under test.
func similarWords(a, b string) float64 {
	in := map[string]bool{}
	for _, w := range strings.Fields(b) {
		in[w] = true
	}
	ws := strings.Fields(a)
	n := 0
	for _, w := range ws {
		if in[w] {
			n++
		}
	}
	return float64(n) / float64(len(ws))
}
