package diff

// Summary counts provisions by change, for the headline of a comparison page.
// Every provision is in exactly one of the first five counts; Renumbered is
// the part of Unchanged whose number differs, so a page can say "12 unchanged
// (3 renumbered)".
type Summary struct {
	Added      int `json:"added"`
	Removed    int `json:"removed"`
	Modified   int `json:"modified"`
	Moved      int `json:"moved"`
	Unchanged  int `json:"unchanged"`
	Renumbered int `json:"renumbered"`
}

// Stats counts the provisions of a Versions result by change.
func Stats(ps []Provision) Summary {
	var s Summary
	for _, p := range ps {
		switch p.Change {
		case Added:
			s.Added++
		case Removed:
			s.Removed++
		case Modified:
			s.Modified++
		case Moved:
			s.Moved++
		case Unchanged:
			s.Unchanged++
			if renumbered(p) {
				s.Renumbered++
			}
		}
	}
	return s
}

// Changed keeps the provisions a reader of "changes only" needs to see:
// everything except unchanged provisions that kept their number. A
// renumbered provision counts as changed, because citations of the old
// number (OP5 is now OP6) are exactly what delegates look for.
func Changed(ps []Provision) []Provision {
	out := make([]Provision, 0, len(ps))
	for _, p := range ps {
		if p.Change != Unchanged || renumbered(p) {
			out = append(out, p)
		}
	}
	return out
}

// renumbered reports whether p's number differs between the versions.
func renumbered(p Provision) bool {
	return p.FromNumber != p.ToNumber
}
