// Package diff compares negotiation texts: two paragraph texts word by word
// (Words) and two versions of a document paragraph by paragraph (Versions).
//
// Everything here is a pure function without I/O, so the web handlers, the
// export code and users' scripts all see the same result for the same input.
//
// The one promise callers rely on is reconstruction: concatenating the
// "equal" and "delete" texts of a diff gives the old text byte for byte, and
// "equal" plus "insert" gives the new text. Cosmetic choices (where an edit
// starts, when a paragraph is shown as rewritten instead of edited) may change
// between releases; reconstruction may not.
package diff
