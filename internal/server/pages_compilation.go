package server

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/compilation"
	"github.com/zerodraft/zerodraft/internal/locale"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// The compilation page: the current version with the tabled proposals in
// brackets, where delegates propose, take positions and withdraw, and the
// chair sets provision status. Every write goes through the same checks and
// store methods as the API; the page works without JavaScript, and
// web/static/compile.js adds proposing from a selection and live updates.

// compilationPage is what compilation.html receives.
type compilationPage struct {
	Doc          negotiation.Document
	Version      int // the compiled (current) version: proposals are made on it
	Comp         compilation.Compilation
	Entries      []entryView
	VersionLabel string
	// Provisions of the current version, for the plain proposal form.
	Provisions []provChoice
	Clean      bool
	// Filter: the parties and statuses selected, and the choices offered.
	PartyChoices  []string
	StatusChoices []string
	Parties       map[string]bool
	Statuses      map[string]bool
	Filtered      bool
	// Back is this page's address without ?fragment, for forms to return to.
	Back string
	// CleanURL and FullURL switch between the two views, keeping the filter.
	CleanURL, FullURL string
	Drafts            []negotiation.Proposal // the viewer's delegation's own drafts
	DraftViews        []propView
	ProposeFor        []string // parties the viewer may propose for
	PositionFor       []string // parties the viewer may take positions for
	CanPropose        bool
	CanStatus         bool
	Form              proposalForm
	// The choices the page's forms offer.
	KindChoices   []negotiation.ProposalKind
	Stances       []negotiation.Stance
	ChairStatuses []negotiation.ProvisionStatus
	StatusOrder   []negotiation.ProvisionStatus
	ctx           *pageCtx
	// Standing is set on the status page (/documents/:id/status), which
	// shares the template.
	Standing *statusPage
}

// entryView is one compilation entry laid out for the template.
type entryView struct {
	compilation.Entry
	ID        string // the element id: p-KEY, or ins-N / mv-N for proposed entries
	Text      string // the provision's text as it stands (empty for proposed entries)
	Name      string // how forms name the provision: its number, or its first words
	Segs      []segView
	WholeOpts []optView // the options on the provision as a whole, after the base
	Mover     optView   // for a move target: the move proposal
	Reserved  bool      // a party holds a reservation on the provision as a whole
	Proposals []propView
}

// segView is a segment with the rune offset of its base text in the
// provision, which the page hands to the script as data-start.
type segView struct {
	compilation.Segment
	Start int
	Opts  []optView // the options after the base text
	// Deleted: a proposal deletes the whole base text of this bracket,
	// which is then shown struck through.
	Deleted bool
}

// optView is one proposal's option with its attribution and the positions
// taken on it, worded for the viewer.
type optView struct {
	compilation.Option
	Attribution string // proposer, then co-sponsors
	// Tag says what an option does that its text cannot: delete, no text,
	// move after OP3.
	Tag string
	// Struck is the text a deletion of a whole provision strikes through.
	Struck string
	// Mark: a deletion of a bracket's whole base text, which is struck
	// already; the option is its attribution only.
	Mark      bool
	Positions []posView
}

type posView struct {
	Stance  negotiation.Stance
	Label   string
	Parties string
}

// propView is a proposal in the list under its provision, with what the
// viewer may do about it.
type propView struct {
	*pageCtx
	negotiation.Proposal
	// PositionFor are the parties the viewer may take a position for on
	// this proposal (never its proposer); empty when none.
	PositionFor []string
	CanWithdraw bool
}

// pageCtx is what the proposal template needs of the page besides the
// proposal: the viewer's language, the form token, where forms return.
type pageCtx struct {
	locale.Translator
	CSRF    string
	DocID   int64
	Back    string
	Stances []negotiation.Stance
}

// provChoice is a provision in the plain form's list.
type provChoice struct {
	Key, Label string
}

// proposalForm refills the plain proposal form after an error.
type proposalForm struct {
	Key, Kind, Quote, Start, End, Text, Justification, OnBehalfOf string
	Error                                                         string
}

// stances in the order the page offers them.
var stances = []negotiation.Stance{negotiation.Support, negotiation.Oppose, negotiation.Reservation, negotiation.AdRef}

// chairStatuses are the statuses a chair sets; bracketed is derived.
var chairStatuses = []negotiation.ProvisionStatus{negotiation.StatusOpen, negotiation.StatusAdRef, negotiation.StatusAgreed, negotiation.StatusReopened}

// statusOrder is the order provision statuses are counted in.
var statusOrder = []negotiation.ProvisionStatus{negotiation.StatusAgreed, negotiation.StatusAdRef, negotiation.StatusReopened,
	negotiation.StatusBracketed, negotiation.StatusOpen}

var filterStatuses = []string{string(negotiation.Tabled), string(negotiation.Incorporated), string(negotiation.NotRetained), string(negotiation.Withdrawn)}

func (s *Server) pageCompilation(c echo.Context) error {
	if to, ok := canonicalFilter(c); ok {
		return c.Redirect(http.StatusSeeOther, to)
	}
	return s.showCompilation(c, http.StatusOK, proposalForm{Key: c.QueryParam("key"), Kind: string(negotiation.Replace)})
}

// showCompilation renders the page, or with ?fragment=1 only the part that
// live updates replace.
func (s *Server) showCompilation(c echo.Context, status int, form proposalForm) error {
	d, comp, err := s.compile(c)
	if err != nil {
		return err
	}
	p, err := s.compilationPage(c, d, comp)
	if err != nil {
		return err
	}
	p.Form = form
	if c.QueryParam("fragment") == "1" {
		c.Response().Header().Set("Cache-Control", "no-store")
		return s.renderBlock(c, "compilation", "live", p)
	}
	return s.render(c, status, "compilation", d.Symbol+" — "+translator(c).T("comp.title"), p)
}

// canonicalFilter turns a filter form's repeated fields (party=EU&party=G77)
// into the comma-separated address the compilation reads (party=EU,G77).
func canonicalFilter(c echo.Context) (string, bool) {
	q := c.Request().URL.Query()
	if len(q["party"]) < 2 && len(q["status"]) < 2 {
		return "", false
	}
	for _, name := range []string{"party", "status"} {
		var vals []string
		for _, v := range q[name] {
			if v = strings.TrimSpace(v); v != "" {
				vals = append(vals, v)
			}
		}
		q.Del(name)
		if len(vals) > 0 {
			q.Set(name, strings.Join(vals, ","))
		}
	}
	return c.Request().URL.Path + "?" + q.Encode(), true
}

func (s *Server) compilationPage(c echo.Context, d negotiation.Document, comp compilation.Compilation) (compilationPage, error) {
	ctx := c.Request().Context()
	v := viewer(c)
	ps, err := s.proposals(c, d.ID)
	if err != nil {
		return compilationPage{}, err
	}
	byID := make(map[int64]negotiation.Proposal, len(ps))
	choices := map[string]bool{}
	p := compilationPage{
		Doc: d, Version: comp.Version, Comp: comp, Clean: c.QueryParam("view") == "clean",
		StatusChoices: filterStatuses, Parties: map[string]bool{}, Statuses: map[string]bool{},
		CanPropose: s.mayOn(c, negotiation.Propose, d), CanStatus: s.mayOn(c, negotiation.SetProvisionStatus, d),
		KindChoices: []negotiation.ProposalKind{negotiation.Replace, negotiation.Delete, negotiation.Alternative,
			negotiation.InsertWords, negotiation.InsertProvision},
		Stances: stances, ChairStatuses: chairStatuses, StatusOrder: statusOrder,
	}
	for _, pr := range ps {
		byID[pr.ID] = pr
		if pr.Status == negotiation.Draft {
			if pr.PartyID == v.PartyID {
				p.Drafts = append(p.Drafts, pr)
			}
			continue
		}
		choices[pr.Party] = true
		for _, cs := range pr.Cosponsors {
			choices[cs] = true
		}
	}
	f := filterFrom(c)
	for _, party := range f.Parties {
		p.Parties[party] = true
		choices[party] = true
	}
	for _, st := range f.Statuses {
		p.Statuses[string(st)] = true
	}
	p.Filtered = len(f.Parties) > 0 || len(f.Statuses) > 0
	for code := range choices {
		p.PartyChoices = append(p.PartyChoices, code)
	}
	slices.Sort(p.PartyChoices)

	// The page's own address, also when it is shown again after a form
	// was sent elsewhere (with no filter then, as the compilation is).
	self := fmt.Sprintf("/documents/%d/compilation", d.ID)
	q := url.Values{}
	if c.Request().Method == http.MethodGet {
		q = c.Request().URL.Query()
	}
	q.Del("fragment")
	p.Back = pathWithQuery(self, q)
	csrf, _ := c.Get("csrf").(string)
	p.ctx = &pageCtx{Translator: translator(c), CSRF: csrf, DocID: d.ID, Back: p.Back, Stances: stances}
	q.Del("view")
	p.FullURL = pathWithQuery(self, q)
	q.Set("view", "clean")
	p.CleanURL = pathWithQuery(self, q)

	ver, err := s.store.Version(ctx, d.ID, comp.Version)
	if err != nil {
		return compilationPage{}, err
	}
	for _, pr := range ver.Provisions {
		label := excerpt(pr.Text, 60)
		if pr.Number != "" {
			label = pr.Number + " — " + label
		}
		p.Provisions = append(p.Provisions, provChoice{Key: pr.Key, Label: label})
	}
	if p.CanPropose {
		if p.ProposeFor, p.PositionFor, err = s.actingFor(c); err != nil {
			return compilationPage{}, err
		}
	}
	reserved, err := s.store.ProvisionReservations(ctx, d.ID)
	if err != nil {
		return compilationPage{}, err
	}
	tr := translator(c)
	for _, e := range comp.Provisions {
		ev := p.entryFor(tr, e, byID)
		ev.Reserved = e.Key != "" && slices.Contains(reserved, e.Key)
		p.Entries = append(p.Entries, ev)
	}
	for _, pr := range p.Drafts {
		p.DraftViews = append(p.DraftViews, p.propFor(pr))
	}
	for _, v := range d.Versions {
		if v.Number == comp.Version {
			p.VersionLabel = v.Label
		}
	}
	if len(p.Statuses) == 0 {
		p.Statuses[string(negotiation.Tabled)] = true
	}
	return p, nil
}

// provisionName names a provision in a label: by its number, or by its
// first words when it has none (a heading such as "The General Assembly,").
func provisionName(number, text string) string {
	if number != "" {
		return number
	}
	return "“" + excerpt(text, 24) + "”"
}

// excerpt gives the first n characters of s, with an ellipsis if cut.
func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

func pathWithQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// entryFor lays out one entry: the rune offset of each segment, the
// options worded for the viewer and the proposals touching it.
func (p *compilationPage) entryFor(tr locale.Translator, e compilation.Entry, byID map[int64]negotiation.Proposal) entryView {
	ev := entryView{Entry: e}
	switch {
	case e.Inserted != nil:
		ev.ID = "ins-" + strconv.FormatInt(e.Inserted.Proposal, 10)
	case e.Moved != nil:
		ev.ID = "mv-" + strconv.FormatInt(e.Moved.Proposal, 10)
		ev.Mover = optView{Option: compilation.Option{Proposal: e.Moved.Proposal, Kind: negotiation.Move, Parties: e.Moved.Parties},
			Attribution: strings.Join(e.Moved.Parties, ", "), Tag: tr.T("pkind.move")}
	default:
		ev.ID = "p-" + e.Key
	}
	var text strings.Builder
	pos := 0
	for _, sg := range e.Segments {
		sv := segView{Segment: sg, Start: pos}
		for _, o := range sg.Options[min(1, len(sg.Options)):] {
			ov := optionView(tr, o, "")
			if o.Kind == negotiation.Delete && o.Text == "" && sg.Text != "" {
				sv.Deleted, ov.Mark = true, true
			}
			sv.Opts = append(sv.Opts, ov)
		}
		ev.Segs = append(ev.Segs, sv)
		if e.Inserted == nil {
			text.WriteString(sg.Text)
			pos += utf8.RuneCountInString(sg.Text)
		}
	}
	ev.Text = text.String()
	ev.Name = provisionName(e.Number, ev.Text)
	for _, o := range e.Whole {
		ev.WholeOpts = append(ev.WholeOpts, optionView(tr, o, ev.Text))
	}
	for _, id := range e.Proposals {
		if pr, ok := byID[id]; ok {
			ev.Proposals = append(ev.Proposals, p.propFor(pr))
		}
	}
	return ev
}

// optionView words option o; whole is the provision's text, for a deletion
// of the whole provision.
func optionView(tr locale.Translator, o compilation.Option, whole string) optView {
	ov := optView{Option: o, Attribution: strings.Join(o.Parties, ", ")}
	if o.Text == "" {
		switch o.Kind {
		case negotiation.Delete:
			ov.Tag, ov.Struck = tr.T("pkind.delete"), whole
		case negotiation.Alternative:
			ov.Tag = tr.T("comp.notext")
		case negotiation.Move:
			if o.Target == "" {
				ov.Tag = tr.T("comp.movetop")
			} else {
				after := o.TargetNumber
				if after == "" {
					after = "(" + o.Target + ")"
				}
				ov.Tag = tr.T("comp.moveafter", "number", after)
			}
		}
	}
	for _, st := range []struct {
		s       negotiation.Stance
		parties []string
	}{{negotiation.Support, o.Support}, {negotiation.Oppose, o.Oppose}, {negotiation.Reservation, o.Reservation}, {negotiation.AdRef, o.AdRef}} {
		if len(st.parties) > 0 {
			ov.Positions = append(ov.Positions, posView{Stance: st.s, Label: tr.T("stance." + string(st.s)), Parties: strings.Join(st.parties, ", ")})
		}
	}
	return ov
}

// propFor says what the viewer may do about proposal pr: take a position
// for a party other than the proposer, or withdraw it for the proposer.
func (p *compilationPage) propFor(pr negotiation.Proposal) propView {
	pv := propView{pageCtx: p.ctx, Proposal: pr}
	active := pr.Status == negotiation.Tabled || pr.Status == negotiation.Draft
	for _, code := range p.PositionFor {
		if code == pr.Party {
			pv.CanWithdraw = active
		} else if pr.Status == negotiation.Tabled {
			pv.PositionFor = append(pv.PositionFor, code)
		}
	}
	return pv
}

// mayOn tells whether the viewer may do action on d, to decide which
// controls the page shows; the handlers check again with s.authorize.
func (s *Server) mayOn(c echo.Context, action negotiation.Action, d negotiation.Document) bool {
	return negotiation.AuthorizeDocument(viewer(c), action, d.Access(), s.now()) == nil
}

// actingFor lists the parties the viewer may propose for (the secretariat
// enters proposals on behalf of any state or group) and take positions for
// (the own delegation and the groups the viewer is designated for).
func (s *Server) actingFor(c echo.Context) (propose, position []string, err error) {
	ctx := c.Request().Context()
	v := viewer(c)
	parties, err := s.store.Parties(ctx)
	if err != nil {
		return nil, nil, err
	}
	if v.PartyKind == negotiation.PartySecretariat {
		for _, p := range parties {
			if p.Kind == negotiation.PartyState || p.Kind == negotiation.PartyGroup {
				propose = append(propose, p.Code)
			}
		}
		return propose, nil, nil
	}
	position = []string{v.PartyCode}
	for _, p := range parties {
		if p.Kind != negotiation.PartyGroup || p.ID == v.PartyID {
			continue
		}
		if _, err := s.store.ActingParty(ctx, v.UserID, v.PartyID, p.Code); err == nil {
			position = append(position, p.Code)
		} else if negotiation.ErrorCode(err) != negotiation.EForbidden {
			return nil, nil, err
		}
	}
	return position, position, nil
}

// renderBlock renders one named block of a page's template, without the
// layout: the part of the compilation that live updates swap in.
func (s *Server) renderBlock(c echo.Context, page, block string, data any) error {
	t, ok := s.pages.tmpl[page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	csrf, _ := c.Get("csrf").(string)
	v := view{
		Translator: translator(c), CSRF: csrf, Languages: s.pages.languages,
		Path: c.Request().URL.RequestURI(), Viewer: viewer(c), static: s.pages.staticHash, Data: data,
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, v); err != nil {
		return fmt.Errorf("render %s/%s: %w", page, block, err)
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// backTo is where a form on the compilation page returns: the page it was
// sent from (a local address only), at the given element.
func backTo(c echo.Context, docID int64, anchor string) string {
	back := c.FormValue("back")
	if !strings.HasPrefix(back, fmt.Sprintf("/documents/%d/compilation", docID)) {
		back = fmt.Sprintf("/documents/%d/compilation", docID)
	}
	back = localPath(back)
	if anchor != "" {
		back += "#" + anchor
	}
	return back
}

// postProposal is the plain form's way to table a proposal; the script
// uses the API. Both go through createProposal.
func (s *Server) postProposal(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	f := proposalForm{
		Key: c.FormValue("key"), Kind: c.FormValue("kind"), Quote: c.FormValue("quote"),
		Start: strings.TrimSpace(c.FormValue("start")), End: strings.TrimSpace(c.FormValue("end")),
		Text: c.FormValue("text"), Justification: c.FormValue("justification"), OnBehalfOf: c.FormValue("on_behalf_of"),
	}
	base, err := strconv.Atoi(c.FormValue("base_version"))
	if err != nil {
		return s.proposalFormError(c, negotiation.Errorf(negotiation.EInvalid, "the form lacks the version it was made on; reload the page"), f)
	}
	req := proposalRequest{
		BaseVersion: base, Kind: f.Kind, Key: f.Key, Quote: f.Quote, Text: f.Text,
		Justification: f.Justification, OnBehalfOf: f.OnBehalfOf,
	}
	if req.Start, err = optionalOffset("start", f.Start); err == nil {
		req.End, err = optionalOffset("end", f.End)
	}
	if err == nil && (req.Start == nil) != (req.End == nil) {
		err = negotiation.Errorf(negotiation.EInvalid, "give both start and end, or neither for the whole provision")
	}
	if err != nil {
		return s.proposalFormError(c, err, f)
	}
	if req.Kind == string(negotiation.InsertProvision) {
		req.Start, req.End, req.Quote = nil, nil, "" // a new provision after the one chosen
	}
	if req.Kind == string(negotiation.InsertWords) && req.Start != nil && req.End != nil && *req.Start != *req.End {
		req.Start = req.End // insert after the words given
		req.Quote = ""
	}
	p, err := s.createProposal(c, d.ID, req)
	if err != nil {
		return s.proposalFormError(c, err, f)
	}
	anchor := "p-" + p.Key
	if p.Kind == negotiation.InsertProvision {
		anchor = "ins-" + strconv.FormatInt(p.ID, 10)
	}
	return c.Redirect(http.StatusSeeOther, backTo(c, d.ID, anchor))
}

func optionalOffset(name, s string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return nil, negotiation.Errorf(negotiation.EInvalid, "%s must be a character position (0, 1, 2, …), not %q", name, s)
	}
	return &n, nil
}

// proposalFormError shows the page again with the form as it was sent and
// the reason, for errors a delegate can act on; others go to the one error
// handler.
func (s *Server) proposalFormError(c echo.Context, err error, f proposalForm) error {
	code := negotiation.ErrorCode(err)
	switch code {
	case negotiation.EInvalid, negotiation.EAnchor, negotiation.EConflict, negotiation.EForbidden, negotiation.ETooLarge:
	default:
		return err
	}
	f.Error = negotiation.ErrorMessage(err)
	return s.showCompilation(c, statusOf[code], f)
}

// proposalOn loads the :pid proposal of the :id document for a form.
func (s *Server) proposalOn(c echo.Context) (negotiation.Document, negotiation.Proposal, error) {
	d, err := s.readDocument(c)
	if err != nil {
		return d, negotiation.Proposal{}, err
	}
	p, err := s.proposalFor(c)
	if err == nil && p.DocumentID != d.ID {
		err = negotiation.Errorf(negotiation.ENotFound, "proposal %d not found", p.ID)
	}
	return d, p, err
}

// postPosition records support, opposition, a reservation or agreement ad
// ref, as apiSetPosition does.
func (s *Server) postPosition(c echo.Context) error {
	d, p, err := s.proposalOn(c)
	if err != nil {
		return err
	}
	stance := negotiation.Stance(c.FormValue("stance"))
	if !stance.Valid() {
		return negotiation.Errorf(negotiation.EInvalid, "stance %q: use support, oppose, reservation or agreed_ad_ref", stance)
	}
	if err := s.authorize(c, negotiation.TakePosition, d.ID); err != nil {
		return err
	}
	v := viewer(c)
	party, err := s.actingParty(c, c.FormValue("on_behalf_of"))
	if err != nil {
		return err
	}
	if err := s.store.SetPosition(c.Request().Context(), v.Actor(), p.ID, party.ID, v.UserID, stance); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, backTo(c, d.ID, "proposal-"+strconv.FormatInt(p.ID, 10)))
}

// postWithdraw withdraws the viewer's party's proposal, as
// apiWithdrawProposal does.
func (s *Server) postWithdraw(c echo.Context) error {
	d, p, err := s.proposalOn(c)
	if err != nil {
		return err
	}
	if err := s.withdraw(c, p); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, backTo(c, d.ID, ""))
}

// postProvisionStatus lets the secretariat or the chair set a provision's
// status, as apiSetProvisionStatus does.
func (s *Server) postProvisionStatus(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.SetProvisionStatus, d.ID); err != nil {
		return err
	}
	st := negotiation.ProvisionStatus(c.FormValue("status"))
	if !slices.Contains(chairStatuses, st) {
		return negotiation.Errorf(negotiation.EInvalid, "status %q: use open, agreed_ad_ref, agreed or reopened (bracketed is derived from proposals)", st)
	}
	key := c.Param("key")
	if err := s.store.SetProvisionStatus(c.Request().Context(), viewer(c).Actor(), d.ID, key, st); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, backTo(c, d.ID, "p-"+key))
}

// postProvisionPosition records the viewer's party's position on a
// provision as a whole (a reservation keeps it bracketed), as
// apiSetProvisionPosition does.
func (s *Server) postProvisionPosition(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.TakePosition, d.ID); err != nil {
		return err
	}
	stance := negotiation.Stance(c.FormValue("stance"))
	if !stance.Valid() {
		return negotiation.Errorf(negotiation.EInvalid, "stance %q: use support, oppose, reservation or agreed_ad_ref", stance)
	}
	v := viewer(c)
	party, err := s.actingParty(c, c.FormValue("on_behalf_of"))
	if err != nil {
		return err
	}
	key := c.Param("key")
	if err := s.store.SetProvisionPosition(c.Request().Context(), v.Actor(), d.ID, key, party.ID, v.UserID, stance); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, backTo(c, d.ID, "p-"+key))
}

// statusPage is where the negotiation stands: provisions by status and the
// open brackets per version.
type statusPage struct {
	Comp    compilation.Compilation
	Counts  []statusCount
	Tiles   []tile
	Chart   bracketChart
	Version int
}

// tile is one provision on the status map.
type tile struct {
	Key, Name string
	Status    negotiation.ProvisionStatus
}

type statusCount struct {
	Status negotiation.ProvisionStatus
	N      int
}

// bracketChart is an SVG line chart of open brackets per version, laid
// out here so that the template only places what is computed.
type bracketChart struct {
	Width, Height int
	Left, Right   int // x of the plot area's edges
	Top, Bottom   int // y of the plot area's edges
	Max           int
	Points        []chartPoint
	Line          string // the polyline's points
	Ticks         []chartTick
}

type chartPoint struct {
	X, Y     int
	Label    string // the version label
	Date     string
	Brackets int
	Current  bool
}

type chartTick struct {
	Y     int
	Value int
}

func (s *Server) pageStatus(c echo.Context) error {
	d, comp, err := s.compile(c)
	if err != nil {
		return err
	}
	p := statusPage{Comp: comp, Version: comp.Version}
	for _, st := range statusOrder {
		p.Counts = append(p.Counts, statusCount{Status: st, N: comp.Counts.Provisions[st]})
	}
	for _, e := range comp.Provisions {
		if e.Inserted == nil && e.Moved == nil {
			var text strings.Builder
			for _, sg := range e.Segments {
				text.WriteString(sg.Text)
			}
			p.Tiles = append(p.Tiles, tile{Key: e.Key, Name: provisionName(e.Number, text.String()), Status: e.Status})
		}
	}
	brackets := make([]int, len(d.Versions))
	for i, ver := range d.Versions {
		full, err := s.store.Version(c.Request().Context(), d.ID, ver.Number)
		if err != nil {
			return err
		}
		brackets[i] = bracketsIn(full.Provisions)
		if ver.Number == comp.Version {
			// The current version: the brackets in its text, plus one per
			// tabled proposal shown in the compilation.
			brackets[i] += comp.Counts.Proposals
		}
	}
	p.Chart = chartOf(d.Versions, brackets, comp.Version)
	// The page shares compilation.html, which shows this part when
	// Standing is set.
	return s.render(c, http.StatusOK, "compilation", d.Symbol+" — "+translator(c).T("status.title"), compilationPage{Doc: d, Standing: &p})
}

// bracketsIn counts the opening brackets in a version's text: a simple
// measure of what an imported or issued text leaves open.
func bracketsIn(provs []negotiation.Provision) int {
	n := 0
	for _, p := range provs {
		n += strings.Count(p.Text, "[")
	}
	return n
}

// chartOf lays out the open brackets per version, in version order, evenly
// spaced (versions are issued at irregular times; the dates are labels).
func chartOf(versions []negotiation.Version, brackets []int, current int) bracketChart {
	ch := bracketChart{Width: 640, Height: 240, Left: 48, Right: 616, Top: 20, Bottom: 190}
	for _, b := range brackets {
		ch.Max = max(ch.Max, b)
	}
	top := max(ch.Max, 1)
	step := max(1, (top+3)/4)
	for v := 0; v <= top; v += step {
		ch.Ticks = append(ch.Ticks, chartTick{Value: v, Y: ch.Bottom - v*(ch.Bottom-ch.Top)/top})
	}
	var line []string
	for i, ver := range versions {
		x := (ch.Left + ch.Right) / 2
		if len(versions) > 1 {
			x = ch.Left + 16 + i*(ch.Right-ch.Left-32)/(len(versions)-1)
		}
		y := ch.Bottom - brackets[i]*(ch.Bottom-ch.Top)/top
		ch.Points = append(ch.Points, chartPoint{X: x, Y: y, Label: ver.Label, Date: ver.CreatedAt.UTC().Format("2006-01-02"),
			Brackets: brackets[i], Current: ver.Number == current})
		line = append(line, strconv.Itoa(x)+","+strconv.Itoa(y))
	}
	ch.Line = strings.Join(line, " ")
	return ch
}
