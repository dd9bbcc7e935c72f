package docx

import (
	"slices"

	"github.com/zerodraft/zerodraft/internal/diff"
	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Changes says who made the changes of a redline: Authors maps a provision
// key of the newer version to whoever proposed its change (the proposing
// parties, where provenance records them); every other change is credited
// to Fallback (the secretariat, which issued the version).
type Changes struct {
	Authors  map[string]string
	Fallback string
}

func (c Changes) author(key string) string {
	if a := c.Authors[key]; a != "" {
		return a
	}
	return c.Fallback
}

// Redline writes version to compared with version from as a DOCX with
// tracked changes, dated m.Date: words inserted and deleted within a
// provision (the word diff of internal/diff), provisions added or removed
// as whole paragraphs, and a moved provision as deleted where it stood and
// inserted where it now is. Accepting every change gives the text of to,
// rejecting every change the text of from.
func Redline(m export.Meta, from, to []negotiation.Provision, who Changes) ([]byte, error) {
	w := newBody(m)
	w.header(m.Label)
	fromBy, toBy := byKey(from), byKey(to)
	for _, it := range redlineOrder(diff.Versions(from, to), from) {
		d := it.p
		ch := &change{author: who.author(d.Key), date: m.Date}
		f, t := fromBy[d.Key], toBy[d.Key]
		switch {
		case it.ghost || d.Change == diff.Removed:
			w.para(para{style: styleOf(f), mark: ch, runs: []run{{text: f.FullText(), del: ch}}})
		case d.Change == diff.Added || d.Change == diff.Moved:
			w.para(para{style: styleOf(t), mark: ch, markIns: true, runs: []run{{text: t.FullText(), ins: ch}}})
		default:
			w.para(para{style: styleOf(t), runs: editRuns(f, t, d.Ops, ch)})
		}
	}
	return pack(m, w.b.String(), true)
}

// editRuns gives a provision kept in place: its label (changed or not),
// then the word diff of its text.
func editRuns(f, t negotiation.Provision, ops []diff.Op, ch *change) []run {
	var runs []run
	switch {
	case f.Label == t.Label && t.Label != "":
		runs = append(runs, run{text: t.Label + sep(t)})
	case f.Label != t.Label:
		if f.Label != "" {
			runs = append(runs, run{text: f.Label + sep(f), del: ch})
		}
		if t.Label != "" {
			runs = append(runs, run{text: t.Label + sep(t), ins: ch})
		}
	}
	if len(ops) == 0 { // unchanged text
		return append(runs, run{text: t.Text})
	}
	for _, op := range ops {
		switch op.Op {
		case diff.OpInsert:
			runs = append(runs, run{text: op.Text, ins: ch})
		case diff.OpDelete:
			runs = append(runs, run{text: op.Text, del: ch})
		default:
			runs = append(runs, run{text: op.Text})
		}
	}
	return runs
}

// sep is the space FullText puts between a label and a text.
func sep(p negotiation.Provision) string {
	if p.Text == "" {
		return ""
	}
	return " "
}

func byKey(ps []negotiation.Provision) map[string]negotiation.Provision {
	m := make(map[string]negotiation.Provision, len(ps))
	for _, p := range ps {
		if _, dup := m[p.Key]; !dup {
			m[p.Key] = p
		}
	}
	return m
}

// item is a paragraph of the redline: a provision of the diff, or the
// deleted old place of a moved provision (ghost).
type item struct {
	p     diff.Provision
	ghost bool
}

// old reports whether the item stands where the older version had it only:
// a removed provision or the old place of a moved one.
func (it item) old() bool { return it.ghost || it.p.Change == diff.Removed }

// redlineOrder lays out the diff in the order of the newer version, and
// puts what only the older version has (removed provisions, the old places
// of moved ones) where it stood there: right after the old place of the
// provision before it in the older version, or at the top. Rejecting every
// change then gives the older version in its order.
func redlineOrder(ds []diff.Provision, from []negotiation.Provision) []item {
	var out []item
	olds := map[string]diff.Provision{}
	for _, d := range ds {
		switch d.Change {
		case diff.Removed:
			olds[d.Key] = d
			continue
		case diff.Moved:
			olds[d.Key] = d
		}
		out = append(out, item{p: d})
	}
	for fi, f := range from {
		d, ok := olds[f.Key]
		if !ok {
			continue
		}
		at := 0
		for j := fi - 1; j >= 0; j-- {
			_, wasOld := olds[from[j].Key]
			if k := slices.IndexFunc(out, func(it item) bool { return it.p.Key == from[j].Key && it.old() == wasOld }); k >= 0 {
				at = k + 1
				break
			}
		}
		for at < len(out) && out[at].old() { // after those placed before it
			at++
		}
		out = slices.Insert(out, at, item{p: d, ghost: d.Change == diff.Moved})
	}
	return out
}
