package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/feeds"
	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// Published final texts: the permanent public page of each, the archive
// with its search, and the Atom feed. Anyone may open them, signed in or
// not; whether a given text may be seen (an embargo) is decided by
// negotiation.MayReadFinalText alone.

// finalText is a published text in one language.
type finalText struct {
	Language   string
	Dir        string // "rtl" or "ltr"
	Title      string
	Provisions []finalProvision
}

type finalProvision struct {
	Key    string
	Number string
	Kind   negotiation.ProvisionKind
	Label  string
	Text   string
}

// langLink is one language the public page offers.
type langLink struct {
	Tag, Name string
	Current   bool
	Href      string
}

type publicPage struct {
	Symbol       string
	Doc          negotiation.Document
	Adoption     negotiation.Adoption
	Text         finalText
	Languages    []langLink
	Explanations []negotiation.Explanation
	Embargoed    bool // shown to the secretariat before the embargo ends
	Downloads    []downloadLink
}

// downloadLink is a file of the final text the public page offers.
type downloadLink struct {
	Format, Label, Href string
	Unavailable         bool // this server cannot make the format (PDF without Chromium)
}

// publishedText loads an adopted document by the symbol in the address
// and checks that the viewer may see its final text.
func (s *Server) publishedText(c echo.Context) (negotiation.Document, negotiation.Adoption, error) {
	symbol := c.Param("*")
	if u, err := url.PathUnescape(symbol); err == nil {
		symbol = u
	}
	d, a, err := s.store.AdoptedDocument(c.Request().Context(), strings.Trim(symbol, "/"))
	if err != nil {
		return d, a, err
	}
	if err := negotiation.MayReadFinalText(viewer(c), a, d.Disclosure.Policy, s.now()); err != nil {
		return d, a, err
	}
	return d, a, nil
}

// finalTexts gives the adopted version in its original language and in
// every translation, aligned by key.
func (s *Server) finalTexts(c echo.Context, d negotiation.Document, a negotiation.Adoption) ([]finalText, error) {
	ctx := c.Request().Context()
	v, err := s.store.Version(ctx, d.ID, a.Version)
	if err != nil {
		return nil, err
	}
	orig := finalText{Language: d.Language, Title: d.Title}
	for _, p := range v.Provisions {
		orig.Provisions = append(orig.Provisions, finalProvision{Key: p.Key, Number: p.Number, Kind: p.Kind, Label: p.Label, Text: p.Text})
	}
	out := []finalText{orig}
	trs, err := s.store.Translations(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range trs {
		ft := finalText{Language: t.Language, Title: t.Title}
		for _, p := range v.Provisions {
			ft.Provisions = append(ft.Provisions, finalProvision{Key: p.Key, Number: p.Number, Kind: p.Kind, Label: p.Label, Text: t.Provisions[p.Key]})
		}
		out = append(out, ft)
	}
	for i := range out {
		out[i].Dir = "ltr"
		if negotiation.RightToLeft(out[i].Language) {
			out[i].Dir = "rtl"
		}
	}
	return out, nil
}

// languageName is a language's name in itself ("Français", "العربية").
func languageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if n := display.Self.Name(t); n != "" {
		return n
	}
	return tag
}

// pagePublic is a published text's permanent page: /texts/ and its symbol,
// ?lang= for a translation, ?format= for a download.
func (s *Server) pagePublic(c echo.Context) error {
	d, a, err := s.publishedText(c)
	if err != nil {
		return err
	}
	texts, err := s.finalTexts(c, d, a)
	if err != nil {
		return err
	}
	lang := c.QueryParam("lang")
	text := texts[0]
	if lang != "" {
		found := false
		for _, t := range texts {
			if strings.EqualFold(t.Language, lang) {
				text, found = t, true
			}
		}
		if !found {
			return negotiation.Errorf(negotiation.ENotFound, "%s has no text in %q", d.Symbol, lang)
		}
	}
	if f := c.QueryParam("format"); f != "" {
		return s.downloadFinal(c, d, a, text, f)
	}
	base := publicPath(d.Symbol)
	p := publicPage{Symbol: d.Symbol, Doc: d, Adoption: a, Text: text,
		Embargoed: a.PublicFrom != nil && s.now().Before(*a.PublicFrom)}
	for _, t := range texts {
		href := base
		if t.Language != texts[0].Language {
			href += "?lang=" + url.QueryEscape(t.Language)
		}
		p.Languages = append(p.Languages, langLink{Tag: t.Language, Name: languageName(t.Language), Current: t.Language == text.Language, Href: href})
	}
	if p.Explanations, err = s.store.Explanations(c.Request().Context(), d.ID); err != nil {
		return err
	}
	p.Downloads = s.downloadLinks(base, text.Language, texts[0].Language)
	return s.render(c, http.StatusOK, "public_text", d.Symbol+" — "+text.Title, p)
}

type archivePage struct {
	Query string
	Texts []archiveEntry
}

type archiveEntry struct {
	store.Published
	Href string
}

// maxArchive bounds one archive page or feed.
const maxArchive = 200

// visiblePublished searches the archive and keeps what the viewer may see.
func (s *Server) visiblePublished(c echo.Context, q string) ([]archiveEntry, error) {
	found, err := s.store.SearchAdopted(c.Request().Context(), q, maxArchive)
	if err != nil {
		return nil, err
	}
	v, now := viewer(c), s.now()
	out := make([]archiveEntry, 0, len(found))
	for _, p := range found {
		if negotiation.MayReadFinalText(v, p.Adoption, p.Policy, now) == nil {
			out = append(out, archiveEntry{Published: p, Href: publicPath(p.Symbol)})
		}
	}
	return out, nil
}

// pageArchive lists published texts, newest adoption first, with search
// by symbol, title and words.
func (s *Server) pageArchive(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 200 {
		return negotiation.Errorf(negotiation.EInvalid, "the search is longer than 200 bytes")
	}
	texts, err := s.visiblePublished(c, q)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "archive", translator(c).T("archive.title"), archivePage{Query: q, Texts: texts})
}

// feedArchive is the Atom feed of new publications.
func (s *Server) feedArchive(c echo.Context) error {
	texts, err := s.visiblePublished(c, "")
	if err != nil {
		return err
	}
	f := &feeds.Feed{
		Title: "zerodraft — published texts",
		Link:  &feeds.Link{Href: s.baseURL + "/texts"},
		Id:    s.baseURL + "/texts",
	}
	for _, t := range texts {
		published := t.Adoption.AdoptedAt
		if t.Adoption.PublicFrom != nil && t.Adoption.PublicFrom.After(published) {
			published = *t.Adoption.PublicFrom
		}
		if published.After(f.Updated) {
			f.Updated = published
		}
		f.Items = append(f.Items, &feeds.Item{
			Title:       t.Symbol + " — " + t.Title,
			Link:        &feeds.Link{Href: s.baseURL + t.Href},
			Id:          s.baseURL + t.Href,
			Description: "Adopted " + published.UTC().Format(time.RFC3339) + " (" + string(t.Adoption.Method) + "), SHA-256 " + t.Adoption.SHA256,
			Created:     published,
			Updated:     published,
		})
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0).UTC()
	}
	atom, err := f.ToAtom()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", []byte(atom))
}
