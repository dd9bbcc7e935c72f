package server

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// The secretariat's page for a document's disclosure rules, and the
// one-line summary of what is public that every reader of the document
// sees. Embargo times are entered and shown in UTC (the form says so), so
// that the page works without script and a time means the same thing to
// every officer, wherever they sit.

// embargoLayout is the value format of <input type="datetime-local">.
const embargoLayout = "2006-01-02T15:04"

// policyPage is the policy form: the table as stored, or as entered when
// it is shown again with an error.
type policyPage struct {
	Doc       negotiation.Document
	Preset    string // the current preset's name, or "custom"
	Presets   []string
	Audiences []negotiation.Audience
	Rows      []policyRow
	Error     string
	Saved     bool
}

type policyRow struct {
	Artefact negotiation.Artefact
	Cells    []policyCell
}

type policyCell struct {
	Audience negotiation.Audience
	Name     string // the form field of the choice; the time is Name+".from"
	When     string
	From     string // datetime-local value, UTC
	Choices  []negotiation.When
}

// choicesFor lists what a cell may hold: only attributions can be
// anonymised.
func choicesFor(a negotiation.Artefact) []negotiation.When {
	c := []negotiation.When{negotiation.Never, negotiation.Now, negotiation.From, negotiation.AtAdoption}
	if a == negotiation.ArtAttributions {
		c = append(c, negotiation.Anonymised)
	}
	return c
}

func cellName(a negotiation.Artefact, aud negotiation.Audience) string {
	return "rule." + string(a) + "." + string(aud)
}

// policyForm fills the form from a stored policy.
func policyForm(d negotiation.Document, p negotiation.Policy) policyPage {
	f := policyPage{Doc: d, Preset: presetName(p), Presets: negotiation.Presets, Audiences: negotiation.Audiences}
	for _, a := range negotiation.Artefacts {
		row := policyRow{Artefact: a}
		for _, aud := range negotiation.Audiences {
			r := p.Rules[a][aud]
			c := policyCell{Audience: aud, Name: cellName(a, aud), When: string(r.When), Choices: choicesFor(a)}
			if r.From != nil {
				c.From = r.From.UTC().Format(embargoLayout)
			}
			row.Cells = append(row.Cells, c)
		}
		f.Rows = append(f.Rows, row)
	}
	return f
}

// presetName names the preset a table equals, even when it was entered
// cell by cell, or "custom".
func presetName(p negotiation.Policy) string {
	for _, name := range negotiation.Presets {
		if pre, err := negotiation.Preset(name); err == nil && reflect.DeepEqual(pre.Rules, p.Rules) {
			return name
		}
	}
	return negotiation.PresetCustom
}

// policyDocument reads the document and checks that the viewer may set its
// rules: others get the API's answer (404 for what they cannot read, 403
// for the rest).
func (s *Server) policyDocument(c echo.Context) (negotiation.Document, error) {
	d, err := s.readDocument(c)
	if err != nil {
		return d, err
	}
	return d, s.authorize(c, negotiation.SetDisclosure, d.ID)
}

func (s *Server) pagePolicy(c echo.Context) error {
	d, err := s.policyDocument(c)
	if err != nil {
		return err
	}
	f := policyForm(d, d.Disclosure.Policy)
	f.Saved = c.QueryParam("saved") == "1"
	return s.render(c, http.StatusOK, "policy", translator(c).T("disclosure.title"), f)
}

// postPolicy applies a preset (a button named "preset") or the table.
func (s *Server) postPolicy(c echo.Context) error {
	d, err := s.policyDocument(c)
	if err != nil {
		return err
	}
	var p negotiation.Policy
	var f policyPage
	if name := c.FormValue("preset"); name != "" {
		p, err = negotiation.Preset(name)
		f = policyForm(d, d.Disclosure.Policy)
	} else {
		p, f, err = enteredPolicy(c, d)
	}
	if err == nil {
		p.Preset = presetName(p)
		err = s.store.SetPolicy(c.Request().Context(), actor(c), d.ID, p)
	}
	if err != nil {
		return s.formError(c, err, "policy", translator(c).T("disclosure.title"), &f.Error, &f)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d/policy?saved=1", d.ID))
}

// enteredPolicy reads the table from the form; the form it returns holds
// what was entered, to be shown again if anything is wrong.
func enteredPolicy(c echo.Context, d negotiation.Document) (negotiation.Policy, policyPage, error) {
	f := policyForm(d, d.Disclosure.Policy)
	f.Preset = negotiation.PresetCustom
	p := negotiation.Policy{Preset: negotiation.PresetCustom, Rules: map[negotiation.Artefact]map[negotiation.Audience]negotiation.Rule{}}
	var firstErr error
	for i, row := range f.Rows {
		p.Rules[row.Artefact] = map[negotiation.Audience]negotiation.Rule{}
		for j, cell := range row.Cells {
			cell.When = c.FormValue(cell.Name)
			cell.From = strings.TrimSpace(c.FormValue(cell.Name + ".from"))
			f.Rows[i].Cells[j] = cell
			r, err := enteredRule(c, row.Artefact, cell)
			if err != nil && firstErr == nil {
				firstErr = err
			}
			p.Rules[row.Artefact][cell.Audience] = r
		}
	}
	if firstErr != nil {
		return p, f, firstErr
	}
	return p, f, p.Validate()
}

// enteredRule reads one cell; a time typed next to a choice other than
// "from" is ignored rather than refused, since the browser keeps it when
// the choice changes.
func enteredRule(c echo.Context, a negotiation.Artefact, cell policyCell) (negotiation.Rule, error) {
	tr := translator(c)
	where := tr.T("disclosure.art."+string(a)) + " / " + tr.T("disclosure.aud."+string(cell.Audience))
	r := negotiation.Rule{When: negotiation.When(cell.When)}
	if r.When != negotiation.From {
		return r, nil
	}
	if cell.From == "" {
		return r, negotiation.Errorf(negotiation.EInvalid, "%s", tr.T("disclosure.err.nodate", "cell", where))
	}
	t, err := time.ParseInLocation(embargoLayout, cell.From, time.UTC)
	if err != nil {
		t, err = time.ParseInLocation(embargoLayout+":05", cell.From, time.UTC)
	}
	if err != nil {
		return r, negotiation.Errorf(negotiation.EInvalid, "%s", tr.T("disclosure.err.baddate", "cell", where, "value", cell.From))
	}
	r.From = &t
	return r, nil
}

// publicSummary is what the document page says is public: what the public
// sees now, and what it will see later (by a date, or on adoption). It
// speaks only of the public column, which is the same for every viewer.
type publicSummary struct {
	Now      []summaryItem
	Later    []summaryItem
	Observed bool // nothing is public now, and accredited observers read the text
}

type summaryItem struct {
	Artefact   negotiation.Artefact
	Anonymised bool
	When       negotiation.When
	From       *time.Time
}

func summarise(dis negotiation.Disclosure, now time.Time) publicSummary {
	var s publicSummary
	for _, a := range negotiation.Artefacts {
		r := dis.Policy.Rules[a][negotiation.AudPublic]
		it := summaryItem{Artefact: a, When: r.When, From: r.From}
		switch {
		case r.When == negotiation.Now:
			s.Now = append(s.Now, it)
		case r.When == negotiation.Anonymised:
			it.Anonymised = true
			s.Now = append(s.Now, it)
		case r.When == negotiation.From && r.From != nil && !now.Before(*r.From):
			s.Now = append(s.Now, it)
		case r.When == negotiation.AtAdoption && dis.AdoptedAt != nil && !now.Before(*dis.AdoptedAt):
			s.Now = append(s.Now, it)
		case r.When == negotiation.From || r.When == negotiation.AtAdoption:
			s.Later = append(s.Later, it)
		}
	}
	if len(s.Now) == 0 {
		// Asked of the one predicate, as for an accredited observer.
		until := now.Add(time.Hour)
		observer := negotiation.Viewer{PartyKind: negotiation.PartyObserver, AccreditedUntil: &until}
		s.Observed = dis.Decide(observer, negotiation.ArtText, false, now) == negotiation.Shown
	}
	return s
}
