package compilation

import (
	"cmp"
	"slices"
	"strings"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/plaintext"
)

// Revise builds the next version's provisions from base by applying the
// incorporated proposals, and returns the provenance of the result: for
// each key of the next version that a proposal created, changed or moved,
// the ids of those proposals, ascending.
//
// Keys stay: an edited or replaced provision keeps its key, a moved one
// moves with it, a deleted one (or one whose words are all deleted)
// vanishes, and an inserted provision gets a key from newKey, which must
// not be nil when there is one. Incorporating an alternative adopts its
// text; its "no text" deletes. Insertions and moves after the same
// provision land in id order; one after a deleted provision takes its
// place, one after a moved provision follows it.
//
// Every proposal must fit base (negotiation.CheckAnchor), else the error
// lists those that do not. Proposals that cannot all be applied conflict:
// overlapping spans of one provision (insertions at the same point or
// inside a changed span included), deleting a provision another one edits
// or moves, two replacements of one provision, a replacement and a
// partial change of it, two moves of one provision, and moves that put
// provisions after one another. Then the error has code EConflict and
// lists every conflict, and nothing is applied.
//
// The result is classified and numbered afresh (plaintext.Classify and
// plaintext.Number), which also normalises the spacing an edit leaves. An
// inserted provision carries no label, so in a text with numbered
// paragraphs it is numbered after the one before it (OP3bis), while in a
// text counted without labels the paragraphs after it move up by one.
func Revise(base []negotiation.Provision, incorporate []negotiation.Proposal, newKey func() string) ([]negotiation.Provision, map[string][]int64, error) {
	ps := sortedByID(incorporate)
	index := make(map[string]int, len(base))
	for i, p := range base {
		if _, dup := index[p.Key]; !dup {
			index[p.Key] = i
		}
	}
	if err := checkAnchors(ps, base, index); err != nil {
		return nil, nil, err
	}
	if msgs := conflicts(ps, base, index); len(msgs) > 0 {
		return nil, nil, negotiation.Errorf(negotiation.EConflict, "the proposals to incorporate conflict: %s", strings.Join(msgs, "; "))
	}
	r := newReviser(base, index)
	for _, p := range ps {
		r.file(p)
	}
	out := r.assemble(newKey)
	plaintext.Classify(out)
	plaintext.Number(out)
	provenance := map[string][]int64{}
	for _, p := range out {
		if ids := r.provenance[p.Key]; len(ids) > 0 {
			provenance[p.Key] = ids
		}
	}
	return out, provenance, nil
}

// checkAnchors lists every proposal that does not fit base.
func checkAnchors(ps []*negotiation.Proposal, base []negotiation.Provision, index map[string]int) error {
	var msgs []string
	for _, p := range ps {
		if _, problem := anchor(p, base, index); problem != "" {
			msgs = append(msgs, "proposal "+who(p)+": "+problem)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return negotiation.Errorf(negotiation.EInvalid, "some proposals to incorporate do not fit the text: %s", strings.Join(msgs, "; "))
}

// edit is a change of runes [start, end) of a provision's text.
type edit struct {
	start, end int
	text       string
}

// reviser holds the base text and what the proposals do to it.
type reviser struct {
	base       []negotiation.Provision
	index      map[string]int
	edits      [][]edit
	replaced   []*string // per provision: new text as a whole
	deleted    []bool
	movedAway  []bool
	after      map[int][]*negotiation.Proposal // insertions and moves, by anchor
	provenance map[string][]int64
}

func newReviser(base []negotiation.Provision, index map[string]int) *reviser {
	n := len(base)
	return &reviser{
		base: base, index: index,
		edits: make([][]edit, n), replaced: make([]*string, n),
		deleted: make([]bool, n), movedAway: make([]bool, n),
		after: map[int][]*negotiation.Proposal{}, provenance: map[string][]int64{},
	}
}

// file records what p does; proposals come in id order and are known to
// fit and not to conflict.
func (r *reviser) file(p *negotiation.Proposal) {
	if p.Kind == negotiation.InsertProvision {
		a := top
		if p.Key != "" {
			a = r.index[p.Key]
		}
		r.after[a] = append(r.after[a], p)
		return
	}
	i := r.index[p.Key]
	r.provenance[p.Key] = append(r.provenance[p.Key], p.ID)
	switch {
	case p.Kind == negotiation.Move:
		r.movedAway[i] = true
		t := top
		if p.Target != "" {
			t = r.index[p.Target]
		}
		r.after[t] = append(r.after[t], p)
	case deletesWhole(p):
		r.deleted[i] = true
	case p.HasSpan():
		text := p.Text
		if p.Kind == negotiation.Delete {
			text = ""
		}
		r.edits[i] = append(r.edits[i], edit{*p.Start, *p.End, text})
	default:
		r.replaced[i] = &p.Text
	}
}

// assemble lays out the next version: each provision in base order unless
// moved away, each followed by what is to come after it, recursively, so a
// provision moved after a moved one follows it.
func (r *reviser) assemble(newKey func() string) []negotiation.Provision {
	out := make([]negotiation.Provision, 0, len(r.base)+len(r.after))
	var emitAfter func(a int)
	emit := func(i int) {
		if p, ok := r.revised(i); ok {
			out = append(out, p)
		}
		emitAfter(i)
	}
	emitAfter = func(a int) {
		for _, p := range r.after[a] {
			if p.Kind == negotiation.Move {
				emit(r.index[p.Key])
				continue
			}
			key := newKey()
			// No label, no number: Classify and Number give it its place.
			out = append(out, negotiation.Provision{Key: key, Text: p.Text})
			r.provenance[key] = append(r.provenance[key], p.ID)
		}
	}
	emitAfter(top)
	for i := range r.base {
		if !r.movedAway[i] {
			emit(i)
		}
	}
	return out
}

// revised gives provision i with its edits applied; ok is false when it
// is deleted or no words are left of it.
func (r *reviser) revised(i int) (negotiation.Provision, bool) {
	p := r.base[i]
	if r.deleted[i] {
		return p, false
	}
	switch {
	case r.replaced[i] != nil:
		p.Text = *r.replaced[i]
	case len(r.edits[i]) > 0:
		p.Text = applyEdits(p.Text, r.edits[i])
	default:
		return p, true
	}
	return p, strings.TrimSpace(p.Text) != ""
}

// applyEdits applies non-overlapping edits to text. An insertion at the
// start of a changed span goes before it, one at its end after it.
func applyEdits(text string, edits []edit) string {
	slices.SortFunc(edits, func(a, b edit) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end))
	})
	offs := runeOffsets(make([]int, 0, len(text)+1), text)
	var b strings.Builder
	b.Grow(len(text))
	pos := 0
	for _, e := range edits {
		b.WriteString(text[pos:offs[e.start]])
		b.WriteString(e.text)
		pos = offs[e.end]
	}
	b.WriteString(text[pos:])
	return b.String()
}

// deletesWhole reports whether p removes its provision: a delete without
// span, or the "no text" alternative to the whole provision.
func deletesWhole(p *negotiation.Proposal) bool {
	if p.HasSpan() {
		return false
	}
	return p.Kind == negotiation.Delete || (p.Kind == negotiation.Alternative && p.Text == "")
}
