package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// AppRole is the role the application works as: it owns no table and
// cannot bypass row-level security, so the database's own copy of the
// disclosure rules (migrations/00009_backstop.sql) binds every query.
const AppRole = "zerodraft_app"

// dbViewer is the viewer as the database's row-level rules see it.
type dbViewer struct {
	v      negotiation.Viewer
	system bool
	clock  func() time.Time
	// unruled marks work that reads no table under the row-level rules
	// (see outsideRowRules): the connection keeps whatever viewer it had.
	unruled bool
}

type viewerKey struct{}

// WithViewer returns a context whose database work is done as v: every
// connection the store takes for it first tells PostgreSQL who v is, and
// the row-level rules filter by that. clock, if not nil, is a clock for
// the rules to judge embargoes by (tests); nil means the database's own
// clock, on the same time as the server's.
func WithViewer(ctx context.Context, v negotiation.Viewer, clock func() time.Time) context.Context {
	return context.WithValue(ctx, viewerKey{}, dbViewer{v: v, clock: clock})
}

// AsSystem returns a context for the server's own work that no viewer
// asked for (publishing live events, adopting at a deadline, seeding a
// demonstration, administrative commands): it sees every row.
func AsSystem(ctx context.Context) context.Context {
	return context.WithValue(ctx, viewerKey{}, dbViewer{system: true})
}

// outsideRowRules returns a context for the store's own queries that read
// no table under the row-level rules (users, parties, sessions, tokens):
// taking a connection for them sets no viewer, so that identifying the
// viewer of a request, before its viewer is known, does not cost two
// changes of the connection's viewer (to the public's, then back). Only
// for fixed queries of this package; never for content.
func outsideRowRules(ctx context.Context) context.Context {
	return context.WithValue(ctx, viewerKey{}, dbViewer{unruled: true})
}

// settings are the values of zerodraft.kind, .party, .audiences and .now
// for the context's viewer ("" for .now: the database's clock). A context
// without a viewer is the public's.
func settings(ctx context.Context) [4]string {
	dv, ok := ctx.Value(viewerKey{}).(dbViewer)
	if !ok {
		return [4]string{"", "", string(negotiation.AudPublic), ""}
	}
	if dv.system {
		return [4]string{"system", "", "", ""}
	}
	now, at := time.Now(), ""
	if dv.clock != nil {
		now = dv.clock()
		at = now.UTC().Format(time.RFC3339Nano)
	}
	party := ""
	if dv.v.PartyID != 0 {
		party = strconv.FormatInt(dv.v.PartyID, 10)
	}
	var auds []string
	for _, a := range negotiation.AudiencesOf(dv.v, now) {
		auds = append(auds, string(a))
	}
	return [4]string{string(dv.v.PartyKind), party, strings.Join(auds, ","), at}
}

// connViewers remembers which viewer each pooled connection was last set
// to, so that taking a connection for the same viewer again costs no
// round trip.
type connViewers struct{ last sync.Map } // *pgx.Conn → [4]string

// prepare tells PostgreSQL who the viewer is each time a connection is
// taken from the pool (unless it was set to the same viewer last time), so
// that no connection carries an earlier request's viewer into a later one.
func (cv *connViewers) prepare(ctx context.Context, conn *pgx.Conn) (bool, error) {
	if dv, ok := ctx.Value(viewerKey{}).(dbViewer); ok && dv.unruled {
		return true, nil
	}
	s := settings(ctx)
	if last, ok := cv.last.Load(conn); ok && last.([4]string) == s {
		return true, nil
	}
	cv.last.Delete(conn)
	_, err := conn.Exec(ctx, setViewerSQL, s[0], s[1], s[2], s[3], false)
	if err != nil {
		return false, fmt.Errorf("set the viewer on a database connection: %w", err)
	}
	cv.last.Store(conn, s)
	return true, nil
}

// setViewerSQL sets the viewer ($1-$4: settings), for the session or, with
// $5 true, for the current transaction only.
const setViewerSQL = `SELECT set_config('zerodraft.kind', $1, $5), set_config('zerodraft.party', $2, $5),
	set_config('zerodraft.audiences', $3, $5), set_config('zerodraft.now', $4, $5)`

// forget drops a closed connection.
func (cv *connViewers) forget(conn *pgx.Conn) { cv.last.Delete(conn) }

// ensureAppRole makes the application's role if the cluster lacks it and
// lets the connecting (owner) role switch to it. Several databases of one
// cluster (the tests') may race to make it.
func ensureAppRole(ctx context.Context, conn *pgx.Conn) error {
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, AppRole).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		_, err := conn.Exec(ctx, `CREATE ROLE `+AppRole+` NOLOGIN NOBYPASSRLS`)
		var pgErr *pgconn.PgError
		if err != nil && !(errors.As(err, &pgErr) && (pgErr.Code == "42710" || pgErr.Code == "23505")) {
			return fmt.Errorf("create the database role %s (the database user needs CREATEROLE once, or an administrator creates it: CREATE ROLE %s NOLOGIN; GRANT %s TO <user>): %w",
				AppRole, AppRole, AppRole, err)
		}
	}
	var member bool
	if err := conn.QueryRow(ctx, `SELECT pg_has_role(current_user, $1, 'MEMBER')`, AppRole).Scan(&member); err != nil {
		return err
	}
	if !member {
		if _, err := conn.Exec(ctx, `GRANT `+AppRole+` TO CURRENT_USER`); err != nil {
			return fmt.Errorf("let the database user act as %s: %w", AppRole, err)
		}
	}
	return nil
}

// grantAppRole gives the application's role the use of every table (the
// row-level rules then decide which rows), after migrations.
func grantAppRole(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, `GRANT USAGE ON SCHEMA public TO `+AppRole+`;
		GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO `+AppRole+`;
		GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO `+AppRole)
	return err
}
