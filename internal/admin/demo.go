package admin

import (
	"context"
	"strings"
	"time"

	"github.com/zerodraft/zerodraft/internal/drafting"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// demoParty is a party of the demo negotiation with the one person who
// acts for it.
type demoParty struct {
	party   negotiation.Party
	person  string
	country string // observers: where the organisation is based
	website string // observers
}

// demoParties come in an order that creates members before their group.
var demoParties = []demoParty{
	{party: secretariat, person: "Amina Diallo"},
	{party: negotiation.Party{Code: "FRA", Name: "France", Kind: negotiation.PartyState}, person: "Claire Martin"},
	{party: negotiation.Party{Code: "BRA", Name: "Brazil", Kind: negotiation.PartyState}, person: "João Pereira"},
	{party: negotiation.Party{Code: "KEN", Name: "Kenya", Kind: negotiation.PartyState}, person: "Wanjiru Kamau"},
	{party: negotiation.Party{Code: "G77", Name: "Group of 77 and China", Kind: negotiation.PartyGroup,
		Members: []string{"BRA", "KEN"}}, person: "Ahmed Hassan"},
	{party: negotiation.Party{Code: "CIEL", Name: "Center for International Environmental Law", Kind: negotiation.PartyObserver},
		person: "Nora Keller", country: "United States", website: "https://www.ciel.org"},
	{party: negotiation.Party{Code: "WWF", Name: "World Wide Fund for Nature", Kind: negotiation.PartyObserver},
		person: "Lars Olsen", country: "Switzerland", website: "https://wwf.panda.org"},
}

// DemoSymbol is the demo negotiation's document.
const DemoSymbol = "A/CONF.1/2026/L.1"

// demoDomain is the domain of the demo accounts' addresses; .local is
// reserved, so no mail ever leaves for it.
const demoDomain = "demo.zerodraft.local"

// DemoSignIn is one demo account. Password is empty when the account
// existed already: its password was shown when it was made.
type DemoSignIn struct {
	Party    string
	Email    string
	Password string
}

// Demo is the demo negotiation as seeded.
type Demo struct {
	SignIns  []DemoSignIn
	Document negotiation.Document
}

// SeedDemo makes a small demo negotiation with the built-in provider:
// the secretariat, three states, a group, two accredited observers, one
// account per party, and a document with a zero draft and a Rev.1. It
// skips what exists, so every start with --demo may call it.
func SeedDemo(ctx context.Context, st *store.Store, actor negotiation.Actor) (Demo, error) {
	ctx = store.AsSystem(ctx) // an administrative act: no viewer asked for it
	var demo Demo
	for _, dp := range demoParties {
		in, err := seedParty(ctx, st, actor, dp)
		if err != nil {
			return demo, err
		}
		demo.SignIns = append(demo.SignIns, in)
	}
	doc, err := seedDocument(ctx, st, actor)
	demo.Document = doc
	return demo, err
}

// seedParty makes a demo party, its account and, for an observer, its
// accreditation, each unless it exists.
func seedParty(ctx context.Context, st *store.Store, actor negotiation.Actor, dp demoParty) (DemoSignIn, error) {
	p, _, err := EnsureParty(ctx, st, actor, dp.party)
	if err != nil {
		return DemoSignIn{}, err
	}
	in := DemoSignIn{Party: p.Code, Email: strings.ToLower(p.Code) + "@" + demoDomain}
	u, err := st.UserByEmail(ctx, in.Email)
	if negotiation.ErrorCode(err) == negotiation.ENotFound {
		var added Added
		added, err = AddUser(ctx, st, actor, NewUser{Email: in.Email, Name: dp.person, Party: p.Code}, true)
		u, in.Password = added.User, added.Password
	}
	if err != nil || p.Kind != negotiation.PartyObserver {
		return in, err
	}
	_, err = st.EnsureApprovedAccreditation(ctx, actor, store.SeedAccreditation{
		UserID: u.ID, PartyID: p.ID, Organisation: p.Name, Country: dp.country, Website: dp.website,
		ContactName: u.Name, ContactEmail: u.Email, ValidUntil: time.Now().AddDate(1, 0, 0),
	})
	return in, err
}

// seedDocument makes the demo document and its Rev.1 the way the API does:
// the text is checked and parsed by drafting.FromText, and drafting.CarryKeys
// gives the revision's paragraphs the keys of their counterparts.
func seedDocument(ctx context.Context, st *store.Store, actor negotiation.Actor) (negotiation.Document, error) {
	doc, err := demoDocument(ctx, st)
	if negotiation.ErrorCode(err) == negotiation.ENotFound {
		doc, err = createDemoDocument(ctx, st, actor)
	}
	if err != nil || doc.Latest() >= 2 {
		return doc, err
	}
	provs, warns, err := drafting.FromText(demoRev1)
	if err != nil {
		return doc, err
	}
	_, err = st.AddVersion(ctx, actor, doc.ID, "Rev.1",
		func(prev negotiation.Version, used map[string]bool) ([]negotiation.Provision, []negotiation.Warning, error) {
			drafting.CarryKeys(prev.Provisions, used, provs)
			return provs, warns, nil
		})
	if err != nil {
		return doc, err
	}
	return st.Document(ctx, doc.ID)
}

// demoDocument finds the demo document by its symbol.
func demoDocument(ctx context.Context, st *store.Store) (negotiation.Document, error) {
	docs, err := st.ListDocuments(ctx)
	if err != nil {
		return negotiation.Document{}, err
	}
	for _, d := range docs {
		if strings.EqualFold(d.Symbol, DemoSymbol) {
			return d, nil
		}
	}
	return negotiation.Document{}, negotiation.Errorf(negotiation.ENotFound, "no document %s", DemoSymbol)
}

func createDemoDocument(ctx context.Context, st *store.Store, actor negotiation.Actor) (negotiation.Document, error) {
	nd := negotiation.NewDocument{Symbol: DemoSymbol, Title: "Ending plastic pollution", Language: "en",
		Process: "Intergovernmental negotiating committee on plastic pollution (demo)"}
	if err := nd.Normalize(); err != nil {
		return negotiation.Document{}, err
	}
	provs, warns, err := drafting.FromText(demoZeroDraft)
	if err != nil {
		return negotiation.Document{}, err
	}
	drafting.CarryKeys(nil, map[string]bool{}, provs)
	return st.CreateDocument(ctx, actor, nd, provs, warns)
}

// The demo texts: Rev.1 settles two brackets, edits paragraphs, inserts a
// preambular paragraph, a new OP3 (so that the old OP3 becomes OP4) and a
// sub-paragraph, which is what the comparison is there to show.
const demoZeroDraft = `The General Assembly,

Recalling its resolution 70/1 of 25 September 2015, entitled "Transforming our world: the 2030 Agenda for Sustainable Development",

Deeply concerned that plastic pollution, including in the marine environment, is a serious [global] environmental problem,

Recognizing the need to address the full life cycle of plastics,

1. Decides to convene an intergovernmental negotiating committee to develop an international legally binding instrument on plastic pollution;

2. Requests the Executive Director to [facilitate/support] the work of the committee, including by:

(a) preparing a compilation of national measures;

(b) organizing regional consultations;

3. Invites Member States and observers to submit their views by [date];

4. Decides to remain seized of the matter.`

const demoRev1 = `The General Assembly,

Recalling its resolution 70/1 of 25 September 2015, entitled "Transforming our world: the 2030 Agenda for Sustainable Development",

Deeply concerned that plastic pollution, including in the marine environment, is a serious global environmental problem that requires a global response,

Recognizing the need to address the full life cycle of plastics, from production to disposal,

Taking note of the views submitted by Member States and observers,

1. Decides to convene an intergovernmental negotiating committee to develop an international legally binding instrument on plastic pollution, including in the marine environment;

2. Requests the Executive Director to support the work of the committee, including by:

(a) preparing a compilation of national measures;

(b) organizing regional consultations;

(c) facilitating the participation of developing countries;

3. Calls upon Member States to take [immediate] measures to reduce plastic pollution;

4. Invites Member States and observers to submit their views by 30 June 2026;

5. Decides to remain seized of the matter.`
