package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// closingState is what the document page and the closing page show of a
// document's silence procedure and adoption.
type closingState struct {
	Silence   *negotiation.Silence
	Adoption  *negotiation.Adoption
	PublicURL string
}

// Frozen tells whether the text is frozen by an open silence.
func (c closingState) Frozen() bool { return c.Silence != nil && c.Silence.Status.Open() }

// closingOf reads a document's silence and adoption, either possibly absent.
func (s *Server) closingOf(c echo.Context, d negotiation.Document) (closingState, error) {
	ctx := c.Request().Context()
	st := closingState{PublicURL: publicPath(d.Symbol)}
	sl, err := s.store.Silence(ctx, d.ID)
	switch {
	case err == nil:
		sl = discloseSilence(d.Disclosure, viewer(c), s.now(), sl)
		st.Silence = &sl
	case negotiation.ErrorCode(err) != negotiation.ENotFound:
		return st, err
	}
	a, err := s.store.Adoption(ctx, d.ID)
	switch {
	case err == nil:
		st.Adoption = &a
	case negotiation.ErrorCode(err) != negotiation.ENotFound:
		return st, err
	}
	return st, nil
}

type closingPage struct {
	Doc          negotiation.Document
	Latest       negotiation.Version
	State        closingState
	Explanations []negotiation.Explanation
	Languages    []string // the UN languages other than the original, for translation links
	Translated   map[string]bool
	Numbers      map[string]string // provision key → display number in the latest version
	Error        string
	// IsSecretariat and IsMember decide which forms show; the actions
	// themselves are checked again when posted.
	IsSecretariat, IsMember bool
	// MinDeadline is the earliest deadline allowed now (to the second);
	// DefaultDeadline the form's suggestion, the next whole minute after it.
	MinDeadline, DefaultDeadline string
}

// pageClosing shows the silence procedure and adoption of a document with
// the forms each viewer may use.
func (s *Server) pageClosing(c echo.Context) error {
	p, err := s.closingPageData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "closing", translator(c).T("closing.title", "symbol", p.Doc.Symbol), p)
}

func (s *Server) closingPageData(c echo.Context) (closingPage, error) {
	d, err := s.readDocument(c)
	if err != nil {
		return closingPage{}, err
	}
	ctx := c.Request().Context()
	latest, err := s.store.Version(ctx, d.ID, d.Latest())
	if err != nil {
		return closingPage{}, err
	}
	st, err := s.closingOf(c, d)
	if err != nil {
		return closingPage{}, err
	}
	numbers := make(map[string]string, len(latest.Provisions))
	for _, prov := range latest.Provisions {
		numbers[prov.Key] = prov.Number
	}
	p := closingPage{Doc: d, Latest: latest, State: st, Translated: map[string]bool{}, Numbers: numbers,
		IsSecretariat:   s.authorize(c, negotiation.Adopt, d.ID) == nil,
		IsMember:        negotiation.Authorize(viewer(c), negotiation.BreakSilence, s.now()) == nil,
		MinDeadline:     s.now().Add(s.silenceMin).UTC().Truncate(time.Second).Add(time.Second).Format("2006-01-02T15:04:05"),
		DefaultDeadline: s.now().Add(s.silenceMin).UTC().Truncate(time.Minute).Add(time.Minute).Format("2006-01-02T15:04")}
	if st.Adoption != nil {
		if p.Explanations, err = s.store.Explanations(ctx, d.ID); err != nil {
			return p, err
		}
		trs, err := s.store.Translations(ctx, d.ID)
		if err != nil {
			return p, err
		}
		for _, t := range trs {
			p.Translated[t.Language] = true
		}
		for _, l := range negotiation.UNLanguages {
			if !strings.EqualFold(l, d.Language) {
				p.Languages = append(p.Languages, l)
			}
		}
	}
	return p, nil
}

// closingFormError shows the closing page again with the message of an
// error about the input or the state; other errors go to the one handler.
func (s *Server) closingFormError(c echo.Context, err error) error {
	code := negotiation.ErrorCode(err)
	if code != negotiation.EInvalid && code != negotiation.EConflict && code != negotiation.ETooLarge && code != negotiation.EMalformed {
		return err
	}
	p, perr := s.closingPageData(c)
	if perr != nil {
		return perr
	}
	p.Error = negotiation.ErrorMessage(err)
	return s.render(c, statusOf[code], "closing", translator(c).T("closing.title", "symbol", p.Doc.Symbol), p)
}

// formTime reads a date and time typed in UTC (an HTML datetime-local
// field); empty gives nil.
func formTime(field, v string) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339} {
		if t, err := time.ParseInLocation(layout, v, time.UTC); err == nil {
			return &t, nil
		}
	}
	return nil, negotiation.Errorf(negotiation.EInvalid, "%s %q is not a date and time such as 2026-03-01T15:00 (UTC)", field, v)
}

func (s *Server) closingBack(c echo.Context, docID int64) error {
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/documents/%d/closing", docID))
}

func (s *Server) postSilence(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	req := silenceRequest{}
	if req.Version, err = strconv.Atoi(c.FormValue("version")); err != nil {
		return s.closingFormError(c, negotiation.Errorf(negotiation.EInvalid, "choose the version to put under silence"))
	}
	deadline, err := formTime("deadline", c.FormValue("deadline"))
	if err != nil {
		return s.closingFormError(c, err)
	}
	if deadline != nil {
		req.Deadline = *deadline
	}
	if req.PublicFrom, err = formTime("public_from", c.FormValue("public_from")); err != nil {
		return s.closingFormError(c, err)
	}
	if _, err := s.startSilence(c, d.ID, req); err != nil {
		return s.closingFormError(c, err)
	}
	return s.closingBack(c, d.ID)
}

func (s *Server) postBreakSilence(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	req := breakRequest{Statement: c.FormValue("statement"), Text: c.FormValue("text"), Keys: form["keys"], OnBehalfOf: c.FormValue("on_behalf_of")}
	if _, err := s.breakSilence(c, d.ID, req); err != nil {
		return s.closingFormError(c, err)
	}
	return s.closingBack(c, d.ID)
}

func (s *Server) postReturnSilence(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.StartSilence, d.ID); err != nil {
		return err
	}
	if _, err := s.store.ReturnToNegotiation(c.Request().Context(), actor(c), d.ID); err != nil {
		return s.closingFormError(c, err)
	}
	return s.closingBack(c, d.ID)
}

func (s *Server) postAdopt(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	req := adoptRequest{Method: negotiation.AdoptionMethod(c.FormValue("method"))}
	if req.Version, err = strconv.Atoi(c.FormValue("version")); err != nil {
		return s.closingFormError(c, negotiation.Errorf(negotiation.EInvalid, "choose the version to adopt"))
	}
	if req.Method == negotiation.ByVote {
		t, err := formTally(c)
		if err != nil {
			return s.closingFormError(c, err)
		}
		req.Tally = &t
	}
	if req.PublicFrom, err = formTime("public_from", c.FormValue("public_from")); err != nil {
		return s.closingFormError(c, err)
	}
	if _, err := s.adopt(c, d.ID, req); err != nil {
		return s.closingFormError(c, err)
	}
	return s.closingBack(c, d.ID)
}

// formTally reads the vote counts and the optional votes by party, one
// "CODE yes|no|abstain" per line.
func formTally(c echo.Context) (negotiation.Tally, error) {
	var t negotiation.Tally
	for _, f := range []struct {
		name string
		n    *int
	}{{"yes", &t.Yes}, {"no", &t.No}, {"abstain", &t.Abstain}} {
		v := strings.TrimSpace(c.FormValue(f.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return t, negotiation.Errorf(negotiation.EInvalid, "%s must be a whole number, not %q", f.name, v)
		}
		*f.n = n
	}
	for _, line := range strings.Split(c.FormValue("by_party"), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 {
			return t, negotiation.Errorf(negotiation.EInvalid, "votes by party: write one \"CODE yes|no|abstain\" per line, not %q", strings.TrimSpace(line))
		}
		if t.ByParty == nil {
			t.ByParty = map[string]negotiation.Vote{}
		}
		t.ByParty[strings.ToUpper(fields[0])] = negotiation.Vote(strings.ToLower(fields[1]))
	}
	return t, nil
}

func (s *Server) postExplanation(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.explain(c, d.ID, explanationRequest{Text: c.FormValue("text"), OnBehalfOf: c.FormValue("on_behalf_of")}); err != nil {
		return s.closingFormError(c, err)
	}
	return s.closingBack(c, d.ID)
}

// Translations of the final text.

type translationRequest struct {
	Title      string            `json:"title"`
	Provisions map[string]string `json:"provisions"`
}

// setTranslation checks and stores a translation; API and page share it.
func (s *Server) setTranslation(c echo.Context, docID int64, lang string, req translationRequest) (string, error) {
	if err := s.authorize(c, negotiation.Translate, docID); err != nil {
		return "", err
	}
	lang, err := negotiation.NormalizeLanguage(lang)
	if err != nil {
		return "", err
	}
	title := strings.TrimSpace(req.Title)
	if title == "" || !utf8.ValidString(title) || len([]rune(title)) > negotiation.MaxTitleLen {
		return "", negotiation.Errorf(negotiation.EInvalid, "title is required: the document's title in this language, at most %d characters", negotiation.MaxTitleLen)
	}
	texts := make(map[string]string, len(req.Provisions))
	for k, v := range req.Provisions {
		if !utf8.ValidString(v) || len(v) > negotiation.MaxTranslationLen {
			return "", negotiation.Errorf(negotiation.EInvalid, "the text of provision %q must be UTF-8 and at most %d bytes", k, negotiation.MaxTranslationLen)
		}
		texts[k] = strings.TrimSpace(v)
	}
	return lang, s.store.SetTranslation(c.Request().Context(), actor(c), docID, store.Translation{Language: lang, Title: title, Provisions: texts})
}

func (s *Server) apiSetTranslation(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	var req translationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	lang, err := s.setTranslation(c, d.ID, c.Param("lang"), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"language": lang, "public_url": s.publicURL(d.Symbol) + "?lang=" + lang})
}

// apiTranslations lists the translations of a final text to whoever may
// see it.
func (s *Server) apiTranslations(c echo.Context) error {
	id, err := documentID(c)
	if err != nil {
		return err
	}
	if _, err := s.visibleAdoption(c, id); err != nil {
		return err
	}
	trs, err := s.store.Translations(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"translations": trs})
}

type translationPage struct {
	Doc      negotiation.Document
	Adopted  negotiation.Version
	Language string
	Title    string
	Texts    map[string]string
	Error    string
}

func (s *Server) pageTranslation(c echo.Context) error {
	p, err := s.translationPageData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "translation", translator(c).T("translation.title", "symbol", p.Doc.Symbol, "lang", p.Language), p)
}

func (s *Server) translationPageData(c echo.Context) (translationPage, error) {
	d, err := s.readDocument(c)
	if err != nil {
		return translationPage{}, err
	}
	if err := s.authorize(c, negotiation.Translate, d.ID); err != nil {
		return translationPage{}, err
	}
	lang, err := negotiation.NormalizeLanguage(c.Param("lang"))
	if err != nil {
		return translationPage{}, err
	}
	ctx := c.Request().Context()
	a, err := s.store.Adoption(ctx, d.ID)
	if err != nil {
		return translationPage{}, err
	}
	v, err := s.store.Version(ctx, d.ID, a.Version)
	if err != nil {
		return translationPage{}, err
	}
	p := translationPage{Doc: d, Adopted: v, Language: lang, Texts: map[string]string{}}
	trs, err := s.store.Translations(ctx, d.ID)
	if err != nil {
		return p, err
	}
	for _, t := range trs {
		if t.Language == lang {
			p.Title, p.Texts = t.Title, t.Provisions
		}
	}
	return p, nil
}

func (s *Server) postTranslation(c echo.Context) error {
	p, err := s.translationPageData(c)
	if err != nil {
		return err
	}
	req := translationRequest{Title: c.FormValue("title"), Provisions: map[string]string{}}
	for _, prov := range p.Adopted.Provisions {
		req.Provisions[prov.Key] = c.FormValue("p." + prov.Key)
	}
	if _, err := s.setTranslation(c, p.Doc.ID, p.Language, req); err != nil {
		p.Title, p.Texts = req.Title, req.Provisions
		return s.formError(c, err, "translation", translator(c).T("translation.title", "symbol", p.Doc.Symbol, "lang", p.Language), &p.Error, &p)
	}
	return c.Redirect(http.StatusSeeOther, publicPath(p.Doc.Symbol)+"?lang="+p.Language)
}
