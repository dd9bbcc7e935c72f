package negotiation

import "testing"

func TestRuneSlice(t *testing.T) {
	cases := []struct {
		s          string
		start, end int
		want       string
	}{
		{"shall act", 0, 5, "shall"},
		{"shall act", 6, 9, "act"},
		{"缔约方应当", 3, 5, "应当"},
		{"é[x]", 1, 4, "[x]"},
		{"abc", 3, 3, ""},
		{"abc", 1, 1, ""},
	}
	for _, tc := range cases {
		if got := RuneSlice(tc.s, tc.start, tc.end); got != tc.want {
			t.Errorf("RuneSlice(%q, %d, %d) = %q, want %q", tc.s, tc.start, tc.end, got, tc.want)
		}
	}
}
