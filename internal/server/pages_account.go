package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

// Personal API tokens live at most a year; the form proposes 90 days.
const (
	maxTokenDays     = 365
	defaultTokenDays = 90
	maxTokenNameLen  = 100
)

// accountPage is what /account shows: who the viewer is, their API tokens,
// their accreditation applications and, to the head of a delegation, the
// delegation's suspended users.
type accountPage struct {
	RoleMsg      string // message id of the viewer's role, "" when unknown
	Tokens       []tokenRow
	Applications []store.Accreditation
	IsHead       bool
	Suspended    []negotiation.User
	Form         tokenForm
}

// tokenRow is a token with its state at the time of the page.
type tokenRow struct {
	store.APIToken
	State string // "active", "expired" or "revoked"
}

// tokenForm is the new-token form, kept to refill it after an error.
type tokenForm struct {
	Name, Days string
	Error      string
}

// createdToken is shown once, right after the token was made.
type createdToken struct {
	Name      string
	Token     string
	ExpiresAt time.Time
}

func (s *Server) pageAccount(c echo.Context) error {
	if err := s.authorize(c, negotiation.UseAccount, 0); err != nil {
		return err
	}
	p, err := s.accountPage(c, tokenForm{Days: strconv.Itoa(defaultTokenDays)})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "account", translator(c).T("account.title"), p)
}

// accountPage loads what the account page shows, with f as the token form.
func (s *Server) accountPage(c echo.Context, f tokenForm) (*accountPage, error) {
	v := viewer(c)
	ctx := c.Request().Context()
	tokens, err := s.store.APITokens(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	apps, err := s.store.UserAccreditations(ctx, v.UserID)
	if err != nil {
		return nil, err
	}
	p := &accountPage{RoleMsg: roleMessages[v.Role], Applications: apps, Form: f}
	now := s.now()
	for _, t := range tokens {
		state := "active"
		switch {
		case t.RevokedAt != nil:
			state = "revoked"
		case !now.Before(t.ExpiresAt):
			state = "expired"
		}
		p.Tokens = append(p.Tokens, tokenRow{APIToken: t, State: state})
	}
	if s.may(c, negotiation.ReadPartyUsers) {
		p.IsHead = true
		users, err := s.store.Users(ctx, v.PartyID)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.SuspendedAt != nil {
				p.Suspended = append(p.Suspended, u)
			}
		}
	}
	return p, nil
}

// may asks the authorisation check without recording a denial: for parts
// of a page that are shown only to some viewers.
func (s *Server) may(c echo.Context, action negotiation.Action) bool {
	return negotiation.Authorize(viewer(c), action, s.now()) == nil
}

// postToken makes a personal API token and shows it, once.
func (s *Server) postToken(c echo.Context) error {
	f := tokenForm{Name: c.FormValue("name"), Days: c.FormValue("days")}
	if err := s.authorize(c, negotiation.CreateToken, 0); err != nil {
		return err
	}
	name, days, err := checkTokenForm(f)
	if err == nil {
		token := auth.NewAPIToken()
		expires := s.now().Add(time.Duration(days) * 24 * time.Hour)
		if _, err = s.store.CreateAPIToken(c.Request().Context(), actor(c), viewer(c).UserID, name, auth.Hash(token), expires); err == nil {
			// The page holds a live secret: no cache may keep it.
			c.Response().Header().Set("Cache-Control", "no-store")
			return s.render(c, http.StatusOK, "token_created", translator(c).T("token.created.title"),
				createdToken{Name: name, Token: token, ExpiresAt: expires})
		}
	}
	p, perr := s.accountPage(c, f)
	if perr != nil {
		return perr
	}
	return s.formError(c, err, "account", translator(c).T("account.title"), &p.Form.Error, p)
}

// checkTokenForm reads a token's name and validity in days.
func checkTokenForm(f tokenForm) (string, int, error) {
	name := strings.TrimSpace(f.Name)
	if name == "" {
		return "", 0, negotiation.Errorf(negotiation.EInvalid, "give the token a name, such as the script that will use it")
	}
	if n := utf8.RuneCountInString(name); n > maxTokenNameLen || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", 0, negotiation.Errorf(negotiation.EInvalid, "the token's name must be one line of at most %d characters", maxTokenNameLen)
	}
	days, err := strconv.Atoi(strings.TrimSpace(f.Days))
	if err != nil || days < 1 || days > maxTokenDays {
		return "", 0, negotiation.Errorf(negotiation.EInvalid, "the validity must be a number of days from 1 to %d", maxTokenDays)
	}
	return name, days, nil
}

// postRevokeToken revokes one of the viewer's own tokens.
func (s *Server) postRevokeToken(c echo.Context) error {
	id, err := pathID(c, "token")
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.UseAccount, 0); err != nil {
		return err
	}
	if err := s.store.RevokeAPIToken(c.Request().Context(), actor(c), viewer(c).UserID, id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/account#tokens")
}

// pathID reads the :id path parameter of a user, token or application. A
// malformed id names nothing, so it is "not found".
func pathID(c echo.Context, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, negotiation.Errorf(negotiation.ENotFound, "%s %q not found", what, c.Param("id"))
	}
	return id, nil
}

// roleMessages gives the message id of each role's name.
var roleMessages = map[string]string{
	negotiation.RoleDelegate:       "role.delegate",
	negotiation.RoleHead:           "role.head",
	negotiation.RoleOfficer:        "role.officer",
	negotiation.RoleRepresentative: "role.representative",
}
