package plaintext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// maxHeading is the longest paragraph, in characters, read as a heading.
const maxHeading = 100

// Classify sets Label, Text and Kind of every provision of ps in place, in
// order, each in the light of the kinds before it (preambular paragraphs
// come before the first operative one). The paragraph read is FullText(),
// so a provision may arrive with its whole paragraph in Text and no Label
// (as Parse builds them) or already split; classifying twice gives the
// same result. Keys are left alone, so a list with explicit keys can be
// classified too; Number is not set (call Number afterwards).
//
// The rules, first match wins:
//   - marker "PP2" → preambular; "OP3", "3.", "3bis" → operative, except a
//     plain numbered title ("2. Objective": short, capitalised, no terminal
//     punctuation, no operative verb), which is a heading, as treaties number
//     their sections that way;
//   - marker "Article 5", "Part II", "Annex A" … → heading;
//   - marker "(a)", "iv." … → subparagraph (an upper-case one with a title
//     after it, "A. Financial mechanism", is a heading);
//   - no marker: starting with a digit (a footnote in extracted PDFs), a
//     lower-case letter (a broken line) or a bullet, without any letter, or
//     a placeholder ("No text.") → text; "Option 1", "Sub-option 2",
//     "Alt …" → heading when short and unpunctuated, else text; after a
//     paragraph that stops in mid-sentence, unless it starts with an
//     operative verb or a participle → text (its broken-off rest); "The
//     General Assembly," before any paragraph → heading; a third-person verb
//     ("Decides", "Also requests") → operative; before the first operative
//     paragraph a participle or adjective ("Recalling", "Deeply concerned")
//     or a final comma → preambular; a short line without terminal
//     punctuation → heading; after the first operative paragraph →
//     operative; anything else → text.
func Classify(ps []negotiation.Provision) {
	var c classifier
	for i := range ps {
		label, text, info := splitLabel(normalise(ps[i].FullText()))
		ps[i].Label, ps[i].Text = label, text
		ps[i].Kind = c.next(info, text)
	}
}

// classifier carries what Classify has seen so far.
type classifier struct {
	sawOperative  bool
	sawPreambular bool
	// prevOpen is set when the previous paragraph stopped in mid-sentence,
	// so an unmarked paragraph after it is most likely its broken-off rest.
	prevOpen bool
}

// next classifies one paragraph and remembers its kind.
func (c *classifier) next(info labelInfo, text string) negotiation.ProvisionKind {
	k := c.kind(info, text)
	switch k {
	case negotiation.KindOperative:
		c.sawOperative = true
	case negotiation.KindPreambular:
		c.sawPreambular = true
	}
	c.prevOpen = k != negotiation.KindHeading && endsOpen(text, c.sawOperative)
	return k
}

// endsOpen reports whether text stops in mid-sentence: on a letter, an
// opening parenthesis or a dash, or, among operative paragraphs, a comma
// (preambular paragraphs all end in commas).
func endsOpen(text string, operative bool) bool {
	r, _ := utf8.DecodeLastRuneInString(trimClosers(text))
	switch {
	case r == utf8.RuneError:
		return false
	case r == ',':
		return operative
	}
	return unicode.IsLetter(r) || strings.ContainsRune("(-–", r)
}

// kind applies the rules documented on Classify.
func (c *classifier) kind(info labelInfo, text string) negotiation.ProvisionKind {
	switch info.class {
	case ppLabel:
		return negotiation.KindPreambular
	case opLabel:
		return negotiation.KindOperative
	case numericLabel:
		if isTitle(text) {
			return negotiation.KindHeading
		}
		return negotiation.KindOperative
	case structuralLabel:
		return negotiation.KindHeading
	case subLabel:
		if isUpper(info.base) && isTitle(text) {
			return negotiation.KindHeading
		}
		return negotiation.KindSubparagraph
	}
	return c.unlabelled(text)
}

// unlabelled classifies a paragraph without marker.
func (c *classifier) unlabelled(text string) negotiation.ProvisionKind {
	core := trimOpeners(text)
	first, _ := utf8.DecodeRuneInString(core)
	switch {
	case unicode.IsDigit(first), unicode.IsLower(first), isBullet(first),
		!hasLetter(core), isNoText(core):
		return negotiation.KindText
	case isOptionLine(core):
		if isHeadingLike(text) {
			return negotiation.KindHeading
		}
		return negotiation.KindText
	case c.prevOpen && !startsOperative(core) && !startsPreambular(core):
		return negotiation.KindText
	case !c.sawOperative && !c.sawPreambular && isChapeau(core):
		return negotiation.KindHeading
	case startsOperative(core):
		return negotiation.KindOperative
	case !c.sawOperative && (startsPreambular(core) || endsWithComma(text)):
		return negotiation.KindPreambular
	case isHeadingLike(text):
		return negotiation.KindHeading
	case c.sawOperative:
		return negotiation.KindOperative
	}
	return negotiation.KindText
}

// isBullet reports whether r marks an item of a bulleted list; such items
// carry no number of their own, so they stay free text.
func isBullet(r rune) bool {
	return strings.ContainsRune("-–—•▪◦·", r)
}

// hasLetter reports whether s contains a letter.
func hasLetter(s string) bool {
	return strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// isNoText reports whether core is the placeholder of an empty option
// ("No text.", "No provision on this matter.", "No standalone provision.").
func isNoText(core string) bool {
	w, rest := splitWord(core)
	if w != "No" {
		return false
	}
	switch next := strings.ToLower(firstWord(rest)); next {
	case "text", "provision", "standalone", "additional", "new":
		return true
	}
	return false
}

// isTitle reports whether the body after a number or capital letter is a
// section title ("Objective", "Primary plastic polymers") rather than a
// numbered paragraph.
func isTitle(text string) bool {
	core := trimOpeners(text)
	first, _ := utf8.DecodeRuneInString(core)
	return unicode.IsUpper(first) && isHeadingLike(text) &&
		!startsOperative(core) && !startsPreambular(core) && !hasModal(core)
}

// hasModal reports whether s contains "shall", "should" or "must", which
// make a sentence, never a title.
func hasModal(s string) bool {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }) {
		switch strings.ToLower(w) {
		case "shall", "should", "must":
			return true
		}
	}
	return false
}

// isHeadingLike reports whether text is short, has a letter and does not
// end in terminal punctuation (. , ; :), ignoring closing brackets, quotes,
// asterisks and glued footnote digits ("Definitions7").
func isHeadingLike(text string) bool {
	if text == "" || utf8.RuneCountInString(text) > maxHeading {
		return false
	}
	end := trimClosers(text)
	if !hasLetter(end) {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(end)
	return !strings.ContainsRune(".,;:", r)
}

// isChapeau reports whether core names the body that speaks, as in "The
// General Assembly," or "[The Parties to this instrument*,": "The", then
// capitalised words and a few function words, then a comma. A sentence
// ("The Parties are aware …,") has other lower-case words.
func isChapeau(core string) bool {
	if !strings.HasPrefix(core, "The ") || !endsWithComma(core) ||
		utf8.RuneCountInString(core) > maxHeading {
		return false
	}
	for _, w := range strings.FieldsFunc(core, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if !isCapitalised(w) && !chapeauWords[w] {
			return false
		}
	}
	return true
}

// endsWithComma reports whether text ends in a comma, ignoring closing
// brackets, quotes, asterisks and footnote digits.
func endsWithComma(text string) bool {
	return strings.HasSuffix(trimClosers(text), ",")
}

// isOptionLine reports whether core starts a drafting alternative
// ("Option 1", "Sub-option 0**", "Alt title: …"), which is neither
// preambular nor operative text.
func isOptionLine(core string) bool {
	w := strings.ToLower(firstWord(core))
	switch w {
	case "option", "sub-option", "suboption", "alternative", "alt":
		return true
	}
	return false
}

// startsOperative reports whether core starts with a third-person verb of
// an operative paragraph, possibly after an adverb ("Also requests").
func startsOperative(core string) bool {
	w, rest := splitWord(core)
	if !isCapitalised(w) {
		return false
	}
	lw := strings.ToLower(w)
	if adverbs[lw] {
		w, _ = splitWord(rest)
		lw = strings.ToLower(w)
	}
	return operativeVerbs[lw]
}

// startsPreambular reports whether core starts like a preambular paragraph:
// a participle or adjective ("Recalling", "Mindful", "Deeply concerned"),
// possibly after an adverb ("Also noting").
func startsPreambular(core string) bool {
	w, rest := splitWord(core)
	if !isCapitalised(w) {
		return false
	}
	lw := strings.ToLower(w)
	if preambularWords[lw] || isParticiple(lw) {
		return true
	}
	if !adverbs[lw] {
		return false
	}
	w, _ = splitWord(rest)
	lw = strings.ToLower(w)
	return preambularWords[lw] || isParticiple(lw)
}

// isParticiple reports whether lw looks like a present participle
// ("acknowledging"), excluding common words that merely end in -ing.
func isParticiple(lw string) bool {
	return len(lw) > 5 && strings.HasSuffix(lw, "ing") && !ingWords[lw]
}

// firstWord gives the first word of s.
func firstWord(s string) string {
	w, _ := splitWord(s)
	return w
}

// splitWord gives the leading word of s (letters, hyphens, apostrophes) and
// what follows it after one space.
func splitWord(s string) (word, rest string) {
	end := strings.IndexFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && r != '-' && r != '\''
	})
	if end < 0 {
		return s, ""
	}
	return s[:end], strings.TrimPrefix(s[end:], " ")
}

// isCapitalised reports whether w starts with an upper-case letter.
func isCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

// isUpper reports whether s has letters and all of them are upper case.
func isUpper(s string) bool {
	return s != "" && strings.ToUpper(s) == s && strings.ToLower(s) != s
}

// trimOpeners drops leading brackets, quotes and spaces, so "[Recalling"
// and "“Decides" are read by their first word.
func trimOpeners(s string) string {
	return strings.TrimLeft(s, "[［(\"“‘'«* ")
}

// trimClosers drops trailing brackets, quotes, asterisks, spaces and glued
// footnote digits, so the last real character of a paragraph can be seen.
func trimClosers(s string) string {
	return strings.TrimRight(s, "]］)\"”’'»* 0123456789")
}
