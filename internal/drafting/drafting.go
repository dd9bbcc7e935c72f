// Package drafting turns what a secretariat types or pastes into provisions:
// it checks and parses a plain text, carries stable keys from the previous
// version, and numbers the result. It is pure: the store calls it inside the
// transaction that saves the version.
package drafting

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/zerodraft/zerodraft/internal/align"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/plaintext"
)

// FromText checks and parses a whole pasted text into numbered provisions
// without keys, with the import's warnings.
func FromText(text string) ([]negotiation.Provision, []negotiation.Warning, error) {
	if err := negotiation.CheckText(text); err != nil {
		return nil, nil, err
	}
	provs, warns := plaintext.Parse(text)
	if err := checkProvisions(provs); err != nil {
		return nil, nil, err
	}
	return provs, warns, nil
}

// Draft is one provision of a version given explicitly, as the in-place
// editor and the API's "provisions" form send it. An empty Key means a new
// provision, or one the caller did not track: it is aligned like pasted text.
type Draft struct {
	Key  string `json:"key"`
	Kind string `json:"kind"`
	Text string `json:"text"`
}

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// FromDrafts checks explicit provisions, classifies and numbers them.
func FromDrafts(drafts []Draft) ([]negotiation.Provision, []negotiation.Warning, error) {
	if len(drafts) == 0 {
		return nil, nil, negotiation.Errorf(negotiation.EInvalid, "a version needs at least one provision")
	}
	provs := make([]negotiation.Provision, len(drafts))
	seen := map[string]int{}
	for i, d := range drafts {
		p, err := fromDraft(i, d, seen)
		if err != nil {
			return nil, nil, err
		}
		provs[i] = p
	}
	plaintext.Classify(provs)
	plaintext.Number(provs)
	if err := checkProvisions(provs); err != nil {
		return nil, nil, err
	}
	return provs, plaintext.Brackets(provs), nil
}

func fromDraft(i int, d Draft, seen map[string]int) (negotiation.Provision, error) {
	var p negotiation.Provision
	text := strings.TrimSpace(d.Text)
	if err := negotiation.CheckText(text); err != nil {
		return p, negotiation.Errorf(negotiation.EInvalid, "provision %d: %s", i+1, negotiation.ErrorMessage(err))
	}
	if strings.ContainsAny(text, "\r\n") {
		text = strings.Join(strings.Fields(text), " ")
	}
	if d.Key != "" {
		if !keyPattern.MatchString(d.Key) {
			return p, negotiation.Errorf(negotiation.EInvalid, "provision %d: key %q may only hold letters, digits, '.', '_' and '-' (at most 64)", i+1, d.Key)
		}
		if j, dup := seen[d.Key]; dup {
			return p, negotiation.Errorf(negotiation.EInvalid, "provisions %d and %d both have the key %q; a key appears once per version", j+1, i+1, d.Key)
		}
		seen[d.Key] = i
	}
	kind := negotiation.ProvisionKind(d.Kind)
	if d.Kind != "" && !kind.Valid() {
		return p, negotiation.Errorf(negotiation.EInvalid, "provision %d: kind %q is not one of heading, preambular, operative, subparagraph, text", i+1, d.Kind)
	}
	p.Key, p.Kind = d.Key, kind
	p.Label, p.Text = plaintext.SplitLabel(text)
	return p, nil
}

func checkProvisions(provs []negotiation.Provision) error {
	if len(provs) == 0 {
		return negotiation.Errorf(negotiation.EInvalid, "the text holds no paragraph")
	}
	if len(provs) > negotiation.MaxProvisions {
		return negotiation.Errorf(negotiation.ETooLarge, "the text holds %d paragraphs; the limit is %d", len(provs), negotiation.MaxProvisions)
	}
	for i, p := range provs {
		if len(p.Text) > negotiation.MaxProvisionText {
			return negotiation.Errorf(negotiation.ETooLarge, "paragraph %d is %d bytes long; the limit is %d", i+1, len(p.Text), negotiation.MaxProvisionText)
		}
	}
	return nil
}

// CarryKeys gives every provision of next a key: explicit keys stay, the
// others are aligned to prev's provisions whose keys are still free, and
// what is left gets a fresh key never used in the document before.
func CarryKeys(prev []negotiation.Provision, used map[string]bool, next []negotiation.Provision) {
	taken := map[string]bool{}
	var unkeyed []int
	for i, p := range next {
		if p.Key != "" {
			taken[p.Key] = true
		} else {
			unkeyed = append(unkeyed, i)
		}
	}
	if len(unkeyed) == 0 {
		return
	}
	var free []negotiation.Provision
	for _, p := range prev {
		if !taken[p.Key] {
			free = append(free, p)
		}
	}
	pending := make([]negotiation.Provision, len(unkeyed))
	for j, i := range unkeyed {
		pending[j] = next[i]
	}
	matched := align.Align(free, pending)
	fresh := newKeys(used, taken)
	for j, i := range unkeyed {
		if matched[j] != "" {
			next[i].Key = matched[j]
		} else {
			next[i].Key = fresh()
		}
	}
}

// KeyMaker returns a generator of fresh keys for a document whose keys so
// far are used (a revision's inserted provisions take keys from it).
func KeyMaker(used map[string]bool) func() string { return newKeys(used, map[string]bool{}) }

// newKeys returns a generator of keys "p1", "p2", … that skips every key
// the document ever used and every key already taken in this version.
func newKeys(used, taken map[string]bool) func() string {
	n := 0
	return func() string {
		for {
			n++
			k := "p" + strconv.Itoa(n)
			if !used[k] && !taken[k] {
				taken[k] = true
				return k
			}
		}
	}
}

// sequentialLabel is an operative paragraph's plain number, "12.".
var sequentialLabel = regexp.MustCompile(`^[0-9]+\.$`)

// Sequential tells whether a version's operative paragraphs are numbered
// 1., 2., 3. … in order, as in a resolution (a treaty restarts its numbers
// in every article, and an inserted OP3bis breaks the run).
func Sequential(ps []negotiation.Provision) bool {
	n := 0
	for _, p := range ps {
		if p.Kind != negotiation.KindOperative {
			continue
		}
		n++
		if p.Label != strconv.Itoa(n)+"." {
			return false
		}
	}
	return n > 0
}

// Renumber gives the operative paragraphs of a sequentially numbered text
// the numbers 1., 2., 3. … in their new order, so that moving, inserting or
// deleting a paragraph in the editor renumbers the text as a secretariat
// would when issuing a revision. Other labels are left alone.
func Renumber(ps []negotiation.Provision) {
	n := 0
	for i := range ps {
		if ps[i].Kind != negotiation.KindOperative {
			continue
		}
		if ps[i].Label != "" && !sequentialLabel.MatchString(ps[i].Label) {
			continue
		}
		n++
		ps[i].Label = strconv.Itoa(n) + "."
	}
	plaintext.Number(ps)
}
