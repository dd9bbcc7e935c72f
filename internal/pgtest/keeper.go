package pgtest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
)

// keeperEnv marks the test binary's re-run as the cluster's keeper.
const keeperEnv = "ZERODRAFT_PGTEST_KEEPER"

// startKeeper runs the throwaway cluster in a separate keeper process: the
// test binary itself, re-run with keeperEnv set. A test binary that panics
// or hits go test's -timeout exits without running deferred code, which
// would leave the server running and its directory behind; the keeper
// notices its parent is gone when its stdin reaches end of file, and then
// cleans up.
func startKeeper() (url string, stop func(), err error) {
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), keeperEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		stdin.Close()
		cmd.Wait()
	}
	url, err = bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, errors.New("the process keeping the test cluster failed to start it (see its output above)")
	}
	return strings.TrimSpace(url), stop, nil
}

// keep is the keeper process: it starts the cluster, hands its connection
// string to the parent on stdout, and stops it once the parent closes stdin
// or dies.
func keep() int {
	// Ctrl-C reaches the whole process group; the keeper must outlive the
	// parent long enough to clean up after it.
	signal.Ignore(os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	url, stop, err := startCluster()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		return 1
	}
	defer stop()
	fmt.Println(url)
	io.Copy(io.Discard, os.Stdin)
	return 0
}
