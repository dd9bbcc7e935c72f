// Package exporttest helps the export tests: it finds the real readers
// (pandoc, xmllint, pdftotext) that check exported files, and handles the
// golden files they are compared with.
package exporttest

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// Update rewrites golden files instead of comparing: go test -update.
var Update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Need returns the path of tool, or skips t when it is not installed — and
// fails t in continuous integration (CI=true), where every reader must be
// there so that no check is silently left out.
func Need(t testing.TB, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err == nil {
		return p
	}
	msg := tool + " is not installed (Debian package " + pkg + ")"
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatal(msg + "; CI must install it (.ci/run)")
	}
	t.Skip(msg + "; install it to run this check")
	return ""
}

// Run runs a reader with input on standard input and returns its output,
// failing t with the reader's own message when it fails.
func Run(t testing.TB, input []byte, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = bytes.NewReader(input)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, errb.String())
	}
	return out.Bytes()
}

// Golden compares got with testdata/name, or rewrites it with -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *Update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff.\ngot:\n%s", path, got)
	}
}
