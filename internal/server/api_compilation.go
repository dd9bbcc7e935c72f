package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/compilation"
	"github.com/zerodraft/zerodraft/internal/drafting"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/plaintext"
	"github.com/zerodraft/zerodraft/internal/store"
)

// compile builds the compilation text of the current version for the
// viewer: the proposals the viewer may see (never another delegation's
// drafts), filtered by ?party=A,B and ?status=tabled,….
func (s *Server) compile(c echo.Context) (negotiation.Document, compilation.Compilation, error) {
	d, err := s.readDocument(c)
	if err != nil {
		return d, compilation.Compilation{}, err
	}
	ctx := c.Request().Context()
	v, err := s.store.Version(ctx, d.ID, d.Latest())
	if err != nil {
		return d, compilation.Compilation{}, err
	}
	ps, err := s.proposals(c, d.ID)
	if err != nil {
		return d, compilation.Compilation{}, err
	}
	statuses, err := s.store.ProvisionStatuses(ctx, d.ID)
	if err != nil {
		return d, compilation.Compilation{}, err
	}
	reserved, err := s.store.ProvisionReservations(ctx, d.ID)
	if err != nil {
		return d, compilation.Compilation{}, err
	}
	for _, key := range reserved {
		// A reservation keeps a provision in brackets unless the chair has
		// explicitly decided its status.
		if _, decided := statuses[key]; !decided {
			statuses[key] = negotiation.StatusBracketed
		}
	}
	return d, compilation.Compile(v, ps, statuses, filterFrom(c)), nil
}

func filterFrom(c echo.Context) compilation.Filter {
	var f compilation.Filter
	for _, p := range strings.Split(c.QueryParam("party"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			f.Parties = append(f.Parties, strings.ToUpper(p))
		}
	}
	for _, st := range strings.Split(c.QueryParam("status"), ",") {
		if st = strings.TrimSpace(st); st != "" {
			f.Statuses = append(f.Statuses, negotiation.ProposalStatus(st))
		}
	}
	return f
}

func (s *Server) apiCompilation(c echo.Context) error {
	_, comp, err := s.compile(c)
	if err != nil {
		return err
	}
	if c.QueryParam("format") == "text" {
		return c.String(http.StatusOK, compilation.Text(comp))
	}
	return c.JSON(http.StatusOK, comp)
}

type revisionRequest struct {
	Label       string  `json:"label"`
	Incorporate []int64 `json:"incorporate"`
	NotRetained []int64 `json:"not_retained"`
}

func (s *Server) apiCreateRevision(c echo.Context) error {
	d, err := s.readDocument(c)
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.IssueRevision, d.ID); err != nil {
		return err
	}
	var req revisionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Label != "" {
		if err := negotiation.CheckLabel(req.Label); err != nil {
			return err
		}
	}
	v, err := s.store.IssueRevision(c.Request().Context(), viewer(c).Actor(), d.ID, req.Label, req.Incorporate, req.NotRetained, revise)
	if err != nil {
		return err
	}
	go s.warmDiff(d.ID, v.Number-1, v.Number)
	return created(c, map[string]any{"number": v.Number, "label": v.Label})
}

// revise folds the incorporated proposals into the base text and carries
// the others forward onto the result.
func revise(base negotiation.Version, inc, others []negotiation.Proposal, used map[string]bool) (store.Revision, error) {
	provs, provenance, err := compilation.Revise(base.Provisions, inc, drafting.KeyMaker(used))
	if err != nil {
		return store.Revision{}, err
	}
	rev := store.Revision{Provisions: provs, Provenance: provenance, Warnings: plaintext.Brackets(provs)}
	for _, p := range others {
		rev.Carried = append(rev.Carried, compilation.CarryForward(p, provs, base.Number+1))
	}
	return rev, nil
}
