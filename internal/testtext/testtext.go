// Package testtext gives tests and benchmarks negotiation texts to work
// on: a synthetic resolution of any length, and real texts named by
// environment variables (never part of the project).
package testtext

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Synthetic builds a resolution-like text of n paragraphs, close in shape to
// a treaty compilation: a preamble, numbered operative paragraphs with
// sub-paragraphs, bis paragraphs, headings, and brackets, some of them
// nested and some spanning two paragraphs.
func Synthetic(n int) string {
	var b strings.Builder
	b.WriteString("The General Assembly,\n")
	op := 0
	for i := 1; i < n; i++ {
		switch {
		case i < n/10:
			fmt.Fprintf(&b, "Recalling its resolution %d/%d on [plastic [and other]] pollution of the marine environment,\n", i, i%7+1)
		case i%50 == 0:
			fmt.Fprintf(&b, "Article %d Matters arising\n", i/50)
		case i%5 == 1:
			op++
			fmt.Fprintf(&b, "%d. Decides that each Party [shall/should] take [effective] measures to reduce the production of item %d, [including\n", op, i)
		case i%5 == 2:
			fmt.Fprintf(&b, "(a) subject to national circumstances and capabilities];\n")
		case i%5 == 3:
			fmt.Fprintf(&b, "(b) in accordance with annex [A][B] and the guidance adopted under paragraph %d;\n", op)
		case i%5 == 4:
			fmt.Fprintf(&b, "%dbis. Also requests the secretariat to compile submissions on item %d;\n", op, i)
		default:
			fmt.Fprintf(&b, "Invites Member States to report on progress in the implementation of paragraph %d;\n", op)
		}
	}
	return b.String()
}

// Real reads the text file named by the environment variable env, without a
// first line that starts with "# " (the shared test data's source note).
// The test or benchmark is skipped when env is unset.
func Real(tb testing.TB, env string) string {
	tb.Helper()
	path := os.Getenv(env)
	if path == "" {
		tb.Skipf("set %s to a plain-text negotiation document to run this", env)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	s := string(raw)
	if strings.HasPrefix(s, "# ") {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	return s
}
