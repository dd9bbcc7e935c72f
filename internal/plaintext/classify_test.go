package plaintext

import (
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

const (
	hd = negotiation.KindHeading
	pp = negotiation.KindPreambular
	op = negotiation.KindOperative
	sp = negotiation.KindSubparagraph
	tx = negotiation.KindText
)

// provisions builds unclassified provisions from whole paragraphs.
func provisions(paras ...string) []negotiation.Provision {
	ps := make([]negotiation.Provision, len(paras))
	for i, p := range paras {
		ps[i].Text = p
	}
	return ps
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name  string
		paras []string
		want  []negotiation.ProvisionKind
	}{
		{"resolution",
			[]string{"The Security Council,", "Recalling its resolutions,", "Deeply concerned by the situation,",
				"Bearing in mind the Charter,", "Also noting the report,", "1. Decides to act;", "(a) promptly;", "Requests the Secretary-General to report;"},
			[]negotiation.ProvisionKind{hd, pp, pp, pp, pp, op, sp, op}},
		{"preamble by final comma", []string{"The Parties are aware of the problem,", "1. Decides;"}, []negotiation.ProvisionKind{pp, op}},
		{"operative verbs without numbers",
			[]string{"Noting the report,", "Decides to act;", "Also requests the secretariat;", "Calls upon States;", "Strongly condemns the attacks;"},
			[]negotiation.ProvisionKind{pp, op, op, op, op}},
		{"bracketed preamble", []string{"[Recalling the Declaration,]", "[[Taking into account] [Stressing] the imperatives,"}, []negotiation.ProvisionKind{pp, pp}},
		{"treaty headings",
			[]string{"Part I", "Article 5 Scope", "1. Preamble5", "2. Objective", "Annex", "Alt title: Plastic polymers", "Option 1", "Sub-option 2"},
			[]negotiation.ProvisionKind{hd, hd, hd, hd, hd, hd, hd, hd}},
		{"numbered sentences are no titles",
			[]string{"1. Each Party shall take the necessary measures", "2. Decides to remain seized", "3. [Parties] shall report"},
			[]negotiation.ProvisionKind{op, op, op}},
		{"options with text and placeholders",
			[]string{"Option 0 No standalone provision.", "Option 2 The instrument applies to plastics.", "1. Decides;", "No text on this matter."},
			[]negotiation.ProvisionKind{tx, tx, op, tx}},
		{"footnotes and broken lines",
			[]string{"1. Decides;", "5 The elements described are a compilation.", "1972 and the Protocol thereto;", "(a) the principles of the Rio Declaration (Rio", "Principles), as referred to in resolution 5/14;", "(b) equity;"},
			[]negotiation.ProvisionKind{op, tx, tx, sp, tx, sp}},
		{"unlabelled after operative", []string{"1. Decides;", "The Parties shall cooperate;", "- a bullet item;", ".."},
			[]negotiation.ProvisionKind{op, op, tx, tx}},
		{"upper-case letter sections",
			[]string{"A. Financial mechanism", "B. Parties shall cooperate on finance and report every year on progress made;"},
			[]negotiation.ProvisionKind{hd, sp}},
		{"explicit PP and OP labels", []string{"OP1 Decides;", "PP2 Recalling,"}, []negotiation.ProvisionKind{op, pp}},
		{"chapeau only at the start", []string{"Recalling a,", "The Parties recall b,"}, []negotiation.ProvisionKind{pp, pp}},
		{"free text before anything", []string{"Draft resolution submitted by the Chair.", "Have agreed as follows:"}, []negotiation.ProvisionKind{tx, tx}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := provisions(tt.paras...)
			Classify(ps)
			for i, p := range ps {
				if p.Kind != tt.want[i] {
					t.Errorf("%q: kind %s, want %s", tt.paras[i], p.Kind, tt.want[i])
				}
			}
		})
	}
}

func TestClassifyIsIdempotent(t *testing.T) {
	ps := provisions("[4. Principles [and approaches]]", "1. Decides;", "(a) first;", "[OP2bis. Also decides;]")
	Classify(ps)
	first := append([]negotiation.Provision(nil), ps...)
	Classify(ps)
	for i := range ps {
		if ps[i] != first[i] {
			t.Errorf("provision %d changed on second Classify: %+v, then %+v", i, first[i], ps[i])
		}
	}
}

func TestClassifyKeepsKeys(t *testing.T) {
	ps := provisions("1. Decides;")
	ps[0].Key = "k1"
	Classify(ps)
	if ps[0].Key != "k1" {
		t.Errorf("key = %q, want k1", ps[0].Key)
	}
}
