package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
)

// account is the unprivileged user the cluster runs as when zerodraft runs
// as root.
type account struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32 // supplementary groups, as a login would have them
}

// accountCandidates are tried in order: the user that PostgreSQL packages
// create (postgres on Linux, _postgres on macOS), then nobody as a last
// resort on systems without a PostgreSQL package user.
var accountCandidates = []string{"postgres", "_postgres", "nobody"}

// unprivilegedAccount returns the account to run PostgreSQL as, or nil when
// zerodraft does not run as root and so can run PostgreSQL itself.
func unprivilegedAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range accountCandidates {
		if a, err := lookupAccount(name); err == nil && a.uid != 0 {
			return a, nil
		}
	}
	return nil, errors.New("pgcluster: zerodraft runs as root and PostgreSQL refuses to run as root, " +
		"but none of the users postgres, _postgres or nobody exists to run it as; " +
		"create one (e.g. `useradd --system --user-group postgres`) or run zerodraft as a normal user")
}

// lookupAccount reads a user from the system's user database.
func lookupAccount(name string) (*account, error) {
	u, err := user.Lookup(name)
	if err != nil {
		return nil, err
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	a := &account{name: name, uid: uint32(uid), gid: uint32(gid)}
	ids, _ := u.GroupIds() // without them the account just runs with its primary group
	for _, id := range ids {
		if g, err := strconv.ParseUint(id, 10, 32); err == nil {
			a.groups = append(a.groups, uint32(g))
		}
	}
	return a, nil
}

// checkAncestors fails, naming the directory, if the account cannot pass
// through every directory above dir. Those are not zerodraft's to change,
// so it asks the admin rather than loosening them itself.
func (a *account) checkAncestors(dir string) error {
	for _, d := range ancestors(dir) {
		info, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if !a.canSearch(info) {
			return fmt.Errorf("pgcluster: PostgreSQL runs as user %s because it refuses to run as root, "+
				"but %s cannot enter the directory %s (mode %v), which lies above the data directory %s; "+
				"choose a data directory that %s can reach (e.g. under /var/lib), or allow it with `chmod o+x %s`",
				a.name, a.name, d, info.Mode(), dir, a.name, d)
		}
	}
	return nil
}

// ancestors lists the directories above dir, from the root down.
func ancestors(dir string) []string {
	var list []string
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		list = append(list, d)
		if d == filepath.Dir(d) {
			break
		}
	}
	slices.Reverse(list)
	return list
}

// canSearch reports whether the account may enter a directory, by the
// classic owner/group/other permission bits.
func (a *account) canSearch(info os.FileInfo) bool {
	uid, gid := fileOwner(info)
	perm := info.Mode().Perm()
	switch {
	case uid == a.uid:
		return perm&0o100 != 0
	case gid == a.gid || slices.Contains(a.groups, gid):
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}
