package main

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"testing"
)

func TestLoopbackOnly(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080"} {
		if _, err := loopbackURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	for _, u := range []string{"http://10.0.0.1:8080", "http://192.0.2.1", "ftp://127.0.0.1", "127.0.0.1:8080"} {
		if _, err := loopbackURL(u); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
}

func TestBounds(t *testing.T) {
	for _, args := range [][]string{
		{"--token", "x", "--duration", "11m"},
		{"--token", "x", "--concurrency", "0"},
		{"--token", "x", "--max", "2000000"},
		{"--token", "x", "--sse", "20000"},
		{"--token", "x", "--kind", "move"},
		{"--duration", "1s"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
	if _, err := parseFlags([]string{"--token", "x", "--sse", "1000", "--hold", "75s"}, io.Discard); err != nil {
		t.Error(err)
	}
}

func TestProposalQuotesItsSpan(t *testing.T) {
	text := []rune("Each Party shall take effective measures, including — where appropriate — bans;")
	tg := target{version: 3, provisions: []provision{{key: "p7", text: text, words: wordSpans(text)}}}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var p proposalBody
		if err := json.Unmarshal(tg.proposal(rng, "mixed"), &p); err != nil {
			t.Fatal(err)
		}
		if p.BaseVersion != 3 || p.Key != "p7" || p.Start >= p.End || string(text[p.Start:p.End]) != p.Quote {
			t.Fatalf("bad proposal %+v", p)
		}
		if (p.Kind == "replace") == (p.Text == "") {
			t.Fatalf("kind %s with text %q", p.Kind, p.Text)
		}
	}
}
