package server_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

type commentBody struct {
	ID           int64
	Parent       *int64
	Key          *string
	Version      int
	VersionLabel string `json:"version_label"`
	TextChanged  bool   `json:"text_changed"`
	Author       string
	Party        string
	Scope        string
	Edited       bool
	ReplyCount   int `json:"reply_count"`
	Status       string
	Body         string
	Tombstone    string
}

type commentList struct {
	Comments []commentBody
	Next     *string
	Counts   struct{ Visible, Hidden, Withdrawn int }
}

// comment posts a comment and returns its id, failing the test on error.
func (e *testEnv) comment(doc string, body map[string]any) int64 {
	e.t.Helper()
	var out struct{ ID int64 }
	if status, raw := e.call("POST", doc+"/comments", body, &out); status != 201 {
		e.t.Fatalf("comment %v: %d %s", body, status, raw)
	}
	return out.ID
}

func (e *testEnv) comments(path string) commentList {
	e.t.Helper()
	var l commentList
	if status, raw := e.call("GET", path, nil, &l); status != 200 {
		e.t.Fatalf("GET %s: %d %s", path, status, raw)
	}
	return l
}

func (l commentList) find(id int64) *commentBody {
	for i := range l.Comments {
		if l.Comments[i].ID == id {
			return &l.Comments[i]
		}
	}
	return nil
}

func TestCommentWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COM/W", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	ken := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}
	e.comment(doc, map[string]any{"body": "no window yet: accepted"})

	now := time.Now().UTC()
	closed := now.Add(-time.Second).Format(time.RFC3339)
	window := map[string]any{"opens_at": now.Add(-time.Hour).Format(time.RFC3339), "closes_at": closed}
	if status, _ := ken.call("PUT", doc+"/window", window, nil); status != 403 {
		t.Errorf("a delegation set the window: %d", status)
	}
	if status, raw := e.call("PUT", doc+"/window", window, nil); status != 200 {
		t.Fatalf("set window: %d %s", status, raw)
	}
	status, raw := ken.call("POST", doc+"/comments", map[string]any{"body": "one second late"}, nil)
	if status != 403 {
		t.Errorf("comment after the window closed: %d %s", status, raw)
	}
	if _, msg := apiErr(t, raw); !strings.Contains(msg, now.Add(-time.Second).Format("2006-01-02 15:04:05")+" UTC") {
		t.Errorf("the refusal does not name the window in UTC: %s", msg)
	}
	// Extended: closes a few seconds from now.
	window["closes_at"] = now.Add(5 * time.Second).Format(time.RFC3339)
	if status, raw := e.call("PUT", doc+"/window", window, nil); status != 200 {
		t.Fatalf("extend window: %d %s", status, raw)
	}
	ken.comment(doc, map[string]any{"body": "just in time"})
	if got := e.comments(doc + "/comments").Counts.Visible; got != 2 {
		t.Errorf("%d comments saved, want 2", got)
	}
	bad := map[string]any{"opens_at": now.Format(time.RFC3339), "closes_at": now.Add(-time.Hour).Format(time.RFC3339)}
	if status, _ := e.call("PUT", doc+"/window", bad, nil); status != 422 {
		t.Errorf("a window closing before it opens: %d", status)
	}
	if status, _ := e.call("PUT", doc+"/window", map[string]any{"closes_at": "tomorrow"}, nil); status != 422 {
		t.Errorf("a window with a bad time: %d", status)
	}
}

func TestCommentObserversAndScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COM/S", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	ngo := &testEnv{t: t, url: e.url, token: e.tokenFor("CIEL", negotiation.PartyObserver, "n@ciel.example")}
	e.accredit("CIEL", "n@ciel.example", time.Now().Add(24*time.Hour))
	wwf := &testEnv{t: t, url: e.url, token: e.tokenFor("WWF", negotiation.PartyObserver, "n@wwf.example")}
	e.accredit("WWF", "n@wwf.example", time.Now().Add(24*time.Hour))
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "d@fra.example")}
	ken := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}

	if status, _ := ngo.call("POST", doc+"/comments", map[string]any{"body": "hello"}, nil); status != 404 {
		t.Errorf("observer comments on a closed document: %d", status)
	}
	if status, raw := e.call("PUT", doc+"/consultation", map[string]bool{"open": true}, nil); status != 200 {
		t.Fatalf("open consultation: %d %s", status, raw)
	}
	public := ngo.comment(doc, map[string]any{"body": "<script>alert(1)</script> [link](http://x)"})
	secret := ngo.comment(doc, map[string]any{"body": "for the secretariat only", "scope": "secretariat"})
	fraSecret := fra.comment(doc, map[string]any{"body": "France, confidentially", "scope": "secretariat"})
	answer := e.comment(doc, map[string]any{"parent": secret, "body": "thank you"})
	if status, _ := e.call("POST", doc+"/comments", map[string]any{"parent": secret, "body": "x", "scope": "public"}, nil); status != 422 {
		t.Errorf("a public reply to a confidential comment: %d", status)
	}
	if status, _ := ngo.call("POST", doc+"/comments", map[string]any{"body": "x", "scope": "everyone"}, nil); status != 422 {
		t.Errorf("an unknown scope: %d", status)
	}

	kenView := ken.comments(doc + "/comments")
	if kenView.find(fraSecret) != nil || kenView.find(secret) != nil {
		t.Errorf("confidential comments reached another state: %+v", kenView.Comments)
	}
	if got := kenView.find(public); got == nil || got.Body != "<script>alert(1)</script> [link](http://x)" || got.Party != "CIEL" {
		t.Errorf("public comment as Kenya sees it: %+v", got)
	}
	if kenView.Counts.Visible != 1 {
		t.Errorf("Kenya's counts include what it cannot see: %+v", kenView.Counts)
	}
	if status, _ := ken.call("GET", fmt.Sprintf("%s/comments?parent=%d", doc, secret), nil, nil); status != 404 {
		t.Errorf("another state reads replies to a confidential comment: %d", status)
	}
	if status, _ := ken.call("POST", fmt.Sprintf("/api/v1/comments/%d/report", fraSecret), map[string]any{}, nil); status != 404 {
		t.Errorf("another state reports a confidential comment: %d", status)
	}
	if wwf.comments(doc+"/comments").find(secret) != nil {
		t.Errorf("another observer sees CIEL's confidential comment")
	}
	sec := e.comments(doc + "/comments")
	if sec.find(secret) == nil || sec.find(fraSecret) == nil || sec.Counts.Visible != 4 {
		t.Errorf("the secretariat does not see every confidential comment: %+v", sec)
	}
	replies := ngo.comments(fmt.Sprintf("%s/comments?parent=%d", doc, secret))
	if r := replies.find(answer); r == nil || r.Scope != "secretariat" || r.Party != "SECRETARIAT" {
		t.Errorf("the secretariat's reply in a confidential thread, as CIEL sees it: %+v", replies.Comments)
	}
	if got := ngo.comments(doc + "/comments").find(secret); got == nil || got.ReplyCount != 1 {
		t.Errorf("CIEL's confidential comment: %+v", got)
	}

	// An expired accreditation ends commenting.
	old := &testEnv{t: t, url: e.url, token: e.tokenFor("OLD", negotiation.PartyObserver, "n@old.example")}
	e.accredit("OLD", "n@old.example", time.Now().Add(-time.Hour))
	if status, _ := old.call("POST", doc+"/comments", map[string]any{"body": "late"}, nil); status != 404 {
		t.Errorf("expired observer comments: %d", status)
	}
}

func TestCommentAnchorsRepliesAndDepth(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COM/R", zeroDraft)
	other := e.createDoc("A/COM/R2", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	key, _ := e.keyOf(c.ID, 1, "Decides")
	onKey := e.comment(doc, map[string]any{"key": key, "body": "on the provision"})
	if status, _ := e.call("POST", doc+"/comments", map[string]any{"key": "nope", "body": "x"}, nil); status != 422 {
		t.Errorf("comment on an unknown provision: %d", status)
	}
	foreign := e.comment(fmt.Sprintf("/api/v1/documents/%d", other.ID), map[string]any{"body": "elsewhere"})
	if status, raw := e.call("POST", doc+"/comments", map[string]any{"parent": foreign, "body": "x"}, nil); status != 422 {
		t.Errorf("reply to another document's comment: %d %s", status, raw)
	}

	parent := onKey
	for depth := 2; depth <= negotiation.MaxCommentDepth; depth++ {
		parent = e.comment(doc, map[string]any{"parent": parent, "body": fmt.Sprintf("depth %d", depth)})
	}
	status, raw := e.call("POST", doc+"/comments", map[string]any{"parent": parent, "body": "too deep"}, nil)
	if code, _ := apiErr(t, raw); status != 422 || code != "invalid" {
		t.Errorf("reply at depth 6: %d %s", status, raw)
	}
	replies := e.comments(fmt.Sprintf("%s/comments?parent=%d", doc, onKey))
	if len(replies.Comments) != 1 || replies.Comments[0].Key == nil || *replies.Comments[0].Key != key {
		t.Errorf("replies follow the parent's provision: %+v", replies.Comments)
	}

	// The provision changes in Rev.1: the thread says it was on the zero draft.
	rev := strings.Replace(zeroDraft, "Decides to establish", "Decides to set up", 1)
	if status, raw := e.call("POST", doc+"/versions", map[string]any{"label": "Rev.1", "text": rev}, nil); status != 201 {
		t.Fatalf("Rev.1: %d %s", status, raw)
	}
	if newKey, _ := e.keyOf(c.ID, 2, "Decides"); newKey != key {
		t.Fatalf("key changed from %s to %s", key, newKey)
	}
	got := e.comments(doc + "/comments").find(onKey)
	if got == nil || got.Version != 1 || !got.TextChanged || got.VersionLabel != "Zero draft" || got.ReplyCount != 1 {
		t.Errorf("comment on a changed provision: %+v", got)
	}

	// Body limits.
	for _, tc := range []struct {
		body string
		want int
	}{{"   ", 422}, {strings.Repeat("a", negotiation.MaxCommentBody+1), 413}} {
		if status, _ := e.call("POST", doc+"/comments", map[string]any{"body": tc.body}, nil); status != tc.want {
			t.Errorf("body of %d characters: %d, want %d", len(tc.body), status, tc.want)
		}
	}
	e.comment(doc, map[string]any{"body": "  " + strings.Repeat("a", negotiation.MaxCommentBody) + "\n"})
}

func TestCommentPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COM/P", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	made := map[int64]bool{}
	for i := 0; i < 45; i++ {
		made[e.comment(doc, map[string]any{"body": fmt.Sprintf("comment %d", i)})] = true
	}
	seen := map[int64]bool{}
	var last int64
	path, pages := doc+"/comments", 0
	for {
		l := e.comments(path)
		pages++
		if len(l.Comments) > 20 {
			t.Errorf("page %d has %d comments", pages, len(l.Comments))
		}
		for _, cm := range l.Comments {
			if seen[cm.ID] {
				t.Errorf("comment %d on two pages", cm.ID)
			}
			if cm.ID < last {
				t.Errorf("comment %d after %d", cm.ID, last)
			}
			seen[cm.ID], last = true, cm.ID
		}
		if l.Next == nil {
			break
		}
		path = doc + "/comments?cursor=" + url.QueryEscape(*l.Next)
	}
	if pages != 3 || len(seen) != len(made) {
		t.Errorf("%d pages, %d comments seen of %d", pages, len(seen), len(made))
	}
	if status, _ := e.call("GET", doc+"/comments?cursor=garbage", nil, nil); status != 422 {
		t.Errorf("a forged cursor: %d", status)
	}
}

func TestCommentModerationAndHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createDoc("A/COM/M", zeroDraft)
	doc := fmt.Sprintf("/api/v1/documents/%d", c.ID)
	ken := &testEnv{t: t, url: e.url, token: e.tokenFor("KEN", negotiation.PartyState, "d@ken.example")}
	fra := &testEnv{t: t, url: e.url, token: e.tokenFor("FRA", negotiation.PartyState, "d@fra.example")}
	bra := &testEnv{t: t, url: e.url, token: e.tokenFor("BRA", negotiation.PartyState, "d@bra.example")}
	first := ken.comment(doc, map[string]any{"body": "first draft of my view"})
	reply := fra.comment(doc, map[string]any{"parent": first, "body": "a reply"})
	cm := fmt.Sprintf("/api/v1/comments/%d", first)

	// Edits keep history.
	if status, _ := fra.call("PUT", cm, map[string]any{"body": "hijacked"}, nil); status != 403 {
		t.Errorf("someone else edited: %d", status)
	}
	if status, raw := ken.call("PUT", cm, map[string]any{"body": "my considered view"}, nil); status != 200 {
		t.Fatalf("edit: %d %s", status, raw)
	}
	if got := e.comments(doc + "/comments").find(first); got == nil || !got.Edited || got.Body != "my considered view" {
		t.Errorf("edited comment: %+v", got)
	}
	var hist struct{ History []struct{ Body string } }
	fra.call("GET", cm+"/history", nil, &hist)
	if len(hist.History) != 1 || hist.History[0].Body != "first draft of my view" {
		t.Errorf("history: %+v", hist)
	}

	// Reports: not the author, once per person.
	if status, _ := ken.call("POST", cm+"/report", map[string]any{"reason": "mine"}, nil); status != 403 {
		t.Errorf("the author reported: %d", status)
	}
	if status, raw := fra.call("POST", cm+"/report", map[string]any{"reason": "off topic"}, nil); status != 201 {
		t.Errorf("report: %d %s", status, raw)
	}
	if status, _ := fra.call("POST", cm+"/report", map[string]any{"reason": "again"}, nil); status != 409 {
		t.Errorf("the same user reported twice: %d", status)
	}

	// The secretariat hides with a reason; the reply stays readable.
	if status, _ := fra.call("POST", cm+"/hide", map[string]any{"reason": "x"}, nil); status != 403 {
		t.Errorf("a delegation hid a comment: %d", status)
	}
	if status, _ := e.call("POST", cm+"/hide", map[string]any{"reason": " "}, nil); status != 422 {
		t.Errorf("hidden without a reason: %d", status)
	}
	if status, raw := e.call("POST", cm+"/hide", map[string]any{"reason": "personal attack"}, nil); status != 200 {
		t.Fatalf("hide: %d %s", status, raw)
	}
	l := bra.comments(doc + "/comments")
	got := l.find(first)
	if got == nil || got.Status != "hidden" || got.Body != "" ||
		!strings.HasPrefix(got.Tombstone, "hidden by the secretariat on ") || !strings.HasSuffix(got.Tombstone, " UTC: personal attack") {
		t.Errorf("hidden comment as a delegation sees it: %+v", got)
	}
	if l.Counts.Hidden != 1 || l.Counts.Visible != 1 {
		t.Errorf("counts: %+v", l.Counts)
	}
	if r := bra.comments(fmt.Sprintf("%s/comments?parent=%d", doc, first)).find(reply); r == nil || r.Body != "a reply" {
		t.Errorf("the reply to a hidden comment is gone: %+v", r)
	}
	if status, _ := bra.call("POST", doc+"/comments", map[string]any{"parent": first, "body": "x"}, nil); status != 422 {
		t.Errorf("reply to a hidden comment: %d", status)
	}
	var histHidden struct{ History []struct{ Body string } }
	bra.call("GET", cm+"/history", nil, &histHidden)
	if len(histHidden.History) != 0 {
		t.Errorf("a hidden comment's history shown to a delegation")
	}
	if status, _ := e.call("POST", cm+"/restore", map[string]any{"reason": "on appeal"}, nil); status != 200 {
		t.Errorf("restore: %d", status)
	}

	// Three reports hide pending review (default threshold).
	target := bra.comment(doc, map[string]any{"body": "provocative"})
	tc := fmt.Sprintf("/api/v1/comments/%d", target)
	for i, r := range []*testEnv{ken, fra, e} {
		var out struct{ Status string }
		if status, raw := r.call("POST", tc+"/report", map[string]any{}, &out); status != 201 {
			t.Fatalf("report %d: %d %s", i, status, raw)
		} else if want := map[bool]string{true: "hidden", false: "visible"}[i == 2]; out.Status != want {
			t.Errorf("after report %d: %s, want %s", i+1, out.Status, want)
		}
	}
	if got := ken.comments(doc + "/comments").find(target); got == nil || !strings.Contains(got.Tombstone, "pending review") {
		t.Errorf("comment hidden by reports: %+v", got)
	}

	// Withdrawal by the author only; a tombstone remains.
	if status, _ := ken.call("POST", fmt.Sprintf("/api/v1/comments/%d/withdraw", reply), nil, nil); status != 403 {
		t.Errorf("someone else withdrew: %d", status)
	}
	if status, raw := fra.call("POST", fmt.Sprintf("/api/v1/comments/%d/withdraw", reply), nil, nil); status != 200 {
		t.Errorf("withdraw: %d %s", status, raw)
	}
	r := ken.comments(fmt.Sprintf("%s/comments?parent=%d", doc, first)).find(reply)
	if r == nil || r.Status != "withdrawn" || r.Body != "" || !strings.HasPrefix(r.Tombstone, "withdrawn by its author") {
		t.Errorf("withdrawn reply: %+v", r)
	}
	if status, _ := fra.call("PUT", fmt.Sprintf("/api/v1/comments/%d", reply), map[string]any{"body": "back"}, nil); status != 409 {
		t.Errorf("a withdrawn comment edited: %d", status)
	}
}
