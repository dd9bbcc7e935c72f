// Package store keeps zerodraft's data in PostgreSQL through a pgx v5 pool.
// One file per aggregate; every write runs in one transaction together with
// its audit event, and "not found" is an error, never a nil result.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/zerodraft/zerodraft/internal/jobs"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/migrations"
)

// Store is the database. It is safe for concurrent use.
type Store struct {
	pool *pgxpool.Pool
	dsn  string // the owner's address, for migrations
	log  *slog.Logger
	jobs *jobs.Client // inserts jobs inside the store's transactions; see UseJobs
	// submissions gathers concurrent proposal submissions into shared
	// transactions (CreateProposal).
	submissions *batcher[*submission]
	// tokenLookups gathers concurrent API token lookups into shared
	// queries (ViewerByToken).
	tokenLookups *batcher[*tokenLookup]
}

// UseJobs gives the store the job queue client with which it schedules work
// (the adoption at a silence deadline) inside its own transactions. Writes
// that need a job fail plainly until it is set.
func (s *Store) UseJobs(c *jobs.Client) { s.jobs = c }

// Open connects to the database at dsn and checks that it answers. The
// user of dsn owns the schema (it runs the migrations); the store's
// connections then work as AppRole, under the row-level rules, with the
// viewer of each context (WithViewer, AsSystem; none means the public).
func Open(ctx context.Context, dsn string, log *slog.Logger) (*Store, error) {
	return open(ctx, dsn, log, true)
}

// OpenAsOwner is Open without the switch to AppRole: the store works as
// the schema's owner, which (as a superuser, or without FORCE) the
// row-level rules do not bind. It exists for the tests and benchmarks that
// measure or check the application's own rules alone; the server never
// uses it.
func OpenAsOwner(ctx context.Context, dsn string, log *slog.Logger) (*Store, error) {
	return open(ctx, dsn, log, false)
}

func open(ctx context.Context, dsn string, log *slog.Logger, restricted bool) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database address: %w", err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	if err := withOwner(ctx, dsn, func(conn *pgx.Conn) error { return ensureAppRole(ctx, conn) }); err != nil {
		return nil, err
	}
	if restricted {
		cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
			_, err := conn.Exec(ctx, `SET ROLE `+AppRole)
			return err
		}
	}
	viewers := &connViewers{}
	cfg.PrepareConn, cfg.BeforeClose = viewers.prepare, viewers.forget
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	s := &Store{pool: pool, dsn: dsn, log: log}
	s.submissions, s.tokenLookups = s.newSubmissions(), s.newTokenLookups()
	if err := s.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return s, nil
}

// Close releases the pool's connections.
func (s *Store) Close() { s.pool.Close() }

// Pool gives the pool to code that needs raw access (tests, benchmarks).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Ping answers nil only when the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var one int
	return s.pool.QueryRow(ctx, "SELECT 1").Scan(&one)
}

// withOwner runs fn on a connection of the schema's owner (the user of
// dsn), outside the pool: migrations and grants need it.
func withOwner(ctx context.Context, dsn string, fn func(*pgx.Conn) error) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return fn(conn)
}

// Migrate applies the embedded migrations that are not yet applied, as
// the schema's owner, and grants the application's role the use of the
// tables.
func (s *Store) Migrate(ctx context.Context) error {
	return withOwner(ctx, s.dsn, func(conn *pgx.Conn) error {
		db := stdlib.OpenDB(*conn.Config())
		defer db.Close()
		provider, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		results, err := provider.Up(ctx)
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		for _, r := range results {
			s.log.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
		}
		// The job queue's tables come from River's own migrator, never
		// from a copy of its SQL, so they always match the River version
		// built in.
		if err := migrateJobs(ctx, s.dsn, s.log); err != nil {
			return err
		}
		if err := grantAppRole(ctx, conn); err != nil {
			return fmt.Errorf("grant the application role: %w", err)
		}
		return nil
	})
}

// inTx runs fn in a transaction and commits when fn returns nil. A write is
// acknowledged to the caller only after the commit succeeded.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return frozenError(pgx.BeginFunc(ctx, s.pool, fn))
}

// frozenError turns the database's refusal to change a frozen text (a
// document under silence or adopted; see migrations/00008_closing.sql)
// into a conflict whose message says why.
func frozenError(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "ZD001" {
		return negotiation.Errorf(negotiation.EConflict, "%s", pgErr.Message)
	}
	return err
}

// audit records a state change inside the transaction that makes it.
func audit(ctx context.Context, tx pgx.Tx, actor negotiation.Actor, action, objectType, objectID string, detail any) error {
	var actorID *int64
	if actor.UserID != 0 {
		actorID = &actor.UserID
	}
	if detail == nil {
		detail = map[string]any{}
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_events (actor_id, actor, action, object_type, object_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, actorID, actor.Name, action, objectType, objectID, detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// AuditEvent is one entry of the audit trail.
type AuditEvent struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	ActorID    *int64         `json:"actor_id,omitempty"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type"`
	ObjectID   string         `json:"object_id"`
	Detail     map[string]any `json:"detail"`
}

// AuditTrail returns the events about one object, oldest first.
func (s *Store) AuditTrail(ctx context.Context, objectType, objectID string) ([]AuditEvent, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+auditColumns+` FROM audit_events a
		WHERE a.object_type = $1 AND a.object_id = $2 ORDER BY a.id`, objectType, objectID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanAuditEvent)
}

// auditColumns are what scanAuditEvent reads of audit_events a.
const auditColumns = `a.id, a.at, a.actor_id, a.actor, a.action, a.object_type, a.object_id, a.detail`

func scanAuditEvent(r pgx.CollectableRow) (AuditEvent, error) {
	var e AuditEvent
	err := r.Scan(&e.ID, &e.At, &e.ActorID, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail)
	e.At = e.At.UTC()
	return e, err
}

// isUniqueViolation tells whether err is PostgreSQL's unique_violation on
// the named constraint or index.
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == constraint
}

// migrateJobs runs River's migrations as the schema's owner.
func migrateJobs(ctx context.Context, dsn string, log *slog.Logger) error {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect to database: %w", err)
	}
	defer pool.Close()
	return jobs.Migrate(ctx, pool, log)
}
