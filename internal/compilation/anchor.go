package compilation

import (
	"fmt"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// anchor finds where proposal p applies in provs: the index of the
// provision it touches or follows (top for an insertion at the top) and,
// when it does not fit, a problem written for a person. The checks are
// negotiation.CheckAnchor's, run against the one provision found through
// index so that a long version is not searched once per proposal.
func anchor(p *negotiation.Proposal, provs []negotiation.Provision, index map[string]int) (int, string) {
	if p.Kind == negotiation.InsertProvision && p.Key == "" {
		return top, problem(negotiation.CheckAnchor(*p, nil))
	}
	i, ok := index[p.Key]
	if !ok {
		return top, fmt.Sprintf("the text has no provision with key %q", p.Key)
	}
	if p.Kind == negotiation.Move {
		if t, ok := index[p.Target]; p.Target != "" && (!ok || t == i) {
			return i, fmt.Sprintf("move target %q is not another provision of the text", p.Target)
		}
		return i, ""
	}
	return i, problem(negotiation.CheckAnchor(*p, provs[i:i+1]))
}

// problem is the user-readable message of err, "" for nil.
func problem(err error) string {
	if err == nil {
		return ""
	}
	return negotiation.ErrorMessage(err)
}
