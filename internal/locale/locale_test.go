package locale_test

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zerodraft/zerodraft/internal/diff"
	"github.com/zerodraft/zerodraft/internal/locale"
	"github.com/zerodraft/zerodraft/web"
)

// load reads the real catalogs, as the server does.
func load(t *testing.T) *locale.Catalog {
	t.Helper()
	c, err := locale.Load(web.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// missing lists the ids of a that are not in b, sorted.
func missing(a, b map[string]bool) []string {
	var out []string
	for id := range a {
		if !b[id] {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// TestLanguages checks that both UI languages are offered, under their own
// names.
func TestLanguages(t *testing.T) {
	c := load(t)
	names := map[string]string{}
	for _, l := range c.Languages() {
		names[l.Tag] = l.Name
	}
	if got, want := names["en"], "English"; got != want {
		t.Errorf("name of en = %q, want %q", got, want)
	}
	if got := names["zh-Hans"]; !strings.HasPrefix(got, "中文") {
		t.Errorf("name of zh-Hans = %q, want it to start with 中文", got)
	}
}

// TestCatalogsHaveTheSameIDs checks that English and Simplified Chinese
// translate exactly the same messages, so no page falls back to English
// (or shows a bare id) in one language only.
func TestCatalogsHaveTheSameIDs(t *testing.T) {
	c := load(t)
	en, zh := c.IDs("en"), c.IDs("zh-Hans")
	if len(en) == 0 || len(zh) == 0 {
		t.Fatalf("got %d English and %d Chinese ids, want both loaded", len(en), len(zh))
	}
	if m := missing(en, zh); len(m) > 0 {
		t.Errorf("%d ids in en.json are missing from zh-Hans.json: %s", len(m), strings.Join(m, ", "))
	}
	if m := missing(zh, en); len(m) > 0 {
		t.Errorf("%d ids in zh-Hans.json are missing from en.json: %s", len(m), strings.Join(m, ", "))
	}
}

// placeholder matches a message's template variables, such as {{.count}}.
var placeholder = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// variables returns the sorted, distinct template variables of a message.
func variables(msg string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(msg, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// TestTranslationsKeepPlaceholders checks that each Chinese message uses the
// same template variables as its English original, so no number or name
// disappears in translation.
func TestTranslationsKeepPlaceholders(t *testing.T) {
	read := func(name string) map[string]string {
		buf, err := fs.ReadFile(web.FS, path.Join("i18n", name))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(buf, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return m
	}
	en, zh := read("en.json"), read("zh-Hans.json")
	for id, msg := range en {
		tr, ok := zh[id]
		if !ok {
			continue // reported by TestCatalogsHaveTheSameIDs
		}
		if got, want := strings.Join(variables(tr), ","), strings.Join(variables(msg), ","); got != want {
			t.Errorf("%s: zh-Hans uses variables [%s], en uses [%s]", id, got, want)
		}
	}
}

var (
	// staticID matches `.T "id"` and `$.T "id"`.
	staticID = regexp.MustCompile(`\.T\s+"([^"]+)"`)
	// dynamicID matches `T (print "prefix." …)`, an id completed at run time.
	dynamicID = regexp.MustCompile(`\bT\s+\(print\s+"([^"]+)"`)
)

// dynamicIDs lists, for the id prefixes that templates complete at run
// time and whose values are known here, every id they can produce.
var dynamicIDs = map[string][]string{
	"change.": {
		"change." + diff.Unchanged, "change." + diff.Modified, "change." + diff.Moved,
		"change." + diff.Added, "change." + diff.Removed, "change.renumbered",
	},
}

// TestTemplatesUseKnownIDs scans every page template for the messages it
// shows and checks that the English catalog has them: a missing one would
// show its bare id on the page.
func TestTemplatesUseKnownIDs(t *testing.T) {
	en := load(t).IDs("en")
	files, err := fs.Glob(web.FS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no templates found")
	}
	used := 0
	for _, f := range files {
		buf, err := fs.ReadFile(web.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		src := string(buf)
		reported := map[string]bool{} // one error per id and file
		check := func(id string) {
			used++
			if !en[id] && !reported[id] {
				reported[id] = true
				t.Errorf("%s uses message %q, which en.json does not have", f, id)
			}
		}
		for _, m := range staticID.FindAllStringSubmatch(src, -1) {
			check(m[1])
		}
		for _, m := range dynamicID.FindAllStringSubmatch(src, -1) {
			prefix := m[1]
			if ids, known := dynamicIDs[prefix]; known {
				for _, id := range ids {
					check(id)
				}
				continue
			}
			// Values unknown here: at least one message must have the prefix.
			found := false
			for id := range en {
				if strings.HasPrefix(id, prefix) {
					found = true
					break
				}
			}
			if !found && !reported[prefix] {
				reported[prefix] = true
				t.Errorf("%s builds message ids from %q, but en.json has none with that prefix", f, prefix)
			}
		}
	}
	// The change badges of the diff page must be among them.
	if used < len(dynamicIDs["change."]) {
		t.Errorf("found only %d message uses in the templates; is the pattern still right?", used)
	}
}

// TestMatch checks the choice of UI language from a cookie value or an
// Accept-Language header.
func TestMatch(t *testing.T) {
	c := load(t)
	tests := []struct {
		prefs []string
		want  string
	}{
		{[]string{"zh-CN,zh;q=0.9"}, "zh-Hans"},
		{[]string{"zh-Hans"}, "zh-Hans"},
		{[]string{"de"}, "en"},
		{[]string{"en-GB,en;q=0.8"}, "en"},
		{[]string{""}, "en"},
		{nil, "en"},
		{[]string{"", "zh-CN,zh;q=0.9"}, "zh-Hans"}, // no cookie: the header decides
		{[]string{"en", "zh-CN"}, "en"},             // the cookie wins over the header
		{[]string{"not a tag!", "zh-CN"}, "zh-Hans"},
	}
	for _, tt := range tests {
		if got := c.Match(tt.prefs...); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.prefs, got, tt.want)
		}
	}
}

// TestTranslatorFillsVariables renders a message with variables in both
// languages, and a missing id as itself.
func TestTranslatorFillsVariables(t *testing.T) {
	c := load(t)
	if got, want := c.For("en").T("version.number", "n", 3), "Version 3"; got != want {
		t.Errorf("en version.number = %q, want %q", got, want)
	}
	if got, want := c.For("zh-Hans").T("version.number", "n", 3), "第 3 版"; got != want {
		t.Errorf("zh-Hans version.number = %q, want %q", got, want)
	}
	if got, want := c.For("zh-Hans").T("no.such.message"), "no.such.message"; got != want {
		t.Errorf("missing id = %q, want %q", got, want)
	}
}

// TestSeveralFilesPerLanguage checks that an area's own catalog file adds
// to its language, and that an id defined twice is refused rather than one
// text silently winning.
func TestSeveralFilesPerLanguage(t *testing.T) {
	fsys := fstest.MapFS{
		"i18n/en.json":              {Data: []byte(`{"language.name":"English","a":"A"}`)},
		"i18n/consultation.en.json": {Data: []byte(`{"b":"B"}`)},
	}
	c, err := locale.Load(fsys, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(c.Languages()); got != 1 {
		t.Fatalf("languages = %d, want 1", got)
	}
	if ids := c.IDs("en"); !ids["a"] || !ids["b"] {
		t.Errorf("ids of en = %v, want a and b", ids)
	}
	if name := c.Languages()[0].Name; name != "English" {
		t.Errorf("name = %q", name)
	}
	fsys["i18n/more.en.json"] = &fstest.MapFile{Data: []byte(`{"a":"again"}`)}
	if _, err := locale.Load(fsys, "i18n"); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("duplicate id: err = %v, want it named", err)
	}
}
