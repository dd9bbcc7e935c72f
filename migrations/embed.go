// Package migrations holds the numbered, forward-only SQL migrations of the
// database schema, embedded so the binary carries them. Never edit a file
// that has landed; add a new one.
package migrations

import "embed"

// FS holds the *.sql migration files, applied in order by goose.
//
//go:embed *.sql
var FS embed.FS
