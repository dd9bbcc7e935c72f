package pgcluster

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// minMajor is the oldest PostgreSQL this package supports: initdb's
// --no-instructions and DROP DATABASE … WITH (FORCE) arrived in 13.
const minMajor = 13

// ErrNoBinaries is returned when PostgreSQL's programs cannot be found.
var ErrNoBinaries = errors.New("pgcluster: PostgreSQL's initdb, pg_ctl and postgres were not found on PATH " +
	"or in the usual install locations, and zerodraft needs them to run its embedded database; " +
	"install PostgreSQL (e.g. `apt install postgresql` on Debian/Ubuntu, `brew install postgresql@16` on macOS) " +
	"or set DATABASE_URL to point at a PostgreSQL server")

// binaryNames are the programs that must all sit in one directory.
var binaryNames = []string{"initdb", "pg_ctl", "postgres"}

// FindBinaries returns the first directory holding initdb, pg_ctl and
// postgres, searching PATH and then the usual install locations of Debian,
// Ubuntu, RHEL and Homebrew. It returns ErrNoBinaries if there is none.
func FindBinaries() (dir string, err error) {
	return findBinaries(os.Getenv("PATH"), knownDirs())
}

// findBinaries is FindBinaries with the search list given explicitly.
func findBinaries(pathList string, known []string) (string, error) {
	dirs := binaryDirs(pathList, known)
	if len(dirs) == 0 {
		return "", ErrNoBinaries
	}
	return dirs[0], nil
}

// binaryDirs lists, in search order and without repeats, every directory of
// PATH and of known that holds all of binaryNames. Relative PATH entries are
// skipped: the server must not depend on the current directory.
func binaryDirs(pathList string, known []string) []string {
	var dirs []string
	for _, dir := range append(filepath.SplitList(pathList), known...) {
		dir = filepath.Clean(dir)
		if filepath.IsAbs(dir) && !slices.Contains(dirs, dir) && hasBinaries(dir) {
			dirs = append(dirs, dir)
		}
	}
	return dirs
}

// hasBinaries reports whether dir holds all of binaryNames as executables.
func hasBinaries(dir string) bool {
	for _, name := range binaryNames {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || !info.Mode().IsRegular() || info.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// knownDirs lists where packages put PostgreSQL when it is not on PATH
// (Debian keeps only wrappers in /usr/bin), newest version first.
func knownDirs() []string {
	var dirs []string
	for _, pattern := range []string{
		"/usr/lib/postgresql/*/bin",          // Debian, Ubuntu
		"/usr/pgsql-*/bin",                   // RHEL, Fedora (PGDG packages)
		"/opt/homebrew/opt/postgresql@*/bin", // Homebrew on Apple silicon
		"/usr/local/opt/postgresql@*/bin",    // Homebrew on Intel
	} {
		matches, _ := filepath.Glob(pattern)
		slices.SortFunc(matches, func(a, b string) int {
			return cmp.Compare(pathVersion(b), pathVersion(a))
		})
		dirs = append(dirs, matches...)
	}
	return append(dirs,
		"/opt/homebrew/bin",
		"/usr/local/bin",
		"/opt/homebrew/opt/postgresql/bin",
		"/usr/local/opt/postgresql/bin",
		"/usr/local/pgsql/bin", // built from source
		"/Applications/Postgres.app/Contents/Versions/latest/bin",
	)
}

// pathVersion is the number that ends the parent of a bin directory, such
// as 16 in postgresql@16/bin, or 0.
func pathVersion(binDir string) int {
	name := filepath.Base(filepath.Dir(binDir))
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	v, _ := strconv.Atoi(name[i:])
	return v
}

// chooseBinaries picks the binaries to run. An existing cluster can only be
// run by its own major version, which matters after a package upgrade put a
// newer PostgreSQL first on PATH.
func (c *Cluster) chooseBinaries() (string, error) {
	dirs := binaryDirs(os.Getenv("PATH"), knownDirs())
	if c.binDir != "" {
		// An explicit directory is the only place looked at, so a user who
		// names one never silently gets another PostgreSQL.
		dirs = binaryDirs("", []string{c.binDir})
	}
	if len(dirs) == 0 {
		return "", ErrNoBinaries
	}
	want := clusterMajor(c.pgdata)
	dir, err := pickBinaries(dirs, want, binaryMajor)
	switch {
	case err == nil:
		return dir, nil
	case want != 0:
		return "", fmt.Errorf("pgcluster: the cluster in %s was made by PostgreSQL %d: install PostgreSQL %d too, or upgrade the cluster with pg_upgrade: %w",
			c.pgdata, want, want, err)
	default:
		return "", fmt.Errorf("pgcluster: %w", err)
	}
}

// pickBinaries returns the first of dirs whose PostgreSQL is supported and,
// if want is not 0, of major version want.
func pickBinaries(dirs []string, want int, major func(dir string) (int, error)) (string, error) {
	var seen []string
	for _, dir := range dirs {
		v, err := major(dir)
		if err != nil {
			seen = append(seen, fmt.Sprintf("%s (%v)", dir, err))
			continue
		}
		if v >= minMajor && (want == 0 || v == want) {
			return dir, nil
		}
		seen = append(seen, fmt.Sprintf("%s (PostgreSQL %d)", dir, v))
	}
	return "", fmt.Errorf("no suitable PostgreSQL (%d or newer) among %s", minMajor, strings.Join(seen, ", "))
}

// clusterMajor is the major version recorded in PGDATA, or 0 if there is
// no cluster yet.
func clusterMajor(pgdata string) int {
	data, err := os.ReadFile(filepath.Join(pgdata, "PG_VERSION"))
	if err != nil {
		return 0
	}
	v, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return v
}

// binaryMajor asks pg_ctl in dir for its major version. pg_ctl answers
// --version even as root, before it checks who runs it.
func binaryMajor(dir string) (int, error) {
	out, err := exec.Command(filepath.Join(dir, "pg_ctl"), "--version").Output()
	if err != nil {
		return 0, err
	}
	return parseMajor(string(out))
}

// parseMajor reads the major version from output such as
// "pg_ctl (PostgreSQL) 16.2 (Homebrew)" or "… 18beta1".
func parseMajor(s string) (int, error) {
	_, rest, ok := strings.Cut(s, "(PostgreSQL) ")
	if !ok {
		return 0, fmt.Errorf("unrecognised version %q", strings.TrimSpace(s))
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	v, err := strconv.Atoi(rest[:i])
	if err != nil {
		return 0, fmt.Errorf("unrecognised version %q", strings.TrimSpace(s))
	}
	return v, nil
}
