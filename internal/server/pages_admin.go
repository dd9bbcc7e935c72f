package server

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// The secretariat's pages for parties and users.

// kindOrder is the order in which party kinds are listed.
var kindOrder = []negotiation.PartyKind{
	negotiation.PartySecretariat, negotiation.PartyState, negotiation.PartyGroup, negotiation.PartyObserver,
}

// partiesPage lists the parties by kind, with the form to add one.
type partiesPage struct {
	Kinds  []partyKindList
	Form   partyForm
	Choice []negotiation.PartyKind // the kinds the form offers
}

type partyKindList struct {
	Kind    negotiation.PartyKind
	Parties []negotiation.Party
}

// partyForm is the new-party form, kept to refill it after an error.
type partyForm struct {
	Code, Name, Kind, Members string
	Error                     string
}

func (s *Server) pageParties(c echo.Context) error {
	if err := s.authorize(c, negotiation.ManageParties, 0); err != nil {
		return err
	}
	p, err := s.partiesPage(c, partyForm{Kind: string(negotiation.PartyState)})
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_parties", translator(c).T("parties.title"), p)
}

func (s *Server) partiesPage(c echo.Context, f partyForm) (*partiesPage, error) {
	parties, err := s.store.Parties(c.Request().Context())
	if err != nil {
		return nil, err
	}
	p := &partiesPage{Form: f, Choice: kindOrder}
	for _, k := range kindOrder {
		l := partyKindList{Kind: k}
		for _, party := range parties {
			if party.Kind == k {
				l.Parties = append(l.Parties, party)
			}
		}
		p.Kinds = append(p.Kinds, l)
	}
	return p, nil
}

// postParty adds a party; a group's members are given as comma-separated
// codes of states that exist already.
func (s *Server) postParty(c echo.Context) error {
	f := partyForm{Code: c.FormValue("code"), Name: c.FormValue("name"), Kind: c.FormValue("kind"), Members: c.FormValue("members")}
	if err := s.authorize(c, negotiation.ManageParties, 0); err != nil {
		return err
	}
	members := strings.FieldsFunc(f.Members, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
	_, err := s.store.CreateParty(c.Request().Context(), actor(c), negotiation.Party{
		Code: f.Code, Name: f.Name, Kind: negotiation.PartyKind(f.Kind), Members: members,
	})
	if err != nil {
		p, perr := s.partiesPage(c, f)
		if perr != nil {
			return perr
		}
		return s.formError(c, err, "admin_parties", translator(c).T("parties.title"), &p.Form.Error, p)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/parties")
}

// usersPage lists users: those waiting to be linked to a party first
// (people who signed in through a provider and got no rights), then the
// others by party.
type usersPage struct {
	Sections []userSection
	Parties  []negotiation.Party
	Roles    []roleOption
	Self     int64 // the viewer, who may not suspend themselves
	Error    string
	Target   int64  // the user the error is about
	Reason   string // the suspension reason typed, kept after an error
}

// userSection is one list of users under a heading (message ids).
type userSection struct {
	Title, Intro string
	Users        []userRow
}

type userRow struct {
	negotiation.User
	RoleMsg string
}

type roleOption struct{ Value, Msg string }

// roles are the roles the secretariat can give; "" gives the default role
// of the party's kind.
var roles = []string{negotiation.RoleDelegate, negotiation.RoleHead, negotiation.RoleOfficer, negotiation.RoleRepresentative}

func (s *Server) pageUsers(c echo.Context) error {
	if err := s.authorize(c, negotiation.ManageUsers, 0); err != nil {
		return err
	}
	p, err := s.usersPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_users", translator(c).T("users.title"), p)
}

func (s *Server) usersPage(c echo.Context) (*usersPage, error) {
	ctx := c.Request().Context()
	users, err := s.store.Users(ctx, 0)
	if err != nil {
		return nil, err
	}
	parties, err := s.store.Parties(ctx)
	if err != nil {
		return nil, err
	}
	p := &usersPage{Parties: parties, Self: viewer(c).UserID}
	for _, r := range roles {
		p.Roles = append(p.Roles, roleOption{Value: r, Msg: roleMessages[r]})
	}
	waiting := userSection{Title: "users.waiting", Intro: "users.waitingintro"}
	linked := userSection{Title: "users.linked"}
	for _, u := range users {
		row := userRow{User: u, RoleMsg: roleMessages[u.Role]}
		if u.PartyID == 0 {
			waiting.Users = append(waiting.Users, row)
		} else {
			linked.Users = append(linked.Users, row)
		}
	}
	p.Sections = []userSection{waiting, linked}
	return p, nil
}

// usersError shows the users page again with the message next to the
// user it is about.
func (s *Server) usersError(c echo.Context, err error, userID int64, reason string) error {
	p, perr := s.usersPage(c)
	if perr != nil {
		return perr
	}
	p.Target, p.Reason = userID, reason
	return s.formError(c, err, "admin_users", translator(c).T("users.title"), &p.Error, p)
}

// postUserParty links a user to a party with a role, or unlinks them
// (party 0), which takes their rights away.
func (s *Server) postUserParty(c echo.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ManageUsers, 0); err != nil {
		return err
	}
	partyID, role, err := s.readPartyRole(c)
	if err == nil {
		err = s.store.SetUserParty(c.Request().Context(), actor(c), id, partyID, role)
	}
	if err != nil {
		return s.usersError(c, err, id, "")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users#user-"+strconv.FormatInt(id, 10))
}

// readPartyRole reads the link form: a party id (0 for none) and a role
// ("" for the party kind's default).
func (s *Server) readPartyRole(c echo.Context) (int64, string, error) {
	partyID, err := strconv.ParseInt(c.FormValue("party"), 10, 64)
	if err != nil || partyID < 0 {
		return 0, "", negotiation.Errorf(negotiation.EInvalid, "choose a party from the list")
	}
	role := strings.TrimSpace(c.FormValue("role"))
	if partyID == 0 {
		return 0, "", nil
	}
	parties, err := s.store.Parties(c.Request().Context())
	if err != nil {
		return 0, "", err
	}
	for _, p := range parties {
		if p.ID != partyID {
			continue
		}
		if role == "" {
			return partyID, negotiation.DefaultRole(p.Kind), nil
		}
		for _, r := range roles {
			if r == role {
				return partyID, role, nil
			}
		}
		return 0, "", negotiation.Errorf(negotiation.EInvalid, "%q is not a role; choose one from the list", role)
	}
	return 0, "", negotiation.Errorf(negotiation.EInvalid, "choose a party from the list")
}

// postSuspendUser suspends a user with a required reason; their sessions
// and tokens die at once, and the head of their delegation sees why.
func (s *Server) postSuspendUser(c echo.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ManageUsers, 0); err != nil {
		return err
	}
	reason := c.FormValue("reason")
	if id == viewer(c).UserID {
		err = negotiation.Errorf(negotiation.EInvalid, "you cannot suspend your own account")
	} else {
		err = s.store.SuspendUser(c.Request().Context(), actor(c), id, reason)
	}
	if err != nil {
		return s.usersError(c, err, id, reason)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users#user-"+strconv.FormatInt(id, 10))
}

// postReinstateUser lifts a suspension; tokens revoked by it stay revoked.
func (s *Server) postReinstateUser(c echo.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ManageUsers, 0); err != nil {
		return err
	}
	if err := s.store.ReinstateUser(c.Request().Context(), actor(c), id); err != nil {
		return s.usersError(c, err, id, "")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users#user-"+strconv.FormatInt(id, 10))
}

// postRevokeUserSessions signs a user out everywhere.
func (s *Server) postRevokeUserSessions(c echo.Context) error {
	id, err := pathID(c, "user")
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ManageUsers, 0); err != nil {
		return err
	}
	if err := s.store.RevokeSessions(c.Request().Context(), actor(c), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users#user-"+strconv.FormatInt(id, 10))
}
