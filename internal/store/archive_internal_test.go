package store

import (
	"slices"
	"testing"
)

func TestCJKGrams(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"plastic pollution", []string{}},
		{"可持续", []string{"可", "持", "可持", "续", "持续"}},
		{"谈判 委员会", []string{"谈", "判", "谈判", "委", "员", "委员", "会", "员会"}},
		{"A/RES 大会决定", []string{"大", "会", "大会", "决", "会决", "定", "决定"}},
		{"会会会", []string{"会", "会会"}},
		{"ひらがなカタカナ한국", []string{"ひ", "ら", "ひら", "が", "らが", "な", "がな", "カ", "なカ", "タ", "カタ", "タカ", "ナ", "カナ", "한", "ナ한", "국", "한국"}},
	} {
		if got := cjkGrams(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("cjkGrams(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
