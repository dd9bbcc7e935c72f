package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/diff"
	"github.com/zerodraft/zerodraft/internal/drafting"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

type createDocumentRequest struct {
	Symbol   string `json:"symbol"`
	Title    string `json:"title"`
	Language string `json:"language"`
	Text     string `json:"text"`
	Process  string `json:"process"`
	Label    string `json:"label"`
}

type createDocumentResponse struct {
	ID       int64                 `json:"id"`
	Version  int                   `json:"version"`
	Warnings []negotiation.Warning `json:"warnings"`
}

func (s *Server) apiCreateDocument(c echo.Context) error {
	if isMultipart(c.Request()) {
		return s.apiImportDocument(c) // a Word file (api_import.go)
	}
	var req createDocumentRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	d, warns, err := s.createDocument(c, negotiation.NewDocument{
		Symbol: req.Symbol, Title: req.Title, Language: req.Language, Process: req.Process, Label: req.Label,
	}, req.Text)
	if err != nil {
		return err
	}
	if warns == nil {
		warns = []negotiation.Warning{}
	}
	return created(c, createDocumentResponse{ID: d.ID, Version: 1, Warnings: warns})
}

// createDocument is shared by the API and the page form.
func (s *Server) createDocument(c echo.Context, nd negotiation.NewDocument, text string) (negotiation.Document, []negotiation.Warning, error) {
	if err := s.authorize(c, actionCreateDocument, 0); err != nil {
		return negotiation.Document{}, nil, err
	}
	if err := nd.Normalize(); err != nil {
		return negotiation.Document{}, nil, err
	}
	provs, warns, err := drafting.FromText(text)
	if err != nil {
		return negotiation.Document{}, nil, err
	}
	drafting.CarryKeys(nil, map[string]bool{}, provs)
	d, err := s.store.CreateDocument(c.Request().Context(), actor(c), nd, provs, warns)
	return d, warns, err
}

func (s *Server) apiListDocuments(c echo.Context) error {
	if err := s.authorize(c, actionRead, 0); err != nil {
		return err
	}
	docs, err := s.store.ListDocuments(c.Request().Context())
	if err != nil {
		return err
	}
	docs = s.visibleDocuments(c, docs)
	if docs == nil {
		docs = []negotiation.Document{}
	}
	return c.JSON(http.StatusOK, map[string]any{"documents": docs})
}

func (s *Server) apiGetDocument(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// readDocument loads the :id document after asking whether the viewer may
// read it.
func (s *Server) readDocument(c echo.Context) (negotiation.Document, error) {
	id, err := documentID(c)
	if err != nil {
		return negotiation.Document{}, err
	}
	if err := s.authorize(c, actionRead, id); err != nil {
		return negotiation.Document{}, err
	}
	return s.store.Document(c.Request().Context(), id)
}

type createVersionRequest struct {
	Label      string           `json:"label"`
	Text       *string          `json:"text"`
	Provisions []drafting.Draft `json:"provisions"`
}

func (s *Server) apiCreateVersion(c echo.Context) error {
	if isMultipart(c.Request()) {
		return s.apiImportVersion(c) // a Word file (api_import.go)
	}
	id, err := documentID(c)
	if err != nil {
		return err
	}
	var req createVersionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var v negotiation.Version
	switch {
	case req.Text != nil && req.Provisions != nil:
		return negotiation.Errorf(negotiation.EInvalid, "send either \"text\" or \"provisions\", not both")
	case req.Text != nil:
		v, err = s.versionFromText(c, id, req.Label, *req.Text)
	case req.Provisions != nil:
		v, err = s.versionFromDrafts(c, id, req.Label, req.Provisions)
	default:
		return negotiation.Errorf(negotiation.EInvalid, "send the new version as \"text\" or as \"provisions\"")
	}
	if err != nil {
		return err
	}
	if v.Warnings == nil {
		v.Warnings = []negotiation.Warning{}
	}
	return created(c, map[string]any{"number": v.Number, "label": v.Label, "warnings": v.Warnings})
}

// versionFromText issues a new version from a full pasted text, aligned to
// the latest version so that keys follow their paragraphs.
func (s *Server) versionFromText(c echo.Context, docID int64, label, text string) (negotiation.Version, error) {
	provs, warns, err := drafting.FromText(text)
	if err != nil {
		return negotiation.Version{}, err
	}
	return s.addVersion(c, docID, label, provs, warns)
}

// versionFromDrafts issues a new version from explicit provisions.
func (s *Server) versionFromDrafts(c echo.Context, docID int64, label string, drafts []drafting.Draft) (negotiation.Version, error) {
	provs, warns, err := drafting.FromDrafts(drafts)
	if err != nil {
		return negotiation.Version{}, err
	}
	return s.addVersion(c, docID, label, provs, warns)
}

func (s *Server) addVersion(c echo.Context, docID int64, label string, provs []negotiation.Provision, warns []negotiation.Warning) (negotiation.Version, error) {
	if err := s.authorize(c, actionCreateVersion, docID); err != nil {
		return negotiation.Version{}, err
	}
	if label != "" {
		if err := negotiation.CheckLabel(label); err != nil {
			return negotiation.Version{}, err
		}
	}
	v, err := s.store.AddVersion(c.Request().Context(), actor(c), docID, label,
		func(prev negotiation.Version, used map[string]bool) ([]negotiation.Provision, []negotiation.Warning, error) {
			drafting.CarryKeys(prev.Provisions, used, provs)
			return provs, warns, nil
		})
	if err == nil {
		go s.warmDiff(docID, v.Number-1, v.Number)
	}
	return v, err
}

func (s *Server) apiGetVersion(c echo.Context) error {
	v, err := s.readVersion(c, c.Param("n"))
	if err != nil {
		return err
	}
	if v.Warnings == nil {
		v.Warnings = []negotiation.Warning{}
	}
	return c.JSON(http.StatusOK, v)
}

// readVersion loads version n of the :id document after the read check.
func (s *Server) readVersion(c echo.Context, n string) (negotiation.Version, error) {
	id, err := documentID(c)
	if err != nil {
		return negotiation.Version{}, err
	}
	number, err := versionNumber("version", n)
	if err != nil {
		return negotiation.Version{}, negotiation.Errorf(negotiation.ENotFound, "document %d has no version %q", id, n)
	}
	if err := s.authorize(c, actionRead, id); err != nil {
		return negotiation.Version{}, err
	}
	return s.store.Version(c.Request().Context(), id, number)
}

type diffResponse struct {
	From       int              `json:"from"`
	To         int              `json:"to"`
	Provisions []diff.Provision `json:"provisions"`
}

func (s *Server) apiDiff(c echo.Context) error {
	// Authorise before judging the parameters, so that a document the
	// viewer may not see answers 404 whatever is asked of it.
	id, err := documentID(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, actionRead, id); err != nil {
		return err
	}
	res, err := s.diffVersions(c, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// diffVersions reads ?from=&to= and diffs those two versions of a document
// the caller has already checked the viewer may read. A cached diff needs
// neither version to be loaded again: versions are immutable.
func (s *Server) diffVersions(c echo.Context, docID int64) (diffResponse, error) {
	var res diffResponse
	from, err := versionNumber("from", c.QueryParam("from"))
	if err != nil {
		return res, err
	}
	to, err := versionNumber("to", c.QueryParam("to"))
	if err != nil {
		return res, err
	}
	if from == to {
		return res, negotiation.Errorf(negotiation.EInvalid, "from and to are both version %d; choose two different versions", from)
	}
	provs, err := s.diffs.get(c.Request().Context(), s.store, docID, from, to)
	return diffResponse{From: from, To: to, Provisions: provs}, err
}
