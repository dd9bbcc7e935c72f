// Package compilation builds the two texts a secretariat derives from the
// proposals tabled against a version: the compilation text (Compile, Text),
// which shows every tabled proposal inline in brackets with its proposer,
// and the next revision (Revise), which folds the incorporated proposals
// into new provisions while the pending ones are carried forward
// (CarryForward) or explicitly orphaned.
//
// Everything here is pure: no I/O, no clock, no database. The store loads
// the version, its proposals and the chair's provision statuses and hands
// them over; the same input always gives the same output, so the page, the
// API and the exports agree.
//
// Two promises callers rely on:
//
//   - Reconstruction: for every entry that is a provision of the version,
//     concatenating its plain segments and the base option (option 0) of its
//     bracket segments gives the provision's text byte for byte. Brackets
//     only ever add options; they never change the base text.
//   - Nothing is lost: every proposal the filter selects is either shown
//     (inline, as an inserted provision or as a move) or listed among the
//     orphans with the reason; draft proposals are never shown.
//
// Texts are kept raw: a "<script>" typed in a provision or a proposal stays
// those characters here, and escaping is the renderer's business.
//
// # Plain-text convention
//
// Text renders a compilation as lines, one per entry, "NUMBER text":
//
//	OP3 … and [shall] [should]{#2 EU} [must]{#5 G77, BRA} report[ annually] []{#7 US: delete};
//
// A bracket is the base text in square brackets followed, separated by one
// space, by each proposal's formulation of the same span in square brackets
// with its attribution in braces: "#" and the proposal id, the proposer and
// its co-sponsors, and ", suggested by X" for an observer's suggestion. An
// empty formulation is tagged after a colon: ": delete" for a deletion,
// ": no text" for the "no text" alternative. At an insertion point there
// is no base text, so the base bracket is left out: "to [urgently]{#4 EU} act".
//
// Proposals on a provision as a whole (replace, alternative, delete, move)
// stack the provision as options, the first being the provision as it
// stands with its inline brackets:
//
//	OP6 Option 1: [Decides … [shall] [should]{#2 EU} …;]
//	    Option 2: [Decides otherwise;]{#8 US}
//	    Option 3: []{#9 G77: no text}
//	    Option 4: []{#10 EU: move after OP7}
//
// A provision proposed for insertion gets a provisional number after the
// one it follows ("OP3bis") and its text as a bracket without base:
// "OP3bis [Also decides …]{#9 AOSIS}". A move shows, after its target, the
// moved provision's number with "[moved here]{#10 EU: move}". Orphaned
// proposals and the provenance table follow the provisions, each after a
// blank line and a heading line.
package compilation
