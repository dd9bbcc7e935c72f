package compilation

import (
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

func TestCarryForward(t *testing.T) {
	v1 := parse(1, small)
	tests := []struct {
		name      string
		p         prop
		next      string
		status    negotiation.ProposalStatus
		version   int
		start     int // want, for span proposals
		wantStart bool
	}{
		{"same text, same place",
			prop{id: 1, kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"},
			small, negotiation.Tabled, 2, 24, true},
		{"text moved within the provision",
			prop{id: 1, kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"},
			"1. Decides, having considered the matter, that each Party shall take measures;\n2. Requests a report;\n3. Decides to remain seized of the matter.",
			negotiation.Tabled, 2, 55, true},
		{"nearest of several occurrences",
			prop{id: 1, kind: negotiation.Replace, key: "k3", quote: "matter", text: "question"},
			"1. Decides that each Party shall take measures;\n2. Requests a report;\n3. Decides on the matter to remain seized of the matter.",
			negotiation.Tabled, 2, 46, true},
		{"quote deleted",
			prop{id: 1, kind: negotiation.Replace, key: "k1", quote: "shall", text: "should"},
			"1. Decides that each Party takes measures;\n2. Requests a report;\n3. Decides to remain seized of the matter.",
			negotiation.Orphaned, 1, 0, false},
		{"provision gone",
			prop{id: 1, kind: negotiation.Replace, key: "k3", quote: "matter", text: "question"},
			"1. Decides that each Party shall take measures;\n2. Requests a report;",
			negotiation.Orphaned, 1, 0, false},
		{"whole provision needs the key only",
			prop{id: 1, kind: negotiation.Delete, key: "k2"},
			"1. Decides;\n2. Requests a study;\n3. Decides.", negotiation.Tabled, 2, 0, false},
		{"insertion after a provision that stays",
			prop{id: 1, kind: negotiation.InsertProvision, key: "k2", text: "Also requests;"},
			"1. Decides;\n2. Requests a study;", negotiation.Tabled, 2, 0, false},
		{"insertion after a provision that went",
			prop{id: 1, kind: negotiation.InsertProvision, key: "k3", text: "Also requests;"},
			"1. Decides;\n2. Requests a study;", negotiation.Orphaned, 1, 0, false},
		{"insertion at the top",
			prop{id: 1, kind: negotiation.InsertProvision, text: "Recalling,"},
			"1. Decides;", negotiation.Tabled, 2, 0, false},
		{"move whose target went",
			prop{id: 1, kind: negotiation.Move, key: "k1", target: "k3"},
			"1. Decides;\n2. Requests a study;", negotiation.Orphaned, 1, 0, false},
		{"move to the top",
			prop{id: 1, kind: negotiation.Move, key: "k2"},
			"1. Decides;\n2. Requests a study;", negotiation.Tabled, 2, 0, false},
		{"insertion point inside the text",
			prop{id: 1, kind: negotiation.InsertWords, key: "k2", quote: "Requests " + pointMark, text: "urgently "},
			"1. Decides;\n2. Requests a study;", negotiation.Tabled, 2, 9, true},
		{"insertion point past the end",
			prop{id: 1, kind: negotiation.InsertWords, key: "k1", quote: "take " + pointMark, text: "urgent "},
			"1. Decides;", negotiation.Orphaned, 1, 0, false},
		{"decided proposals stay as they are",
			prop{id: 1, kind: negotiation.Replace, key: "k3", quote: "matter", text: "question", status: negotiation.Withdrawn},
			"1. Decides;", negotiation.Withdrawn, 1, 0, false},
		{"drafts stay for their delegation to re-base",
			prop{id: 1, kind: negotiation.Replace, key: "k3", quote: "matter", text: "question", status: negotiation.Draft},
			small, negotiation.Draft, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p.in(t, v1)
			oldStart, oldEnd := p.Start, p.End
			var was [2]int
			if p.HasSpan() {
				was = [2]int{*p.Start, *p.End}
			}
			next := parse(2, tt.next)
			got := CarryForward(p, next.Provisions, 2)
			if got.Status != tt.status || got.BaseVersion != tt.version {
				t.Errorf("status %s, version %d; want %s, %d", got.Status, got.BaseVersion, tt.status, tt.version)
			}
			if p.HasSpan() && (*oldStart != was[0] || *oldEnd != was[1]) {
				t.Errorf("the caller's offsets changed")
			}
			if !tt.wantStart {
				return
			}
			if *got.Start != tt.start {
				t.Errorf("start %d, want %d", *got.Start, tt.start)
			}
			if err := negotiation.CheckAnchor(got, next.Provisions); err != nil {
				t.Errorf("carried anchor does not check: %v", err)
			}
		})
	}
}
