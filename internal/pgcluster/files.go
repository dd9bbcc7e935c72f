package pgcluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Files that zerodraft keeps in its data directory next to PGDATA.
const (
	logFileName      = "postgres.log"
	lockFileName     = "postgres.lock"
	socketRecordName = "postgres.socketdir" // where a running server's socket is, for other processes
	settingsFileName = "zerodraft.conf"     // inside PGDATA, rewritten on every start
	socketName       = ".s.PGSQL." + port
	tempSocketPrefix = "zerodraft-pg-"
	// maxSocketPath is the longest socket path every supported system
	// accepts: sun_path is 108 bytes on Linux but only 104 on macOS, and
	// both count the terminating NUL.
	maxSocketPath = 103
	// maxLogSize is when postgres.log is rotated, so a long-lived install
	// does not grow it forever.
	maxLogSize = 10 << 20
)

// path names a file in zerodraft's data directory.
func (c *Cluster) path(name string) string {
	return filepath.Join(c.dataDir, name)
}

// prepareDataDir creates the data directory if needed and returns its
// absolute, symlink-free path. When running as root it also makes sure the
// account can reach it.
func (c *Cluster) prepareDataDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	// Parents get the usual 0755 so that the account can pass through the
	// ones zerodraft itself creates; the data directory stays private.
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.Mkdir(abs, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	if c.runAs == nil {
		return real, nil
	}
	if err := c.runAs.checkAncestors(real); err != nil {
		return "", err
	}
	return real, c.openDataDir(real)
}

// openDataDir lets the account pass through the data directory (0711: it
// may enter, not list) if it cannot already.
func (c *Cluster) openDataDir(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if c.runAs.canSearch(info) {
		return nil
	}
	mode := info.Mode().Perm() | 0o011
	c.log.Info("pgcluster: letting the PostgreSQL user pass through the data directory", "dir", dir, "mode", fmt.Sprintf("%#o", mode))
	return wrapErr(os.Chmod(dir, mode))
}

// prepareSocketDir picks and creates the private directory for the Unix
// socket: DataDir/run if the socket path fits, else a short temporary one.
func (c *Cluster) prepareSocketDir() error {
	dir := c.path("run")
	if !socketFits(dir) {
		return c.makeTempSocketDir()
	}
	if err := c.mkdirOwned(dir, false); err != nil {
		return err
	}
	c.socketDir, c.tempSocket = dir, false
	return nil
}

// makeTempSocketDir is the fallback for data directories whose paths are too
// long for a Unix socket.
func (c *Cluster) makeTempSocketDir() error {
	for _, root := range tempRoots() {
		// MkdirTemp appends at most ten digits to the pattern.
		if !socketFits(filepath.Join(root, tempSocketPrefix+"0123456789")) {
			continue
		}
		dir, err := os.MkdirTemp(root, tempSocketPrefix)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if err := c.own(dir); err != nil {
			os.Remove(dir)
			return err
		}
		c.log.Info("pgcluster: the data directory's path is too long for a Unix socket; using a temporary socket directory", "socket_dir", dir)
		c.socketDir, c.tempSocket = dir, true
		return nil
	}
	return fmt.Errorf("pgcluster: no directory short enough for a Unix socket (at most %d bytes); set TMPDIR to a short path", maxSocketPath)
}

// tempRoots are where temporary socket directories may be made.
func tempRoots() []string {
	return []string{os.TempDir(), "/tmp"}
}

// removeStaleSocketDir deletes the temporary socket directory recorded by a
// run that ended without Stop (a crash or a kill); it is called only when
// no server is running, so nothing uses that directory any more.
func (c *Cluster) removeStaleSocketDir() {
	dir := c.recordedSocketDir()
	if strings.HasPrefix(filepath.Base(dir), tempSocketPrefix) && slices.Contains(tempRoots(), filepath.Dir(dir)) {
		os.RemoveAll(dir)
	}
}

// socketFits reports whether a socket in dir stays within the path limit.
func socketFits(dir string) bool {
	return len(filepath.Join(dir, socketName)) <= maxSocketPath
}

// removeTempSocketDir deletes a socket directory made by MkdirTemp.
func (c *Cluster) removeTempSocketDir() {
	if c.tempSocket {
		os.RemoveAll(c.socketDir)
	}
}

// recordSocketDir writes down where the socket is, so that a second
// zerodraft process on the same data directory can connect to this server.
func (c *Cluster) recordSocketDir() error {
	return os.WriteFile(c.path(socketRecordName), []byte(c.socketDir+"\n"), 0o600)
}

// runningSocketDir finds the socket of a server started by another process:
// from the record that process wrote, else from postmaster.pid, whose fifth
// line is the server's first socket directory. It returns "" if neither
// names a directory that holds the socket.
func (c *Cluster) runningSocketDir() string {
	for _, dir := range []string{c.recordedSocketDir(), c.pidFileSocketDir()} {
		if dir != "" && isSocket(filepath.Join(dir, socketName)) {
			return dir
		}
	}
	return ""
}

// isSocket reports whether path is a Unix socket.
func isSocket(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode()&fs.ModeSocket != 0
}

// recordedSocketDir reads the record written by recordSocketDir.
func (c *Cluster) recordedSocketDir() string {
	data, err := os.ReadFile(c.path(socketRecordName))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// pidFileSocketDir reads the socket directory from postmaster.pid.
func (c *Cluster) pidFileSocketDir() string {
	return c.pidFileLine(4)
}

// postmasterPID reads the server's process id from postmaster.pid, or 0
// if there is none.
func (c *Cluster) postmasterPID() int {
	pid, _ := strconv.Atoi(c.pidFileLine(0))
	return pid
}

// pidFileLine returns line i (from 0) of postmaster.pid, or "".
func (c *Cluster) pidFileLine(i int) string {
	data, err := os.ReadFile(filepath.Join(c.pgdata, "postmaster.pid"))
	if err != nil {
		return ""
	}
	lines := strings.Split(string(data), "\n")
	if i >= len(lines) {
		return ""
	}
	return strings.TrimSpace(lines[i])
}

// includeSettings makes a new cluster's postgresql.conf read zerodraft's
// settings file last, so that it overrides initdb's defaults; ALTER SYSTEM
// still overrides both.
func includeSettings(pgdata string) error {
	f, err := os.OpenFile(filepath.Join(pgdata, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	_, err = fmt.Fprintf(f, "\n# Added by zerodraft.\ninclude '%s'\n", settingsFileName)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return wrapErr(err)
}

// writeSettings writes the settings for this start. It is rewritten every
// time because the socket directory can change between starts.
func (c *Cluster) writeSettings() error {
	path := filepath.Join(c.pgdata, settingsFileName)
	if err := os.WriteFile(path, []byte(c.settings()), 0o600); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return c.own(path)
}

// settings is the server configuration for a small embedded default. No
// TCP at all: only the socket in a private directory, which is what makes
// trust authentication safe. Durability settings are spelled out because an
// acknowledged write must never be lost.
func (c *Cluster) settings() string {
	// unix_socket_directories is a list whose elements may be double-quoted,
	// so that a path containing commas or spaces survives.
	dirList := `"` + strings.ReplaceAll(c.socketDir, `"`, `""`) + `"`
	return "# Written by zerodraft on every start; use ALTER SYSTEM to override.\n" +
		"listen_addresses = ''\n" +
		"port = " + port + "\n" +
		"unix_socket_directories = " + confString(dirList) + "\n" +
		"unix_socket_permissions = 0700\n" +
		"max_connections = 50\n" +
		"shared_buffers = 64MB\n" +
		"fsync = on\n" +
		"synchronous_commit = on\n" +
		"full_page_writes = on\n" +
		"logging_collector = off\n"
}

// confString quotes a value for postgresql.conf, where backslashes are
// escapes and a quote is doubled.
func confString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// prepareLog rotates an oversized log and creates the log file, owned by the
// account, because pg_ctl cannot create files in the data directory when it
// runs as the account.
func (c *Cluster) prepareLog() error {
	path := c.path(logFileName)
	if info, err := os.Stat(path); err == nil && info.Size() > maxLogSize {
		if err := os.Rename(path, path+".1"); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	f.Close()
	return c.own(path)
}

// lastLines returns up to n final lines of a file, or "" if it is unreadable.
func lastLines(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// mkdirOwned creates dir with mode 0700 for the account. With fresh set it
// first removes whatever an interrupted earlier attempt left there.
func (c *Cluster) mkdirOwned(dir string, fresh bool) error {
	if fresh {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("pgcluster: %w", err)
	}
	// An existing directory may have been made by another user or with a
	// looser mode; the socket directory in particular must stay private.
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return c.own(dir)
}

// own gives path to the account; without one (not root) it does nothing.
func (c *Cluster) own(path string) error {
	if c.runAs == nil {
		return nil
	}
	return wrapErr(os.Lchown(path, int(c.runAs.uid), int(c.runAs.gid)))
}

// ownTree gives a whole PGDATA to the account if it belongs to someone
// else, as happens when a cluster made by a normal user is later started by
// root. PostgreSQL refuses a data directory that it does not own.
func (c *Cluster) ownTree(dir string) error {
	if c.runAs == nil {
		return nil
	}
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if uid, _ := fileOwner(info); uid == c.runAs.uid {
		return nil
	}
	c.log.Info("pgcluster: handing the cluster's files to the PostgreSQL user", "pgdata", dir, "user", c.runAs.name)
	return wrapErr(filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return c.own(path)
	}))
}
