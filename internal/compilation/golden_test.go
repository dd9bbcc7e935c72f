package compilation

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixtureProposals exercise every kind, overlapping proposals of several
// delegations, statuses that are not shown, an orphan, an anchor that no
// longer fits, an observer's suggestion and markup in a text.
func fixtureProposals(t testing.TB, v negotiation.Version) []negotiation.Proposal {
	ps := all(t, v,
		prop{id: 1, party: "EU", kind: negotiation.Replace, key: "k8", quote: "shall", text: "should"},
		prop{id: 2, party: "G77", cospons: []string{"BRA", "KEN"}, kind: negotiation.Alternative, key: "k8", quote: "shall", text: "must"},
		prop{id: 3, party: "US", kind: negotiation.Delete, key: "k8", quote: "and shall report"},
		prop{id: 4, party: "AOSIS", kind: negotiation.InsertProvision, key: "k8", text: "Also decides to establish a fund for small island developing States;"},
		prop{id: 5, party: "EU", kind: negotiation.InsertWords, key: "k4", quote: "Decides to " + pointMark, text: "urgently "},
		prop{id: 6, party: "US", kind: negotiation.Delete, key: "k9"},
		prop{id: 7, party: "G77", kind: negotiation.Alternative, key: "k9", text: "Invites regional and subregional organizations to contribute;"},
		prop{id: 8, party: "EU", kind: negotiation.Move, key: "k10", target: "k4"},
		prop{id: 9, party: "FRA", kind: negotiation.Replace, key: "k3", quote: "plastic pollution", text: "plastic pollution, including in the marine environment"},
		prop{id: 10, party: "JPN", kind: negotiation.Replace, key: "k5", quote: "Requests", text: "Asks", status: negotiation.Draft},
		prop{id: 11, party: "CAN", kind: negotiation.Delete, key: "k6", status: negotiation.Withdrawn},
		prop{id: 12, party: "NOR", kind: negotiation.Replace, key: "k7", quote: "progress", text: "advances", status: negotiation.Orphaned},
		prop{id: 13, party: "CHE", kind: negotiation.Replace, key: "k6", quote: "support", text: "assistance"},
		prop{id: 14, party: "MEX", kind: negotiation.Replace, key: "k7", quote: "Report", text: "<script>alert(1)</script>"},
		prop{id: 15, party: "AOSIS", kind: negotiation.InsertProvision, key: "k8", text: "Further decides to review the fund at its next session;"},
		prop{id: 16, party: "G77", kind: negotiation.Alternative, key: "k3", quote: "rapidly ", text: ""},
	)
	ps[8].CreditedTo = "CIEL"
	ps[12].Quote = "help" // the text moved on since it was tabled
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ps[0].Positions = []negotiation.Position{
		{Party: "US", Stance: negotiation.Oppose, At: at},
		{Party: "FRA", Stance: negotiation.Support, At: at},
		{Party: "CHN", Stance: negotiation.Support, At: at},
		{Party: "JPN", Stance: negotiation.Reservation, At: at},
	}
	return ps
}

func TestGolden(t *testing.T) {
	v := fixture(t)
	statuses := map[string]negotiation.ProvisionStatus{
		"k2": negotiation.StatusAgreed, "k4": negotiation.StatusAdRef, "k7": negotiation.StatusBracketed,
	}
	c := Compile(v, fixtureProposals(t, v), statuses, Filter{})
	checkReconstruction(t, v, c)
	js, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "resolution.golden", []byte(Text(c)))
	golden(t, "resolution.golden.json", append(js, '\n'))
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update and review the diff):\n%s", name, got)
	}
}
