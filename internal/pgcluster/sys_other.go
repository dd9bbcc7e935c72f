//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package pgcluster

import (
	"context"
	"errors"
	"os"
	"os/exec"
)

// platformSupported reports that the embedded cluster needs a Unix system:
// it relies on Unix sockets, file ownership and flock.
func platformSupported() error {
	return errors.New("pgcluster: the embedded PostgreSQL cluster is only supported on Linux, macOS and the BSDs; set DATABASE_URL to point at a PostgreSQL server")
}

// setCredential is never reached: platformSupported fails first.
func setCredential(*exec.Cmd, *account) {}

// fileOwner is never reached: platformSupported fails first.
func fileOwner(os.FileInfo) (uid, gid uint32) { return 0, 0 }

// lockFile is never reached: platformSupported fails first.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }
