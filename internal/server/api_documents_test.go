package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/store"
)

const zeroDraft = `The General Assembly,

Recalling its resolution 70/1 of 25 September 2015,

Noting with concern the [rapid] growth of plastic pollution,

1. Decides to establish an intergovernmental negotiating committee;

2. Requests the Secretary-General to [provide/ensure] support;

(a) by convening meetings;

(b) by preparing [developed [and other]] documents;

3. Invites Member States to contribute.`

type created struct {
	ID       int64                 `json:"id"`
	Version  int                   `json:"version"`
	Warnings []negotiation.Warning `json:"warnings"`
}

type versionBody struct {
	Number     int                     `json:"number"`
	Label      string                  `json:"label"`
	Provisions []negotiation.Provision `json:"provisions"`
}

type diffBody struct {
	From, To   int
	Provisions []struct {
		Key        string `json:"key"`
		FromNumber string `json:"from_number"`
		ToNumber   string `json:"to_number"`
		Change     string `json:"change"`
		Ops        []struct{ Op, Text string }
	}
}

func (e *testEnv) createDoc(symbol, text string) created {
	e.t.Helper()
	var c created
	status, raw := e.call("POST", "/api/v1/documents", map[string]any{
		"symbol": symbol, "title": "Plastic pollution", "language": "en", "text": text, "process": "INB-9",
	}, &c)
	if status != http.StatusCreated {
		e.t.Fatalf("create %s: status %d: %s", symbol, status, raw)
	}
	return c
}

func (e *testEnv) version(id int64, n int) versionBody {
	e.t.Helper()
	var v versionBody
	if status, raw := e.call("GET", fmt.Sprintf("/api/v1/documents/%d/versions/%d", id, n), nil, &v); status != http.StatusOK {
		e.t.Fatalf("get version %d: %d %s", n, status, raw)
	}
	return v
}

func TestCreateDocumentDetectsNumbering(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/CONF.1/2026/L.1", zeroDraft)
	if c.Version != 1 || c.ID == 0 {
		t.Fatalf("got %+v, want id and version 1", c)
	}
	v := e.version(c.ID, 1)
	var numbers []string
	for _, p := range v.Provisions {
		numbers = append(numbers, p.Number)
	}
	got := strings.Join(numbers, " ")
	want := " PP1 PP2 OP1 OP2 OP2(a) OP2(b) OP3"
	if got != want {
		t.Errorf("numbers = %q, want %q", got, want)
	}
	if v.Label != "Zero draft" {
		t.Errorf("label = %q, want Zero draft", v.Label)
	}
	if v.Provisions[6].Text != "by preparing [developed [and other]] documents;" {
		t.Errorf("brackets not kept verbatim: %q", v.Provisions[6].Text)
	}
	keys := map[string]bool{}
	for _, p := range v.Provisions {
		if p.Key == "" || keys[p.Key] {
			t.Errorf("key %q empty or repeated", p.Key)
		}
		keys[p.Key] = true
	}
}

func TestBracketWarnings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/BR/1", "1. Decides [to act;\n2. Requests] support];\n3. Notes [the report.")
	codes := map[string]int{}
	for _, w := range c.Warnings {
		codes[w.Code]++
		if w.Message == "" {
			t.Errorf("warning %+v has no message", w)
		}
	}
	if len(c.Warnings) == 0 {
		t.Fatalf("no warnings for unbalanced brackets")
	}
	v := e.version(c.ID, 1)
	if got := v.Provisions[1].Text; got != "Requests] support];" {
		t.Errorf("text altered: %q", got)
	}
}

func TestNewVersionKeepsKeysThroughRenumbering(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/REN/1", zeroDraft)
	v1 := e.version(c.ID, 1)
	// Insert a new OP1, so every operative paragraph is renumbered; edit OP3.
	rev := strings.Replace(zeroDraft, "1. Decides", "1. Welcomes the report of the Secretary-General;\n\n2. Decides", 1)
	rev = strings.Replace(rev, "2. Requests", "3. Requests", 1)
	rev = strings.Replace(rev, "3. Invites Member States to contribute.", "4. Invites Member States and observers to contribute.", 1)
	var out struct{ Number int }
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", c.ID), map[string]any{"label": "Rev.1", "text": rev}, &out); status != http.StatusCreated {
		t.Fatalf("new version: %d %s", status, raw)
	}
	if out.Number != 2 {
		t.Fatalf("number = %d, want 2", out.Number)
	}
	v2 := e.version(c.ID, 2)
	key := func(v versionBody, prefix string) string {
		for _, p := range v.Provisions {
			if strings.HasPrefix(p.Text, prefix) {
				return p.Key
			}
		}
		t.Fatalf("no provision starting %q", prefix)
		return ""
	}
	for _, prefix := range []string{"Decides", "Requests", "by convening", "Invites Member States"} {
		if a, b := key(v1, prefix), key(v2, prefix); a != b {
			t.Errorf("%q: key %s became %s", prefix, a, b)
		}
	}
	newKey := key(v2, "Welcomes")
	for _, p := range v1.Provisions {
		if p.Key == newKey {
			t.Errorf("inserted paragraph took existing key %s", newKey)
		}
	}

	var d diffBody
	if status, raw := e.call("GET", fmt.Sprintf("/api/v1/documents/%d/diff?from=1&to=2", c.ID), nil, &d); status != http.StatusOK {
		t.Fatalf("diff: %d %s", status, raw)
	}
	changes := map[string]string{}
	for _, p := range d.Provisions {
		changes[p.Key] = p.Change + " " + p.FromNumber + "→" + p.ToNumber
	}
	if got := changes[newKey]; got != "added →OP1" {
		t.Errorf("inserted: %q", got)
	}
	if got := changes[key(v1, "Decides")]; got != "unchanged OP1→OP2" {
		t.Errorf("renumbered: %q", got)
	}
	if got := changes[key(v1, "Invites")]; got != "modified OP3→OP4" {
		t.Errorf("edited: %q", got)
	}
}

func TestVersionFromExplicitProvisions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/EXP/1", "1. Decides to act;\n2. Requests a report;\n3. Decides to remain seized.")
	v1 := e.version(c.ID, 1)
	// Move OP3 first, delete OP2, edit OP1, insert a new one without a key.
	body := map[string]any{"label": "Rev.1", "provisions": []map[string]string{
		{"key": v1.Provisions[2].Key, "text": "Decides to remain seized."},
		{"key": v1.Provisions[0].Key, "text": "Decides to act now;"},
		{"text": "Calls upon all States to cooperate;"},
	}}
	if status, raw := e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", c.ID), body, nil); status != http.StatusCreated {
		t.Fatalf("%d %s", status, raw)
	}
	v2 := e.version(c.ID, 2)
	if len(v2.Provisions) != 3 || v2.Provisions[0].Key != v1.Provisions[2].Key || v2.Provisions[1].Key != v1.Provisions[0].Key {
		t.Fatalf("provisions = %+v", v2.Provisions)
	}
	if k := v2.Provisions[2].Key; k == v1.Provisions[1].Key {
		t.Errorf("new provision reused the deleted provision's key %s", k)
	}
	var d diffBody
	e.call("GET", fmt.Sprintf("/api/v1/documents/%d/diff?from=1&to=2", c.ID), nil, &d)
	got := map[string]string{}
	for _, p := range d.Provisions {
		got[p.Key] = p.Change
	}
	if got[v1.Provisions[1].Key] != "removed" {
		t.Errorf("deleted provision: %q", got[v1.Provisions[1].Key])
	}
	if got[v1.Provisions[2].Key] != "moved" && got[v1.Provisions[0].Key] != "moved" {
		t.Errorf("no provision reported moved: %v", got)
	}
}

// TestDiffReconstructs checks the public contract: equal+delete gives the
// old text, equal+insert the new one.
func TestDiffReconstructs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/REC/1", zeroDraft)
	rev := strings.NewReplacer("[rapid]", "rapid", "[provide/ensure]", "[ensure]", "convening", "convening regular").Replace(zeroDraft)
	e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", c.ID), map[string]any{"text": rev}, nil)
	v1, v2 := e.version(c.ID, 1), e.version(c.ID, 2)
	old, nw := map[string]string{}, map[string]string{}
	for _, p := range v1.Provisions {
		old[p.Key] = p.Text
	}
	for _, p := range v2.Provisions {
		nw[p.Key] = p.Text
	}
	var d diffBody
	e.call("GET", fmt.Sprintf("/api/v1/documents/%d/diff?from=1&to=2", c.ID), nil, &d)
	modified := 0
	for _, p := range d.Provisions {
		var a, b strings.Builder
		for _, op := range p.Ops {
			if op.Op != "insert" {
				a.WriteString(op.Text)
			}
			if op.Op != "delete" {
				b.WriteString(op.Text)
			}
		}
		if a.String() != old[p.Key] || b.String() != nw[p.Key] {
			t.Errorf("%s: reconstructed %q / %q, want %q / %q", p.Key, a.String(), b.String(), old[p.Key], nw[p.Key])
		}
		if p.Change == "modified" {
			modified++
		}
	}
	if modified != 3 {
		t.Errorf("modified = %d, want 3", modified)
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/ERR/1", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	big := strings.Repeat("x", 20<<20)
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"empty text", "POST", "/api/v1/documents", map[string]any{"symbol": "A/E/1", "title": "T", "text": "  \n "}, 422, "invalid"},
		{"binary text", "POST", "/api/v1/documents", map[string]any{"symbol": "A/E/2", "title": "T", "text": "PK\x03\x04\x00\x00"}, 422, "invalid"},
		{"invalid utf-8", "POST", "/api/v1/documents", []byte("{\"symbol\":\"A/E/3\",\"title\":\"T\",\"text\":\"caf\xe9\"}"), 400, "malformed"},
		{"not json", "POST", "/api/v1/documents", "symbol=A", 400, "malformed"},
		{"empty body", "POST", "/api/v1/documents", "", 400, "malformed"},
		{"missing symbol", "POST", "/api/v1/documents", map[string]any{"title": "T", "text": "1. Decides."}, 422, "invalid"},
		{"bad language", "POST", "/api/v1/documents", map[string]any{"symbol": "A/E/4", "title": "T", "language": "not a language!", "text": "1. Decides."}, 422, "invalid"},
		{"symbol used", "POST", "/api/v1/documents", map[string]any{"symbol": "a/err/1", "title": "T", "text": "1. Decides."}, 409, "conflict"},
		{"20 MB body", "POST", "/api/v1/documents", map[string]any{"symbol": "A/E/5", "title": "T", "text": big}, 413, "too_large"},
		{"unknown document", "GET", "/api/v1/documents/999999", nil, 404, "not_found"},
		{"non-numeric id", "GET", "/api/v1/documents/abc", nil, 404, "not_found"},
		{"unknown version", "GET", doc + "/versions/7", nil, 404, "not_found"},
		{"diff unknown version", "GET", doc + "/diff?from=1&to=9", nil, 404, "not_found"},
		{"diff from = to", "GET", doc + "/diff?from=1&to=1", nil, 422, "invalid"},
		{"diff missing to", "GET", doc + "/diff?from=1", nil, 422, "invalid"},
		{"version without text", "POST", doc + "/versions", map[string]any{"label": "Rev.1"}, 422, "invalid"},
		{"version with both", "POST", doc + "/versions", map[string]any{"text": "1. A.", "provisions": []any{}}, 422, "invalid"},
		{"duplicate keys", "POST", doc + "/versions", map[string]any{"provisions": []map[string]string{{"key": "p1", "text": "A"}, {"key": "p1", "text": "B"}}}, 422, "invalid"},
		{"bad key", "POST", doc + "/versions", map[string]any{"provisions": []map[string]string{{"key": "<script>", "text": "A"}}}, 422, "invalid"},
		{"version of unknown doc", "POST", "/api/v1/documents/999999/versions", map[string]any{"text": "1. A."}, 404, "not_found"},
		{"unknown route", "GET", "/api/v1/nothing", nil, 404, "not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, raw := e.call(tc.method, tc.path, tc.body, nil)
			if status != tc.status {
				t.Fatalf("status = %d, want %d: %s", status, tc.status, raw)
			}
			code, msg := apiErr(t, raw)
			if code != tc.code || msg == "" {
				t.Errorf("error = %q %q, want code %q and a message", code, msg, tc.code)
			}
		})
	}
	// Nothing half-written: the failed creations left no document behind.
	var list struct{ Documents []struct{ Symbol string } }
	e.call("GET", "/api/v1/documents", nil, &list)
	if len(list.Documents) != 1 {
		t.Errorf("documents after errors = %+v, want only A/ERR/1", list.Documents)
	}
	if v := e.version(c.ID, 1); len(v.Provisions) != 8 {
		t.Errorf("version 1 changed: %d provisions", len(v.Provisions))
	}
	if status, _ := e.call("GET", doc+"/versions/2", nil, nil); status != 404 {
		t.Errorf("a failed version was stored")
	}
}

func TestLargeText(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var b strings.Builder
	for i := 1; i <= 5000; i++ {
		fmt.Fprintf(&b, "%d. Decides on item %d of the agenda;\n", i, i)
	}
	c := e.createDoc("A/BIG/1", b.String())
	if v := e.version(c.ID, 1); len(v.Provisions) != 5000 {
		t.Errorf("provisions = %d, want 5000", len(v.Provisions))
	}
}

func TestAuditTrail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/AUD/1", zeroDraft)
	e.call("POST", fmt.Sprintf("/api/v1/documents/%d/versions", c.ID), map[string]any{"text": zeroDraft + "\n\n4. Decides to remain seized."}, nil)
	events, err := e.store.AuditTrail(store.AsSystem(t.Context()), "document", fmt.Sprint(c.ID))
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range events {
		actions = append(actions, ev.Action)
		if ev.At.Location().String() != "UTC" || ev.Actor == "" {
			t.Errorf("event %+v: want UTC time and an actor", ev)
		}
	}
	if got := strings.Join(actions, ","); got != "document.create,version.create" {
		t.Errorf("actions = %q", got)
	}
}
