package akn

import (
	"slices"
	"strconv"
	"strings"

	"github.com/zerodraft/zerodraft/internal/compilation"
	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Compilation writes compilation c of the version whose provisions are
// provs (for their labels): every provision as it stands, each followed by
// one alternative per proposal touching it (the provision with that
// proposal applied, in <ins> and <del>, @alternativeTo the provision,
// @refersTo the proposer and co-sponsors), proposed new provisions as
// paragraphs whose text is an <ins>, and a move as an alternative at its
// target. Orphaned proposals, which have no place in the text, are left
// out; the DOCX and JSON compilations list them.
func Compilation(m export.Meta, provs []negotiation.Provision, c compilation.Compilation) []byte {
	d := newDoc(m, "compilation")
	labels := map[string]string{}
	index := map[string]int{}
	for i, p := range provs {
		labels[p.Key] = p.Label
		index[p.Key] = i
	}
	split := operativeStart(provs)
	var pre, main []item
	var parties []string
	inMain := split == 0
	where := func(key string) bool { return index[key] < split } // in the preamble?
	for _, e := range c.Provisions {
		if e.Key != "" {
			inMain = index[e.Key] >= split
		} else if e.Kind == negotiation.KindOperative {
			inMain = true
		}
		it := entryItem(e, labels, &parties, !inMain, where)
		if inMain {
			main = append(main, it)
		} else {
			pre = append(pre, it)
		}
	}
	slices.Sort(parties)
	d.begin(slices.Compact(parties))
	d.body(pre, main)
	return d.end()
}

// entryItem turns a compilation entry into an element with its
// alternatives, collecting the parties referred to.
// inPreamble says where the entry goes, preamble(key) where the provision
// with that key is.
func entryItem(e compilation.Entry, labels map[string]string, parties *[]string, inPreamble bool, preamble func(string) bool) item {
	refers := func(ps []string) string {
		*parties = append(*parties, ps...)
		refs := make([]string, len(ps))
		for i, p := range ps {
			refs[i] = "#" + partyID(p)
		}
		return strings.Join(refs, " ")
	}
	switch {
	case e.Inserted != nil:
		o := e.Segments[len(e.Segments)-1].Options[1]
		return item{eID: "amdt_" + id(o.Proposal), kind: e.Kind, num: e.Number,
			inner: inline("ins", o.Text), refersTo: refers(o.Parties), class: string(negotiation.InsertProvision)}
	case e.Moved != nil:
		return item{eID: "amdt_" + id(e.Moved.Proposal), kind: e.Kind, num: e.Moved.Number,
			inner: inline("ins", baseText(e.Segments)), refersTo: refers(e.Moved.Parties), class: string(negotiation.Move),
			alternativeTo: eIDOf(e.Kind, e.Moved.Key, preamble(e.Moved.Key))}
	}
	it := item{key: e.Key, kind: e.Kind, num: labels[e.Key], inner: esc(baseText(e.Segments))}
	self := eIDOf(e.Kind, e.Key, inPreamble)
	for _, pid := range spanProposals(e.Segments) {
		var b strings.Builder
		var o compilation.Option
		for _, s := range e.Segments {
			k := slices.IndexFunc(s.Options, func(x compilation.Option) bool { return x.Proposal == pid })
			if k < 1 {
				b.WriteString(esc(s.Text))
				continue
			}
			o = s.Options[k]
			b.WriteString(change(s.Text, o.Text))
		}
		it.alts = append(it.alts, item{eID: self + "__amdt_" + id(pid), kind: e.Kind, num: it.num,
			inner: b.String(), alternativeTo: self, refersTo: refers(o.Parties), class: string(o.Kind)})
	}
	whole := baseText(e.Segments)
	for _, o := range e.Whole {
		it.alts = append(it.alts, item{eID: self + "__amdt_" + id(o.Proposal), kind: e.Kind, num: it.num,
			inner: change(whole, o.Text), alternativeTo: self, refersTo: refers(o.Parties), class: string(o.Kind)})
	}
	return it
}

// change marks up replacing old by new: <del>old</del><ins>new</ins>,
// either left out when empty.
func change(old, new string) string {
	var s string
	if old != "" {
		s += inline("del", old)
	}
	if new != "" {
		s += inline("ins", new)
	}
	return s
}

// spanProposals lists, in order of first appearance, the proposals with
// an option inside the provision's brackets.
func spanProposals(segs []compilation.Segment) []int64 {
	var ids []int64
	for _, s := range segs {
		for _, o := range s.Options[min(1, len(s.Options)):] {
			if !slices.Contains(ids, o.Proposal) {
				ids = append(ids, o.Proposal)
			}
		}
	}
	return ids
}

// baseText is the provision's text as it stands: the segments' base texts.
func baseText(segs []compilation.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteString(s.Text)
	}
	return b.String()
}

// eIDOf is the eId the provision with this key and kind has in the main
// body or the preamble.
func eIDOf(kind negotiation.ProvisionKind, key string, inPreamble bool) string {
	_, prefix := element(kind, inPreamble)
	return prefix + "_" + idPart(key)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }
