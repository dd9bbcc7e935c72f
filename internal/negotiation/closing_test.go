package negotiation

import (
	"strings"
	"testing"
	"time"
)

func TestCheckSilenceDeadline(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		deadline time.Time
		want     string // "" for accepted
	}{
		{time.Time{}, "deadline is required"},
		{now.Add(-time.Second), "in the past"},
		{now, "in the past"},
		{now.Add(72*time.Hour - time.Second), "at least 72h0m0s"},
		{now.Add(72 * time.Hour), ""},
		{now.Add(100 * time.Hour), ""},
	} {
		err := CheckSilenceDeadline(tc.deadline, now, DefaultSilenceMin)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("deadline %s: got %v, want %q", tc.deadline, err, tc.want)
		}
	}
}

func TestTallyAndMethod(t *testing.T) {
	for _, tc := range []struct {
		method AdoptionMethod
		tally  *Tally
		want   string
	}{
		{ByConsensus, nil, ""},
		{ByConsensus, &Tally{Yes: 1}, "no tally"},
		{ByVote, nil, "needs its tally"},
		{ByVote, &Tally{Yes: 100, No: 3, Abstain: 7}, ""},
		{ByVote, &Tally{Yes: 1, ByParty: map[string]Vote{"BRA": VoteYes}}, ""},
		{ByVote, &Tally{Yes: 1, ByParty: map[string]Vote{"BRA": VoteYes, "USA": VoteYes}}, "more votes"},
		{ByVote, &Tally{Yes: 1, ByParty: map[string]Vote{"BRA": "maybe"}}, "use yes, no or abstain"},
		{ByVote, &Tally{Yes: -1}, "between 0"},
		{BySilence, nil, "use \"consensus\" or \"vote\""},
	} {
		err := CheckAdoptionMethod(tc.method, tc.tally)
		if (err == nil) != (tc.want == "") || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s %+v: got %v, want %q", tc.method, tc.tally, err, tc.want)
		}
	}
}

func TestCanonicalText(t *testing.T) {
	provs := []Provision{
		{Kind: KindText, Text: "The General Assembly,"},
		{Kind: KindOperative, Label: "1.", Text: "Decides\u00a0to act;  "},
		// "é" as e + combining acute becomes one code point (NFC); an
		// inner line break becomes a space.
		{Kind: KindOperative, Label: "2.", Text: "Requests the cafe\u0301\nto close."},
	}
	want := "The General Assembly,\n1. Decides\u00a0to act;\n2. Requests the caf\u00e9 to close.\n"
	if got := CanonicalText(provs); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	// The digest is that of the canonical text: the same for the same
	// text however it was typed, different for a different one.
	same := []Provision{provs[0], provs[1], {Kind: KindOperative, Label: "2.", Text: "Requests the caf\u00e9 to close."}}
	if TextDigest(provs) != TextDigest(same) {
		t.Fatal("NFC-equal texts have different digests")
	}
	if TextDigest(provs) == TextDigest(provs[:2]) || len(TextDigest(provs)) != 64 {
		t.Fatal("digest does not depend on the text")
	}
}

func TestMayReadFinalText(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	public := Adoption{}
	embargoed := Adoption{PublicFrom: &later}
	closed, err := Preset(PresetClosed)
	if err != nil {
		t.Fatal(err)
	}
	anon := Viewer{}
	state := Viewer{UserID: 2, PartyKind: PartyState}
	sec := Viewer{UserID: 1, PartyKind: PartySecretariat}
	for _, tc := range []struct {
		v    Viewer
		a    Adoption
		at   time.Time
		want bool
	}{
		{anon, public, now, true},
		{anon, embargoed, now, false},
		{state, embargoed, now, false},
		{sec, embargoed, now, true},
		{anon, embargoed, later, true},
	} {
		if got := MayReadFinalText(tc.v, tc.a, closed, tc.at) == nil; got != tc.want {
			t.Errorf("%+v on %+v at %s: %v, want %v", tc.v, tc.a, tc.at, got, tc.want)
		}
	}
	if err := MayReadFinalText(anon, embargoed, closed, now); ErrorCode(err) != ENotFound {
		t.Fatalf("an embargoed text is %v, want not found", err)
	}
	// A policy that keeps the final text from the public keeps it, adopted
	// or not; members still read it.
	never := closed
	never.Rules = map[Artefact]map[Audience]Rule{ArtFinal: {AudMembers: {When: AtAdoption}, AudObservers: {When: Never}, AudPublic: {When: Never}}}
	if MayReadFinalText(anon, public, never, now) == nil || MayReadFinalText(state, public, never, now) != nil {
		t.Error("the policy's final-text cells were not followed")
	}
}

func TestCheckFinalTextRefusesBrackets(t *testing.T) {
	v := Version{Number: 3, Label: "Rev.2", Provisions: []Provision{{Number: "OP1", Text: "Decides"}, {Number: "OP2", Text: "[shall/should] act"}}}
	if err := CheckFinalText(v); err == nil || !strings.Contains(err.Error(), "OP2") {
		t.Fatalf("bracketed text accepted: %v", err)
	}
	v.Provisions[1].Text = "shall act"
	if err := CheckFinalText(v); err != nil {
		t.Fatal(err)
	}
}
