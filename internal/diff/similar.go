package diff

// related estimates whether a and b are versions of the same text: true
// when at least minPairPercent of the word pairs of the one with fewer pairs
// also occur in the other. A word pair is two consecutive tokens other than
// whitespace. Counting against the shorter side keeps a paragraph that grew
// a lot (old text kept, much added) related.
func (s *scratch) related() bool {
	a, b, table, counts := s.ra, s.rb, s.table, s.counts
	na := eachPair(a, table, func(k uint64) { counts[k]++ })
	shared := 0
	nb := eachPair(b, table, func(k uint64) {
		if counts[k] > 0 {
			counts[k]--
			shared++
		}
	})
	return shared*100 >= min(na, nb)*minPairPercent
}

// eachPair calls f with each word pair of the token runes rs, packed into
// one number, and returns how many there were.
func eachPair(rs []rune, table []string, f func(uint64)) int {
	var prev rune // no token maps to 0, so the first pair is (start, token)
	n := 0
	for _, r := range rs {
		if isSpace(table[tokenIndex(r)]) {
			continue
		}
		f(uint64(prev)<<32 | uint64(r))
		prev = r
		n++
	}
	return n
}
