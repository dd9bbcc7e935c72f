// Package web holds the user interface's templates, static files and
// message catalogs, embedded so the binary carries them.
package web

import "embed"

// FS holds templates/, static/ and i18n/.
//
//go:embed templates static i18n
var FS embed.FS
