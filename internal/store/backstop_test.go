package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// backstopFixture is a document with one piece of every artefact, each
// carrying a canary string, made as the system.
type backstopFixture struct {
	doc                 int64
	sec, fra, usa, ngo  negotiation.Party
	ngo2                negotiation.Party
	fraUser, usaUser    int64
	ngoUser, secUser    int64
	ngo2User            int64
	tabled, draft       int64
	observerAccredited  time.Time
	provisionCanary     string
	tabledCanary        string
	draftCanary         string
	memberComment       string
	observerComment     string
	confidentialComment string
	suggestionCanary    string
}

func newBackstopFixture(t *testing.T, s *Store) backstopFixture {
	t.Helper()
	ctx := AsSystem(context.Background())
	f := backstopFixture{provisionCanary: "CANARY-TEXT", tabledCanary: "CANARY-TABLED", draftCanary: "CANARY-DRAFT",
		memberComment: "CANARY-MEMBER-COMMENT", observerComment: "CANARY-OBSERVER-COMMENT",
		confidentialComment: "CANARY-CONFIDENTIAL", suggestionCanary: "CANARY-SUGGESTION"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	party := func(code string, kind negotiation.PartyKind) (negotiation.Party, int64) {
		p, err := s.CreateParty(ctx, admin, negotiation.Party{Code: code, Name: code, Kind: kind})
		must(err)
		u, err := s.CreateUser(ctx, admin, NewUser{Email: strings.ToLower(code) + "@example.org", Name: code + " person", PartyID: p.ID, Role: negotiation.DefaultRole(kind)})
		must(err)
		return p, u.ID
	}
	f.sec, f.secUser = party("SEC", negotiation.PartySecretariat)
	f.fra, f.fraUser = party("FRA", negotiation.PartyState)
	f.usa, f.usaUser = party("USA", negotiation.PartyState)
	f.ngo, f.ngoUser = party("NGO", negotiation.PartyObserver)
	f.ngo2, f.ngo2User = party("NGO2", negotiation.PartyObserver)
	d, err := s.CreateDocument(ctx, admin, negotiation.NewDocument{Symbol: "A/RLS/1", Title: "Backstop", Language: "en", Label: "Zero draft"},
		[]negotiation.Provision{{Key: "p1", Number: "OP1", Kind: negotiation.KindOperative, Label: "1.", Text: "Decides " + f.provisionCanary + " now."}}, nil)
	must(err)
	f.doc = d.ID
	propose := func(p negotiation.Party, user int64, text string, status negotiation.ProposalStatus) int64 {
		pr, err := s.CreateProposal(ctx, admin, NewProposal{Proposal: negotiation.Proposal{DocumentID: f.doc, BaseVersion: 1,
			Kind: negotiation.InsertProvision, Text: text, Status: status}, UserID: user, PartyID: p.ID})
		must(err)
		return pr.ID
	}
	f.tabled = propose(f.fra, f.fraUser, f.tabledCanary, negotiation.Tabled)
	f.draft = propose(f.usa, f.usaUser, f.draftCanary, negotiation.Draft)
	must(s.SetPosition(ctx, admin, f.tabled, f.usa.ID, f.usaUser, negotiation.Oppose))
	must(s.Cosponsor(ctx, admin, f.tabled, f.usa.ID))
	comment := func(p negotiation.Party, user int64, body string, scope negotiation.CommentScope) {
		_, err := s.CreateComment(ctx, admin, NewComment{DocumentID: f.doc, Body: body, Scope: scope, UserID: user, PartyID: p.ID, At: time.Now()})
		must(err)
	}
	comment(f.fra, f.fraUser, f.memberComment, negotiation.ScopePublic)
	comment(f.ngo, f.ngoUser, f.observerComment, negotiation.ScopePublic)
	comment(f.ngo, f.ngoUser, f.confidentialComment, negotiation.ScopeSecretariat)
	_, err = s.CreateSuggestion(ctx, admin, negotiation.Proposal{DocumentID: f.doc, BaseVersion: 1, Kind: negotiation.InsertProvision,
		Text: f.suggestionCanary}, f.ngoUser, f.ngo.ID)
	must(err)
	return f
}

// newPolicyFixture is a fresh store holding the backstop fixture under the
// closed preset, first changed by adjust if it is not nil.
func newPolicyFixture(t *testing.T, adjust func(*negotiation.Policy)) (*Store, backstopFixture) {
	t.Helper()
	s := newStore(t)
	f := newBackstopFixture(t, s)
	p, err := negotiation.Preset(negotiation.PresetClosed)
	if err != nil {
		t.Fatal(err)
	}
	if adjust != nil {
		adjust(&p)
		p.Preset = negotiation.PresetCustom
	}
	if err := s.SetPolicy(AsSystem(context.Background()), admin, f.doc, p); err != nil {
		t.Fatal(err)
	}
	return s, f
}

// TestBackstopAgreesWithThePredicate queries the tables directly, with no
// application check in the way, as each kind of viewer under each preset,
// and asserts that the rows PostgreSQL returns are exactly those the
// domain's predicate allows: the database alone keeps the secrets.
func TestBackstopAgreesWithThePredicate(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	f := newBackstopFixture(t, s)
	sys := AsSystem(context.Background())
	now := time.Now()
	until := now.Add(24 * time.Hour)
	expired := now.Add(-24 * time.Hour)
	viewers := map[string]negotiation.Viewer{
		"anonymous":        {},
		"secretariat":      {UserID: f.secUser, PartyID: f.sec.ID, PartyCode: "SEC", PartyKind: negotiation.PartySecretariat},
		"proposing state":  {UserID: f.fraUser, PartyID: f.fra.ID, PartyCode: "FRA", PartyKind: negotiation.PartyState},
		"other state":      {UserID: f.usaUser, PartyID: f.usa.ID, PartyCode: "USA", PartyKind: negotiation.PartyState},
		"observer":         {UserID: f.ngoUser, PartyID: f.ngo.ID, PartyCode: "NGO", PartyKind: negotiation.PartyObserver, AccreditedUntil: &until},
		"other observer":   {UserID: f.ngo2User, PartyID: f.ngo2.ID, PartyCode: "NGO2", PartyKind: negotiation.PartyObserver, AccreditedUntil: &until},
		"expired observer": {UserID: f.ngoUser, PartyID: f.ngo.ID, PartyCode: "NGO", PartyKind: negotiation.PartyObserver, AccreditedUntil: &expired},
	}
	for _, preset := range negotiation.Presets {
		p, err := negotiation.Preset(preset)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetPolicy(sys, admin, f.doc, p); err != nil {
			t.Fatal(err)
		}
		dis := negotiation.Disclosure{Policy: p}
		for name, v := range viewers {
			ctx := WithViewer(context.Background(), v, func() time.Time { return now })
			sees := func(a negotiation.Artefact, own bool) bool { return dis.Decide(v, a, own, now) != negotiation.Hidden }
			named := func(own bool) bool { return dis.Decide(v, negotiation.ArtAttributions, own, now) == negotiation.Shown }
			text := sees(negotiation.ArtText, false)
			// A party's own contributions it sees on a document whose text
			// it may read (elsewhere the document does not exist for it).
			isFRA, isUSA, isNGO := v.PartyID == f.fra.ID && text, v.PartyID == f.usa.ID && text, v.PartyID == f.ngo.ID && text
			checks := []struct {
				what, query string
				want        bool
			}{
				{"title", `SELECT title FROM documents`, text},
				{"text", `SELECT text FROM provisions`, text},
				{"tabled proposal", `SELECT text FROM proposals WHERE id = ` + fmt.Sprint(f.tabled), sees(negotiation.ArtProposals, isFRA)},
				{"another's draft", `SELECT text FROM proposals WHERE id = ` + fmt.Sprint(f.draft), isUSA || v.PartyKind == negotiation.PartySecretariat},
				{"proposer", `SELECT party_id FROM proposals_seen WHERE id = ` + fmt.Sprint(f.tabled) + ` AND party_id IS NOT NULL`,
					sees(negotiation.ArtProposals, isFRA) && named(isFRA)},
				{"co-sponsor", `SELECT party_id FROM proposal_cosponsors`, isUSA || (sees(negotiation.ArtProposals, false) && named(false))},
				{"position", `SELECT stance FROM positions`, sees(negotiation.ArtPositions, isUSA)},
				{"member comment", `SELECT body FROM comments WHERE body = '` + f.memberComment + `'`, sees(negotiation.ArtMemberComments, isFRA)},
				{"observer comment", `SELECT body FROM comments WHERE body = '` + f.observerComment + `'`, sees(negotiation.ArtObserverComments, isNGO)},
				{"confidential comment", `SELECT body FROM comments WHERE body = '` + f.confidentialComment + `'`, isNGO || v.PartyKind == negotiation.PartySecretariat},
				{"comment author", `SELECT author_id FROM comments_seen WHERE body = '` + f.observerComment + `' AND author_id IS NOT NULL`,
					sees(negotiation.ArtObserverComments, isNGO) && named(isNGO)},
				{"suggestion", `SELECT text FROM suggestions`, sees(negotiation.ArtObserverComments, isNGO)},
				{"audit trail", `SELECT actor FROM audit_events`, v.PartyKind == negotiation.PartySecretariat},
			}
			for _, c := range checks {
				var n int
				if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM (`+c.query+`) q`).Scan(&n); err != nil {
					t.Fatalf("%s / %s / %s: %v", preset, name, c.what, err)
				}
				if got := n > 0; got != c.want {
					t.Errorf("%s / %s / %s: database returns rows %v, predicate says %v", preset, name, c.what, got, c.want)
				}
			}
		}
	}
}

// TestBackstopEmbargoAndNoViewer checks an embargo to the second as the
// database judges it, and that a connection used without any viewer is
// the public's, whatever the previous user of the connection was.
func TestBackstopEmbargoAndNoViewer(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	f := newBackstopFixture(t, s)
	sys := AsSystem(context.Background())
	release := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	p, _ := negotiation.Preset(negotiation.PresetClosed)
	p.Rules[negotiation.ArtText][negotiation.AudPublic] = negotiation.Rule{When: negotiation.From, From: &release}
	p.Preset = negotiation.PresetCustom
	if err := s.SetPolicy(sys, admin, f.doc, p); err != nil {
		t.Fatal(err)
	}
	countAt := func(at time.Time) int {
		ctx := WithViewer(context.Background(), negotiation.Viewer{}, func() time.Time { return at })
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM provisions`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := countAt(release.Add(-time.Second)); n != 0 {
		t.Errorf("one second before the release the public reads %d provisions", n)
	}
	if n := countAt(release); n != 1 {
		t.Errorf("at the release the public reads %d provisions, want 1", n)
	}
	// The secretariat uses every connection of the pool, then nobody does.
	sec := WithViewer(context.Background(), negotiation.Viewer{UserID: f.secUser, PartyID: f.sec.ID, PartyKind: negotiation.PartySecretariat}, time.Now)
	for range 16 {
		var n int
		if err := s.Pool().QueryRow(sec, `SELECT count(*) FROM proposals`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("secretariat: %d proposals, %v", n, err)
		}
	}
	var n int
	if err := s.Pool().QueryRow(context.Background(), `SELECT count(*) FROM proposals`).Scan(&n); err != nil || n != 0 {
		t.Errorf("no viewer after the secretariat: %d proposals, %v; want 0", n, err)
	}
	var role string
	if err := s.Pool().QueryRow(context.Background(), `SELECT current_user`).Scan(&role); err != nil || role != AppRole {
		t.Errorf("the application works as %q (%v), want %s", role, err, AppRole)
	}
}

// TestBackstopFollowsAdoption checks that the database's copy of the
// rules (document_visibility, kept by triggers) follows an adoption: the
// final text opens to the public at the embargo set at adoption, to the
// second, and not before the adoption itself.
func TestBackstopFollowsAdoption(t *testing.T) {
	t.Parallel()
	s, f := newPolicyFixture(t, nil)
	sys := AsSystem(context.Background())
	adopted := time.Now().Add(-time.Hour).Truncate(time.Second)
	release := adopted.Add(48 * time.Hour)
	publicAt := func(at time.Time, query string) int {
		t.Helper()
		ctx := WithViewer(context.Background(), negotiation.Viewer{}, func() time.Time { return at })
		var n int
		if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM (`+query+`) q`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := publicAt(release, `SELECT 1 FROM documents`); n != 0 {
		t.Fatalf("before adoption the public sees %d documents of a closed negotiation", n)
	}
	if _, err := s.Adopt(sys, admin, f.doc, NewAdoption{Version: 1, Method: negotiation.ByConsensus, PublicFrom: &release}, adopted); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT 1 FROM documents`, `SELECT 1 FROM provisions`} {
		if n := publicAt(release.Add(-time.Second), q); n != 0 {
			t.Errorf("one second before the final text's release the public reads %d rows of %q", n, q)
		}
		if n := publicAt(release, q); n != 1 {
			t.Errorf("at the release the public reads %d rows of %q, want 1", n, q)
		}
	}
	// The negotiation's own artefacts stay closed.
	if n := publicAt(release, `SELECT 1 FROM proposals`); n != 0 {
		t.Errorf("after adoption the public reads %d proposals of a closed negotiation", n)
	}
}

// TestBackstopFinalNeverStaysShut checks that a final text whose cell is
// "never" for an audience stays shut to it after adoption, embargo or not.
func TestBackstopFinalNeverStaysShut(t *testing.T) {
	t.Parallel()
	s, f := newPolicyFixture(t, func(p *negotiation.Policy) {
		p.Rules[negotiation.ArtFinal][negotiation.AudPublic] = negotiation.Rule{When: negotiation.Never}
	})
	sys := AsSystem(context.Background())
	adopted := time.Now().Add(-48 * time.Hour).Truncate(time.Second)
	release := adopted.Add(time.Hour)
	if _, err := s.Adopt(sys, admin, f.doc, NewAdoption{Version: 1, Method: negotiation.ByConsensus, PublicFrom: &release}, adopted); err != nil {
		t.Fatal(err)
	}
	count := func(v negotiation.Viewer, query string) int {
		t.Helper()
		var n int
		if err := s.Pool().QueryRow(WithViewer(context.Background(), v, nil), `SELECT count(*) FROM (`+query+`) q`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, q := range []string{`SELECT 1 FROM documents`, `SELECT 1 FROM provisions`} {
		if n := count(negotiation.Viewer{}, q); n != 0 {
			t.Errorf("after the embargo the public reads %d rows of %q, whose final text is never public", n, q)
		}
	}
	fra := negotiation.Viewer{UserID: f.fraUser, PartyID: f.fra.ID, PartyCode: "FRA", PartyKind: negotiation.PartyState}
	if n := count(fra, `SELECT 1 FROM provisions`); n != 1 {
		t.Errorf("a member reads %d provisions of the adopted text, want 1", n)
	}
}
