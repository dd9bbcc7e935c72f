package negotiation

import (
	"slices"
	"time"
)

// Action is something a viewer asks to do.
type Action string

// The actions the authorisation check decides. Every read and write path
// names one of them.
const (
	ReadDocuments       Action = "documents.read"  // list documents, read one, its versions and diffs
	CreateDocument      Action = "document.create" // create a document
	CreateVersion       Action = "version.create"  // issue a new version of a document
	ManageParties       Action = "parties.manage"  // add parties, group members
	ManageUsers         Action = "users.manage"    // link, suspend, revoke sessions
	ManageAccreditation Action = "accreditation.manage"
	UseAccount          Action = "account.use"         // own account page, own API tokens
	CreateToken         Action = "token.create"        // make a personal API token (from a browser session only)
	ApplyAccreditation  Action = "accreditation.apply" // apply for observer accreditation with one's own account
	ReadPartyUsers      Action = "party.users.read"    // see the users of one's own party, suspensions included
	Propose             Action = "proposal.create"     // table or draft a proposal (amendment)
	TakePosition        Action = "position.set"        // support, oppose, reserve, agree ad ref
	WithdrawProposal    Action = "proposal.withdraw"   // withdraw one's own party's proposal
	IssueRevision       Action = "revision.create"     // fold proposals into the next version
	SetDeadlines        Action = "document.deadlines"  // tabling deadline
	SetProvisionStatus  Action = "provision.status"    // green a provision, agree ad ref, reopen
	Suggest             Action = "suggestion.create"   // an observer's text suggestion
	Sponsor             Action = "suggestion.sponsor"  // a state or group takes up a suggestion
	ManageConsultation  Action = "consultation.manage" // open or close a document to observers
	Comment             Action = "comment.create"      // comment on a document, a provision or a proposal, or reply
	EditComment         Action = "comment.edit"        // edit one's own comment (history kept)
	WithdrawComment     Action = "comment.withdraw"    // withdraw one's own comment (tombstone)
	ReportComment       Action = "comment.report"      // report someone else's comment to the moderators
	ModerateComments    Action = "comments.moderate"   // hide or restore a comment with a reason
	SetCommentWindow    Action = "comments.window"     // set or extend a document's comment window
	SetDisclosure       Action = "disclosure.set"      // set a document's disclosure policy
	StartSilence        Action = "silence.start"       // put a version under the silence procedure, return it to negotiation
	BreakSilence        Action = "silence.break"       // a delegation breaks silence
	Adopt               Action = "document.adopt"      // adopt a document directly (consensus or vote)
	Translate           Action = "translation.set"     // add the adopted text in another language
	ExplainPosition     Action = "explanation.create"  // a party's explanation of position after adoption
	ExportComments      Action = "comments.export"     // export all comments of a document, hidden ones included
	ReadAudit           Action = "audit.read"          // read and export a document's audit trail
)

// DocumentAccess is what the authorisation check needs to know of one
// document.
type DocumentAccess struct {
	ID int64
	// ObserversConsulted: accredited observers may submit suggestions and
	// comments (reading is the disclosure policy's to decide).
	ObserversConsulted bool
	// Disclosure decides who reads the document and its parts.
	Disclosure Disclosure
}

// AuthorizeDocument is Authorize for an action on one document. Reading
// it is the disclosure policy's decision (the document's title and symbol
// included: a document the viewer may not read does not exist for them);
// every other action needs that first. The document's chair or
// facilitator may steer it (issue revisions, set provision status) as the
// secretariat does; accredited observers suggest text and comment while
// the document is open to consultation.
func AuthorizeDocument(v Viewer, action Action, d DocumentAccess, now time.Time) error {
	if !v.isSecretariat() && !d.Disclosure.ReadsText(v, now) {
		if !v.SignedIn() {
			// The same answer as for a document that does not exist.
			return Errorf(EUnauthorized, "sign in to continue")
		}
		return Errorf(ENotFound, "document %d not found", d.ID)
	}
	if action == ReadDocuments {
		return nil
	}
	if !v.SignedIn() {
		return Errorf(EUnauthorized, "sign in to continue")
	}
	switch {
	case (action == IssueRevision || action == SetProvisionStatus) && slices.Contains(v.ChairOf, d.ID):
		return nil
	case action == Suggest:
		if d.ObserversConsulted && v.Accredited(now) {
			return nil
		}
		return Errorf(EForbidden, "this document takes text suggestions from accredited observers only while consultation is open")
	case (action == Comment || action == EditComment || action == WithdrawComment) && v.PartyKind == PartyObserver:
		// Observers comment only while accredited and only on documents
		// open to consultation (elsewhere the read check already said 404).
		if d.ObserversConsulted && v.Accredited(now) {
			return nil
		}
		return Errorf(EForbidden, "this document takes comments from accredited observers only while consultation is open")
	}
	return Authorize(v, action, now)
}

// Authorize is the one place that decides whether v may do action at time
// now. It returns nil, or an *Error: EUnauthorized for anonymous viewers
// (sign in first), ENotFound where saying "forbidden" would reveal that
// something exists, EForbidden otherwise. Handlers never decide on their
// own.
func Authorize(v Viewer, action Action, now time.Time) error {
	if action == ReadDocuments {
		// Listing is open to everyone, anonymous visitors included; each
		// document in it is then checked with AuthorizeDocument against
		// its disclosure policy.
		return nil
	}
	if !v.SignedIn() {
		return Errorf(EUnauthorized, "sign in to continue")
	}
	switch action {
	case UseAccount:
		return nil
	case CreateToken:
		// A token must not mint further tokens: revoking a leaked one
		// would leave its offspring alive.
		if v.SessionHash != nil {
			return nil
		}
		return Errorf(EForbidden, "API tokens are made on the account page in a signed-in browser, not with another token")
	case ApplyAccreditation:
		// An account without rights applies; an observer applies again to renew.
		if v.PartyID == 0 || v.PartyKind == PartyObserver {
			return nil
		}
		return Errorf(EForbidden, "this account acts for %s already; observer accreditation is for organisations", v.PartyCode)
	case ReadPartyUsers:
		if v.PartyID != 0 && v.Role == RoleHead {
			return nil
		}
		return Errorf(EForbidden, "only the head of a delegation sees its users")
	case SetDisclosure:
		if v.isSecretariat() {
			return nil
		}
		return Errorf(EForbidden, "only the secretariat sets a document's disclosure rules")
	case Sponsor:
		if v.isMember() {
			return nil
		}
		return Errorf(EForbidden, "only state delegations and negotiating groups sponsor suggestions")
	case Propose, TakePosition, WithdrawProposal:
		// Brackets are the privilege of states and groups (and of the
		// secretariat, which enters proposals it receives); observers
		// suggest, and a state may sponsor their suggestion.
		if v.isSecretariat() || v.isMember() {
			return nil
		}
		return Errorf(EForbidden, "only state delegations and negotiating groups table proposals and take positions")
	case Comment, EditComment, WithdrawComment:
		// Members and the secretariat comment on what they may read;
		// observers are decided per document in AuthorizeDocument.
		if v.isSecretariat() || v.isMember() {
			return nil
		}
		return Errorf(EForbidden, "only delegations, the secretariat and accredited observers of a document open to consultation may comment")
	case ReportComment:
		// Anyone signed in who can see the comment may report it; seeing
		// it is checked per document and comment before this.
		return nil
	case ModerateComments, SetCommentWindow, ExportComments:
		if v.isSecretariat() {
			return nil
		}
		return Errorf(EForbidden, "only the secretariat moderates comments and sets comment windows")
	case BreakSilence, ExplainPosition:
		// Silence is kept or broken, and positions explained, by those
		// who negotiate: states and groups.
		if v.isMember() {
			return nil
		}
		return Errorf(EForbidden, "only state delegations and negotiating groups break silence or explain their position")
	case StartSilence, Adopt, Translate:
		if v.isSecretariat() {
			return nil
		}
		return Errorf(EForbidden, "only the secretariat runs silence procedures, adopts and publishes texts")
	case CreateDocument, CreateVersion, ManageParties, ManageUsers, ManageAccreditation, IssueRevision, SetDeadlines, SetProvisionStatus, ManageConsultation, ReadAudit:
		if v.isSecretariat() {
			return nil
		}
		return Errorf(EForbidden, "only the secretariat may do this")
	}
	return Errorf(EForbidden, "unknown action %q", action)
}

func (v Viewer) isSecretariat() bool { return v.PartyKind == PartySecretariat }

func (v Viewer) isMember() bool { return v.PartyKind == PartyState || v.PartyKind == PartyGroup }

// Accredited tells whether an observer's accreditation is valid at now.
func (v Viewer) Accredited(now time.Time) bool {
	return v.PartyKind == PartyObserver && v.AccreditedUntil != nil && now.Before(*v.AccreditedUntil)
}
