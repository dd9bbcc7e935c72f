package exporttest

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/compilation"
	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Date is the fixture's version date.
var Date = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// Meta describes the fixture document at version 2.
func Meta() export.Meta {
	return export.Meta{Symbol: "A/C.2/80/L.5", Title: "Sustainable oceans & <coasts>", Language: "en", Version: 2, Label: "Rev.1", Date: Date, Created: Date.AddDate(0, 0, -20)}
}

func prov(key, number string, kind negotiation.ProvisionKind, label, text string) negotiation.Provision {
	return negotiation.Provision{Key: key, Number: number, Kind: kind, Label: label, Text: text}
}

// From is version 1 of the fixture.
func From() []negotiation.Provision {
	return []negotiation.Provision{
		prov("k1", "", negotiation.KindHeading, "", "The General Assembly,"),
		prov("k2", "PP1", negotiation.KindPreambular, "", "Recalling its resolution 70/1 of 25 September 2015,"),
		prov("k3", "OP1", negotiation.KindOperative, "1.", "Decides to establish a working group;"),
		prov("k4", "OP2", negotiation.KindOperative, "2.", "Requests the Secretary-General to provide support;"),
		prov("k5", "OP3", negotiation.KindOperative, "3.", "Invites Member States to contribute;"),
		prov("k6", "OP4", negotiation.KindOperative, "4.", "Decides to remain seized of the matter."),
	}
}

// To is version 2: a preambular paragraph added (in three scripts), words
// changed, a provision moved and changed, one renumbered, one removed.
func To() []negotiation.Provision {
	return []negotiation.Provision{
		prov("k1", "", negotiation.KindHeading, "", "The General Assembly,"),
		prov("k2", "PP1", negotiation.KindPreambular, "", "Recalling its resolution 70/1 of 25 September 2015,"),
		prov("k7", "PP2", negotiation.KindPreambular, "", "Noting with concern 海洋污染 and التلوث البحري,"),
		prov("k3", "OP1", negotiation.KindOperative, "1.", "Decides to establish an open-ended working group;"),
		prov("k5", "OP2", negotiation.KindOperative, "2.", "Invites all States to contribute;"),
		prov("k4", "OP3", negotiation.KindOperative, "3.", "Requests the Secretary-General to provide support;"),
	}
}

// Authors credits the fixture's changes where provenance would know them.
func Authors() map[string]string { return map[string]string{"k3": "EU", "k5": "G77, BRA"} }

// Compilation compiles version 2 with proposals of every shape the
// exports render: a replaced span, an alternative, an insertion of words,
// a new provision, a deletion of a provision and an orphan.
func Compilation() compilation.Compilation {
	v := negotiation.Version{Number: 2, Label: "Rev.1", CreatedAt: Date, Provisions: To()}
	span := func(id int64, party string, kind negotiation.ProposalKind, key, quote, text string) negotiation.Proposal {
		p := negotiation.Proposal{ID: id, BaseVersion: 2, Kind: kind, Key: key, Quote: quote, Text: text, Party: party, Status: negotiation.Tabled}
		for _, pr := range v.Provisions {
			if pr.Key == key {
				at := strings.Index(pr.Text, quote)
				s := utf8.RuneCountInString(pr.Text[:at])
				e := s + utf8.RuneCountInString(quote)
				p.Start, p.End = &s, &e
			}
		}
		return p
	}
	ps := []negotiation.Proposal{
		span(1, "EU", negotiation.Replace, "k3", "open-ended", "intergovernmental"),
		span(2, "G77", negotiation.Alternative, "k3", "open-ended", "ad hoc"),
		span(3, "USA", negotiation.InsertWords, "k5", "", "urgently "),
		{ID: 4, BaseVersion: 2, Kind: negotiation.InsertProvision, Key: "k5", Text: "Encourages 区域合作 والتعاون الإقليمي;", Party: "CHN", Cosponsors: []string{"EGY"}, Status: negotiation.Tabled},
		{ID: 5, BaseVersion: 2, Kind: negotiation.Delete, Key: "k4", Party: "USA", Status: negotiation.Tabled},
		{ID: 6, BaseVersion: 1, Kind: negotiation.Replace, Key: "k6", Quote: "seized", Text: "engaged", Party: "NOR", Status: negotiation.Orphaned},
	}
	// The insertion of words goes before "all States".
	s := utf8.RuneCountInString("Invites ")
	ps[2].Start, ps[2].End, ps[2].Quote = &s, &s, ""
	ps[1].Cosponsors = []string{"BRA"}
	return compilation.Compile(v, ps, map[string]negotiation.ProvisionStatus{"k1": negotiation.StatusAgreed}, compilation.Filter{})
}
