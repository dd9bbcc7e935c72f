package plaintext

import "testing"

func TestSplitLabel(t *testing.T) {
	tests := []struct {
		in, label, text string
	}{
		{"3. Decides to act;", "3.", "Decides to act;"},
		{"12. Requests", "12.", "Requests"},
		{"(a) Provide support;", "(a)", "Provide support;"},
		{"a) Provide support;", "a)", "Provide support;"},
		{"a. Provide support;", "a.", "Provide support;"},
		{"(iv) recycling;", "(iv)", "recycling;"},
		{"iv. recycling;", "iv.", "recycling;"},
		{"aa. [equity]", "aa.", "[equity]"},
		{"OP3bis Also decides", "OP3bis", "Also decides"},
		{"OP 5 bis Requests", "OP 5 bis", "Requests"},
		{"OP3 bis. Parties are encouraged", "OP3 bis.", "Parties are encouraged"},
		{"PP2 Recalling", "PP2", "Recalling"},
		{"PP3bis Noting", "PP3bis", "Noting"},
		{"OP1 alt Decides", "OP1 alt", "Decides"},
		{"OP1 alt 2 Decides", "OP1 alt 2", "Decides"},
		{"OP2 Alt 1. Parties shall", "OP2 Alt 1.", "Parties shall"},
		{"OP1 Alt. No text.", "OP1 Alt.", "No text."},
		{"OP1.c. Alt 1. Move to Part II.", "OP1.c. Alt 1.", "Move to Part II."},
		{"OP1b. bis. Spills of chemicals", "OP1b. bis.", "Spills of chemicals"},
		{"OP3 bis.16 The extent", "OP3 bis.16", "The extent"},
		{"3bis Decides", "3bis", "Decides"},
		{"3 bis. Decides", "3 bis.", "Decides"},
		{"8bis. Health aspects", "8bis.", "Health aspects"},
		{"4.1. National plans", "4.1.", "National plans"},
		{"(3) Parties shall", "(3)", "Parties shall"},
		{"d bis [text]", "d bis", "[text]"},
		{"(a bis) Ensure", "(a bis)", "Ensure"},
		{"(abis) Ensure", "(abis)", "Ensure"},
		{"ee quinquies [full consideration]", "ee quinquies", "[full consideration]"},
		{"Article 5 Scope", "Article 5", "Scope"},
		{"Article 5", "Article 5", ""},
		{"ARTICLE 12. Final clauses", "ARTICLE 12.", "Final clauses"},
		{"Part II", "Part II", ""},
		{"Part IV.1 National plans", "Part IV.1", "National plans"},
		{"Annex A Primary plastic polymers", "Annex A", "Primary plastic polymers"},
		{"[4. Any new chemicals…]", "4.", "[Any new chemicals…]"},
		{"[[4. Any]]", "4.", "[[Any]]"},
		{"［4. Any］", "4.", "［Any］"},
		{"3.", "3.", ""},
		{"  3.\tDecides  ", "3.", "Decides"},
		// No markers.
		{"5 The elements described", "", "5 The elements described"},
		{"2030 Agenda for Sustainable Development", "", "2030 Agenda for Sustainable Development"},
		{"1972. A year", "", "1972. A year"},
		{"e.g. plastics", "", "e.g. plastics"},
		{"i.e. plastics", "", "i.e. plastics"},
		{"Preamble5", "", "Preamble5"},
		{"Option 1", "", "Option 1"},
		{"Partly agreed", "", "Partly agreed"},
		{"Part of the resources", "", "Part of the resources"},
		{"OP [6][5] c bis. Develop", "", "OP [6][5] c bis. Develop"},
		{"3.5 million tonnes", "", "3.5 million tonnes"},
		{"vs. others", "", "vs. others"},
		{"(Rio Principles)", "", "(Rio Principles)"},
		{"", "", ""},
		{"[", "", "["},
	}
	for _, tt := range tests {
		label, text := SplitLabel(tt.in)
		if label != tt.label || text != tt.text {
			t.Errorf("SplitLabel(%q) = %q, %q; want %q, %q", tt.in, label, text, tt.label, tt.text)
		}
	}
}
