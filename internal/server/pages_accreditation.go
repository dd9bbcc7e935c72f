package server

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/zerodraft/zerodraft/internal/auth"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/oidcprovider"
	"github.com/zerodraft/zerodraft/internal/store"
)

// Observer accreditation: the public application form and the
// secretariat's decisions.

// applyForm is the application form, kept to refill it after an error
// (passwords excepted).
type applyForm struct {
	Organisation, Country, Website, ContactName, ContactEmail string
	// NewAccount: the applicant has no account and makes one on the
	// built-in provider with the form's password.
	NewAccount  bool
	MinPassword int
	Error       string
}

func (f applyForm) application() store.Application {
	return store.Application{Organisation: f.Organisation, Country: f.Country, Website: f.Website,
		ContactName: f.ContactName, ContactEmail: f.ContactEmail}
}

// whoApplies tells whether the visitor may apply and whether they need a
// new account for it. With the built-in provider anyone may apply and get
// an account; with an external one the applicant signs in first and
// applies with that account.
func (s *Server) whoApplies(c echo.Context) (newAccount bool, err error) {
	if !viewer(c).SignedIn() {
		if s.provider == nil {
			return false, negotiation.Errorf(negotiation.EUnauthorized, "sign in with your organisation's account, then apply")
		}
		return true, nil
	}
	return false, s.authorize(c, negotiation.ApplyAccreditation, 0)
}

func (s *Server) pageApply(c echo.Context) error {
	newAccount, err := s.whoApplies(c)
	if err != nil {
		return err
	}
	v := viewer(c)
	f := applyForm{NewAccount: newAccount, MinPassword: oidcprovider.MinPasswordLen}
	if v.SignedIn() {
		f.ContactName, f.ContactEmail = v.Name, v.Email
	}
	return s.render(c, http.StatusOK, "accreditation_apply", translator(c).T("apply.title"), &f)
}

// postApply stores an application, with a new account when the applicant
// has none, and confirms it.
func (s *Server) postApply(c echo.Context) error {
	f := applyForm{
		Organisation: c.FormValue("organisation"), Country: c.FormValue("country"), Website: c.FormValue("website"),
		ContactName: c.FormValue("contact_name"), ContactEmail: c.FormValue("contact_email"),
		MinPassword: oidcprovider.MinPasswordLen,
	}
	newAccount, err := s.whoApplies(c)
	if err != nil {
		return err
	}
	f.NewAccount = newAccount
	if err := s.submitApplication(c, f.application(), newAccount); err != nil {
		return s.formError(c, err, "accreditation_apply", translator(c).T("apply.title"), &f.Error, &f)
	}
	return c.Redirect(http.StatusSeeOther, "/accreditation/submitted")
}

// submitApplication checks every field before the password is hashed
// (which is slow on purpose), then stores everything in one transaction.
func (s *Server) submitApplication(c echo.Context, app store.Application, newAccount bool) error {
	if err := app.Normalize(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if !newAccount {
		_, err := s.store.ApplyAsUser(ctx, actor(c), viewer(c).UserID, app)
		return err
	}
	pw := c.FormValue("password")
	if err := oidcprovider.ValidatePassword(pw); err != nil {
		return negotiation.Errorf(negotiation.EInvalid, "%s", err)
	}
	if pw != c.FormValue("password_confirm") {
		return negotiation.Errorf(negotiation.EInvalid, "the two passwords differ; type the same password twice")
	}
	hash, err := oidcprovider.HashPassword(pw)
	if err != nil {
		return err
	}
	_, err = s.store.ApplyWithAccount(ctx, app, auth.BuiltinIssuer, hash)
	return err
}

// pageApplied confirms that an application was received.
func (s *Server) pageApplied(c echo.Context) error {
	return s.render(c, http.StatusOK, "accreditation_submitted", translator(c).T("applied.title"), nil)
}

// accreditationsPage is the secretariat's list: pending applications
// first, then decided ones.
type accreditationsPage struct {
	Pending      []store.Accreditation
	Decided      []store.Accreditation
	DefaultUntil string // the proposed end of an accreditation: a year from today
	Error        string
	Target       int64  // the application the error is about
	Reason       string // the rejection reason typed, kept after an error
	Until        string // the end date typed, kept after an error
}

func (s *Server) pageAccreditations(c echo.Context) error {
	if err := s.authorize(c, negotiation.ManageAccreditation, 0); err != nil {
		return err
	}
	p, err := s.accreditationsPage(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "admin_accreditations", translator(c).T("accr.title"), p)
}

func (s *Server) accreditationsPage(c echo.Context) (*accreditationsPage, error) {
	all, err := s.store.Accreditations(c.Request().Context())
	if err != nil {
		return nil, err
	}
	p := &accreditationsPage{DefaultUntil: s.now().UTC().AddDate(1, 0, 0).Format(dateLayout)}
	for _, a := range all {
		if a.Pending() {
			p.Pending = append(p.Pending, a)
		} else {
			p.Decided = append(p.Decided, a)
		}
	}
	return p, nil
}

// accreditationsError shows the list again with the message next to the
// application it is about.
func (s *Server) accreditationsError(c echo.Context, err error, id int64, reason, until string) error {
	p, perr := s.accreditationsPage(c)
	if perr != nil {
		return perr
	}
	p.Target, p.Reason, p.Until = id, reason, until
	return s.formError(c, err, "admin_accreditations", translator(c).T("accr.title"), &p.Error, p)
}

// dateLayout is how dates are typed in forms (and sent by date inputs).
const dateLayout = "2006-01-02"

// postApprove accredits an organisation until the given date (00:00 UTC).
func (s *Server) postApprove(c echo.Context) error {
	id, err := pathID(c, "application")
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ManageAccreditation, 0); err != nil {
		return err
	}
	until := strings.TrimSpace(c.FormValue("valid_until"))
	end, err := time.Parse(dateLayout, until)
	if err != nil {
		err = negotiation.Errorf(negotiation.EInvalid, "the end of the accreditation must be a date such as %s", s.now().UTC().AddDate(1, 0, 0).Format(dateLayout))
	} else if !end.After(s.now()) {
		err = negotiation.Errorf(negotiation.EInvalid, "the end of the accreditation must be after today")
	} else {
		_, err = s.store.ApproveAccreditation(c.Request().Context(), actor(c), id, end)
	}
	if err != nil {
		return s.accreditationsError(c, err, id, "", until)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/accreditations")
}

// postReject refuses an application with a required reason.
func (s *Server) postReject(c echo.Context) error {
	id, err := pathID(c, "application")
	if err != nil {
		return err
	}
	if err := s.authorize(c, negotiation.ManageAccreditation, 0); err != nil {
		return err
	}
	reason := c.FormValue("reason")
	if err := s.store.RejectAccreditation(c.Request().Context(), actor(c), id, reason); err != nil {
		return s.accreditationsError(c, err, id, reason, "")
	}
	return c.Redirect(http.StatusSeeOther, "/admin/accreditations")
}
