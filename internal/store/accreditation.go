package store

import (
	"context"
	"errors"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// Statuses of an accreditation.
const (
	AccreditationPending  = "pending"
	AccreditationApproved = "approved"
	AccreditationRejected = "rejected"
)

// Application is what an observer organisation submits to be accredited.
type Application struct {
	Organisation string
	Country      string
	Website      string // optional; an http(s) address
	ContactName  string
	ContactEmail string
}

// Limits on the fields of an application, in characters (bytes for the
// email address, as RFC 5321 counts).
const (
	MaxOrganisationLen = 200
	MaxCountryLen      = 100
	MaxWebsiteLen      = 500
	MaxContactNameLen  = 200
	MaxContactEmailLen = 254
	MaxReasonLen       = 1000
)

// Normalize trims an application and checks every field, so that a wrong
// one is refused before anything is written.
func (a *Application) Normalize() error {
	a.Organisation = strings.TrimSpace(a.Organisation)
	a.Country = strings.TrimSpace(a.Country)
	a.Website = strings.TrimSpace(a.Website)
	a.ContactName = strings.TrimSpace(a.ContactName)
	a.ContactEmail = strings.TrimSpace(a.ContactEmail)
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"the organisation", a.Organisation, MaxOrganisationLen},
		{"the country", a.Country, MaxCountryLen},
		{"the contact name", a.ContactName, MaxContactNameLen},
		{"the contact email address", a.ContactEmail, MaxContactEmailLen},
	} {
		if err := checkField(f.name, f.value, f.max); err != nil {
			return err
		}
	}
	if addr, err := mail.ParseAddress(a.ContactEmail); err != nil || addr.Address != a.ContactEmail ||
		len(a.ContactEmail) > MaxContactEmailLen || !strings.Contains(a.ContactEmail[strings.LastIndex(a.ContactEmail, "@"):], ".") {
		return negotiation.Errorf(negotiation.EInvalid, "%q is not an email address (name@example.org)", a.ContactEmail)
	}
	if a.Website != "" {
		if err := checkField("the website", a.Website, MaxWebsiteLen); err != nil {
			return err
		}
		u, err := url.Parse(a.Website)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			strings.ContainsAny(a.Website, " \t") {
			return negotiation.Errorf(negotiation.EInvalid, "the website must be an address starting with https:// or http://, such as https://example.org")
		}
	}
	return nil
}

// checkField refuses an empty, over-long or multi-line value.
func checkField(name, v string, max int) error {
	if v == "" {
		return negotiation.Errorf(negotiation.EInvalid, "%s is required", name)
	}
	if !utf8.ValidString(v) {
		return negotiation.Errorf(negotiation.EInvalid, "%s is not valid UTF-8 text", name)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return negotiation.Errorf(negotiation.EInvalid, "%s is %d characters long; the limit is %d", name, n, max)
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return negotiation.Errorf(negotiation.EInvalid, "%s contains a control character (line breaks and tabs are not allowed here)", name)
	}
	return nil
}

// Accreditation is an application together with the secretariat's
// decision on it.
type Accreditation struct {
	ID int64
	Application
	UserID     int64
	UserEmail  string
	Status     string
	Reason     string     // why it was rejected
	PartyID    int64      // the observer party, once approved
	PartyCode  string     // its code
	ValidUntil *time.Time // end of the accreditation, once approved
	DecidedBy  string     // who decided, by name
	DecidedAt  *time.Time
	CreatedAt  time.Time
}

// Pending tells whether the secretariat has yet to decide.
func (a Accreditation) Pending() bool { return a.Status == AccreditationPending }

// ApplyWithAccount stores an application from someone without an account:
// in one transaction it creates the built-in provider's account (email
// and name from the contact, passwordHash as given), the user it signs in
// as (issuer, subject = account id, no party, so no rights), and the
// pending application. An email address already in use is a conflict and
// nothing is written.
func (s *Store) ApplyWithAccount(ctx context.Context, app Application, issuer, passwordHash string) (Accreditation, error) {
	if err := app.Normalize(); err != nil {
		return Accreditation{}, err
	}
	conflict := negotiation.Errorf(negotiation.EConflict,
		"an account with the email address %s exists already; sign in with it, or use another address", app.ContactEmail)
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var accountID int64
		err := tx.QueryRow(ctx, `INSERT INTO local_accounts (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id`,
			app.ContactEmail, app.ContactName, passwordHash).Scan(&accountID)
		if isUniqueViolation(err, "local_accounts_email_key") {
			return conflict
		}
		if err != nil {
			return err
		}
		applicant := negotiation.Actor{Name: app.ContactEmail + " (applicant)"}
		if err := audit(ctx, tx, applicant, "local_account.create", "local_account", strconv.FormatInt(accountID, 10),
			map[string]any{"email": app.ContactEmail, "name": app.ContactName}); err != nil {
			return err
		}
		userID, err := createUser(ctx, tx, applicant, NewUser{Email: app.ContactEmail, Name: app.ContactName,
			Issuer: issuer, Subject: strconv.FormatInt(accountID, 10)})
		if negotiation.ErrorCode(err) == negotiation.EConflict {
			return conflict
		}
		if err != nil {
			return err
		}
		id, err = insertApplication(ctx, tx, negotiation.Actor{UserID: userID, Name: app.ContactEmail}, userID, app)
		return err
	})
	if err != nil {
		return Accreditation{}, err
	}
	return s.Accreditation(ctx, id)
}

// ApplyAsUser stores an application from a user who is signed in already
// (with an external provider, or an observer renewing). A user who acts
// for another kind of party, or who has an application pending, is
// refused.
func (s *Store) ApplyAsUser(ctx context.Context, actor negotiation.Actor, userID int64, app Application) (Accreditation, error) {
	if err := app.Normalize(); err != nil {
		return Accreditation{}, err
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// Locking the user serialises two submissions of the same form.
		var kind string
		err := tx.QueryRow(ctx, `SELECT coalesce(p.kind, '') FROM users u LEFT JOIN parties p ON p.id = u.party_id
			WHERE u.id = $1 FOR UPDATE OF u`, userID).Scan(&kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return negotiation.Errorf(negotiation.ENotFound, "no such user")
		}
		if err != nil {
			return err
		}
		if kind != "" && kind != string(negotiation.PartyObserver) {
			return negotiation.Errorf(negotiation.EConflict, "this account acts for a %s already; observer accreditation is for organisations", kind)
		}
		var pending bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accreditations WHERE user_id = $1 AND status = 'pending')`,
			userID).Scan(&pending); err != nil {
			return err
		}
		if pending {
			return negotiation.Errorf(negotiation.EConflict, "you have an application pending already; the secretariat will decide on it")
		}
		id, err = insertApplication(ctx, tx, actor, userID, app)
		return err
	})
	if err != nil {
		return Accreditation{}, err
	}
	return s.Accreditation(ctx, id)
}

func insertApplication(ctx context.Context, tx pgx.Tx, actor negotiation.Actor, userID int64, app Application) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO accreditations (user_id, organisation, country, website, contact_name, contact_email)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		userID, app.Organisation, app.Country, app.Website, app.ContactName, app.ContactEmail).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, audit(ctx, tx, actor, "accreditation.apply", "accreditation", strconv.FormatInt(id, 10),
		map[string]any{"user_id": userID, "organisation": app.Organisation, "country": app.Country,
			"website": app.Website, "contact_name": app.ContactName, "contact_email": app.ContactEmail})
}

const accreditationSelect = `SELECT a.id, a.organisation, a.country, a.website, a.contact_name, a.contact_email,
	a.user_id, u.email, a.status, a.reason, coalesce(a.party_id, 0), coalesce(p.code, ''), a.valid_until,
	coalesce(d.name, ''), a.decided_at, a.created_at
	FROM accreditations a JOIN users u ON u.id = a.user_id
	LEFT JOIN parties p ON p.id = a.party_id LEFT JOIN users d ON d.id = a.decided_by`

func scanAccreditation(r pgx.CollectableRow) (Accreditation, error) {
	var a Accreditation
	err := r.Scan(&a.ID, &a.Organisation, &a.Country, &a.Website, &a.ContactName, &a.ContactEmail,
		&a.UserID, &a.UserEmail, &a.Status, &a.Reason, &a.PartyID, &a.PartyCode, &a.ValidUntil,
		&a.DecidedBy, &a.DecidedAt, &a.CreatedAt)
	return a, err
}

// Accreditations lists every application: pending ones first, oldest
// first, then decided ones, latest decision first.
func (s *Store) Accreditations(ctx context.Context) ([]Accreditation, error) {
	rows, err := s.pool.Query(ctx, accreditationSelect+` ORDER BY a.status <> 'pending',
		CASE WHEN a.status = 'pending' THEN a.id END, a.decided_at DESC NULLS LAST, a.id DESC`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAccreditation)
}

// UserAccreditations lists a user's own applications, newest first.
func (s *Store) UserAccreditations(ctx context.Context, userID int64) ([]Accreditation, error) {
	rows, err := s.pool.Query(ctx, accreditationSelect+` WHERE a.user_id = $1 ORDER BY a.id DESC`, userID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAccreditation)
}

// Accreditation returns one application.
func (s *Store) Accreditation(ctx context.Context, id int64) (Accreditation, error) {
	rows, err := s.pool.Query(ctx, accreditationSelect+` WHERE a.id = $1`, id)
	if err != nil {
		return Accreditation{}, err
	}
	a, err := pgx.CollectExactlyOneRow(rows, scanAccreditation)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, negotiation.Errorf(negotiation.ENotFound, "no such application")
	}
	return a, err
}

// ApproveAccreditation accredits an organisation until validUntil. In one
// transaction it creates an observer party named after the organisation
// (with a generated code), links the applicant to it as its
// representative, and records the decision. An observer renewing keeps
// their party. Only a pending application can be decided.
func (s *Store) ApproveAccreditation(ctx context.Context, actor negotiation.Actor, id int64, validUntil time.Time) (Accreditation, error) {
	if !validUntil.After(time.Now()) {
		return Accreditation{}, negotiation.Errorf(negotiation.EInvalid, "the accreditation must end in the future")
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := lockPending(ctx, tx, id)
		if err != nil {
			return err
		}
		var partyID int64
		var kind string
		if err := tx.QueryRow(ctx, `SELECT coalesce(p.id, 0), coalesce(p.kind, '') FROM users u
			LEFT JOIN parties p ON p.id = u.party_id WHERE u.id = $1 FOR UPDATE OF u`, a.UserID).Scan(&partyID, &kind); err != nil {
			return err
		}
		switch kind {
		case string(negotiation.PartyObserver):
			// A renewal: the organisation keeps its party.
		case "":
			p, err := createObserverParty(ctx, tx, actor, a)
			if err != nil {
				return err
			}
			partyID = p.ID
			if _, err := tx.Exec(ctx, `UPDATE users SET party_id = $2, role = $3 WHERE id = $1`,
				a.UserID, partyID, negotiation.RoleRepresentative); err != nil {
				return err
			}
			if err := audit(ctx, tx, actor, "user.set_party", "user", strconv.FormatInt(a.UserID, 10),
				map[string]any{"party_id": partyID, "role": negotiation.RoleRepresentative}); err != nil {
				return err
			}
		default:
			return negotiation.Errorf(negotiation.EConflict,
				"the applicant %s acts for a %s party now; reject the application, or unlink the user first", a.UserEmail, kind)
		}
		if _, err := tx.Exec(ctx, `UPDATE accreditations SET status = 'approved', party_id = $2, valid_until = $3,
			decided_by = $4, decided_at = now() WHERE id = $1`, id, partyID, validUntil, nullID(actor.UserID)); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "accreditation.approve", "accreditation", strconv.FormatInt(id, 10),
			map[string]any{"party_id": partyID, "valid_until": validUntil, "user_id": a.UserID})
	})
	if err != nil {
		return Accreditation{}, err
	}
	return s.Accreditation(ctx, id)
}

// RejectAccreditation refuses an application; the reason is required and
// shown to the applicant.
func (s *Store) RejectAccreditation(ctx context.Context, actor negotiation.Actor, id int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return negotiation.Errorf(negotiation.EInvalid, "a rejection needs a reason")
	}
	if n := utf8.RuneCountInString(reason); n > MaxReasonLen {
		return negotiation.Errorf(negotiation.EInvalid, "the reason is %d characters long; the limit is %d", n, MaxReasonLen)
	}
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := lockPending(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accreditations SET status = 'rejected', reason = $2,
			decided_by = $3, decided_at = now() WHERE id = $1`, id, reason, nullID(actor.UserID)); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "accreditation.reject", "accreditation", strconv.FormatInt(id, 10),
			map[string]any{"reason": reason})
	})
}

// lockPending locks an application that has yet to be decided.
func lockPending(ctx context.Context, tx pgx.Tx, id int64) (Accreditation, error) {
	var a Accreditation
	err := tx.QueryRow(ctx, `SELECT id, user_id, organisation, status FROM accreditations WHERE id = $1 FOR UPDATE`, id).
		Scan(&a.ID, &a.UserID, &a.Organisation, &a.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, negotiation.Errorf(negotiation.ENotFound, "no such application")
	}
	if err != nil {
		return a, err
	}
	if a.Status != AccreditationPending {
		return a, negotiation.Errorf(negotiation.EConflict, "this application was %s already", a.Status)
	}
	err = tx.QueryRow(ctx, `SELECT email FROM users WHERE id = $1`, a.UserID).Scan(&a.UserEmail)
	return a, err
}

// createObserverParty makes the party of a newly accredited organisation.
// Its code is OBS- and the organisation's initials (OBS-CFIEL for the
// Center for International Environmental Law), or OBS- and the
// application's number when the name has no Latin initials; a code taken
// already gets a number appended.
func createObserverParty(ctx context.Context, tx pgx.Tx, actor negotiation.Actor, a Accreditation) (negotiation.Party, error) {
	base := "OBS-" + initials(a.Organisation, 10)
	if base == "OBS-" {
		base += strconv.FormatInt(a.ID, 10)
	}
	p := negotiation.Party{Name: a.Organisation, Kind: negotiation.PartyObserver}
	for n := 1; n <= 100; n++ {
		p.Code = base
		if n > 1 {
			p.Code += "-" + strconv.Itoa(n)
		}
		if err := p.Normalize(); err != nil {
			return p, err
		}
		err := tx.QueryRow(ctx, `INSERT INTO parties (code, name, kind) VALUES ($1, $2, $3)
			ON CONFLICT DO NOTHING RETURNING id`, p.Code, p.Name, string(p.Kind)).Scan(&p.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			continue // the code is taken
		}
		if err != nil {
			return p, err
		}
		return p, audit(ctx, tx, actor, "party.create", "party", strconv.FormatInt(p.ID, 10),
			map[string]any{"code": p.Code, "name": p.Name, "kind": p.Kind, "accreditation_id": a.ID})
	}
	return p, negotiation.Errorf(negotiation.EConflict, "no free party code for %s; add the party by hand", a.Organisation)
}

// initials returns the upper-case Latin initials of name's words, at most
// max of them.
func initials(name string, max int) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		r, _ := utf8.DecodeRuneInString(w)
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(unicode.ToUpper(r))
		}
		if b.Len() == max {
			break
		}
	}
	return b.String()
}
