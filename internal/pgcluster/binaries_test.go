package pgcluster

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fakeBinaries makes a directory holding empty executables with the given
// names.
func fakeBinaries(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFindBinariesNothingFound(t *testing.T) {
	if _, err := findBinaries("", nil); !errors.Is(err, ErrNoBinaries) {
		t.Errorf("empty search: err = %v, want ErrNoBinaries", err)
	}
	partial := fakeBinaries(t, "initdb", "pg_ctl")
	if _, err := findBinaries(partial, nil); !errors.Is(err, ErrNoBinaries) {
		t.Errorf("directory without postgres: err = %v, want ErrNoBinaries", err)
	}
}

func TestFindBinariesSearchOrder(t *testing.T) {
	onPath := fakeBinaries(t, "initdb", "pg_ctl", "postgres")
	known := fakeBinaries(t, "initdb", "pg_ctl", "postgres")
	pathList := "relative/bin" + string(os.PathListSeparator) + onPath
	if got, err := findBinaries(pathList, []string{known}); got != onPath || err != nil {
		t.Errorf("findBinaries = %q, %v; want the PATH entry %q", got, err, onPath)
	}
	if got, err := findBinaries("", []string{known}); got != known || err != nil {
		t.Errorf("findBinaries = %q, %v; want the known location %q", got, err, known)
	}
}

func TestPickBinariesMatchesClusterVersion(t *testing.T) {
	versions := map[string]int{"/v12": 12, "/v16": 16, "/v15": 15}
	major := func(dir string) (int, error) { return versions[dir], nil }
	dirs := []string{"/v12", "/v16", "/v15"}
	tests := []struct {
		want    int
		wantDir string
	}{
		{0, "/v16"},
		{15, "/v15"},
		{14, ""},
	}
	for _, tt := range tests {
		got, err := pickBinaries(dirs, tt.want, major)
		if got != tt.wantDir {
			t.Errorf("pickBinaries(want %d) = %q, want %q", tt.want, got, tt.wantDir)
		}
		if (err != nil) != (tt.wantDir == "") {
			t.Errorf("pickBinaries(want %d) err = %v", tt.want, err)
		}
	}
}

func TestParseMajor(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)\n", 15},
		{"pg_ctl (PostgreSQL) 16.2 (Homebrew)", 16},
		{"pg_ctl (PostgreSQL) 18beta1", 18},
	}
	for _, tt := range tests {
		if got, err := parseMajor(tt.in); got != tt.want || err != nil {
			t.Errorf("parseMajor(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	if _, err := parseMajor("something else"); err == nil {
		t.Error("parseMajor accepted output without a version")
	}
}

func TestPathVersion(t *testing.T) {
	tests := map[string]int{
		"/usr/lib/postgresql/15/bin":          15,
		"/usr/pgsql-16/bin":                   16,
		"/opt/homebrew/opt/postgresql@17/bin": 17,
		"/usr/local/bin":                      0,
	}
	for dir, want := range tests {
		if got := pathVersion(dir); got != want {
			t.Errorf("pathVersion(%q) = %d, want %d", dir, got, want)
		}
	}
}
