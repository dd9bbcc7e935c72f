//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package pgcluster

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// platformSupported reports whether the embedded cluster can run here.
func platformSupported() error { return nil }

// setCredential makes cmd run as the account, without relying on sudo or
// runuser being installed.
func setCredential(cmd *exec.Cmd, a *account) {
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Credential: &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: a.groups},
	}
}

// fileOwner returns the owning user and group of a file.
func fileOwner(info os.FileInfo) (uid, gid uint32) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0
	}
	return st.Uid, st.Gid
}

// lockFile takes an exclusive flock on path, polling so that ctx can cancel
// the wait. The kernel drops the lock if the process dies, so a crash never
// leaves a stale lock behind.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
