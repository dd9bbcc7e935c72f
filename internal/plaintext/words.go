package plaintext

// setOf builds a set of lower-case words.
func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// operativeVerbs start operative paragraphs of UN resolutions and
// decisions ("Decides", "Calls upon"), in British and American spelling;
// "shall" covers treaty articles typed without numbers.
var operativeVerbs = setOf(
	"decides", "requests", "urges", "calls", "invites", "encourages",
	"recommends", "welcomes", "notes", "takes", "affirms", "reaffirms",
	"expresses", "emphasizes", "emphasises", "stresses", "recognizes",
	"recognises", "endorses", "adopts", "approves", "authorizes",
	"authorises", "agrees", "shall", "acknowledges", "appeals", "condemns",
	"deplores", "demands", "declares", "designates", "directs",
	"establishes", "supports", "underlines", "underscores", "commends",
	"confirms", "reiterates", "regrets", "proclaims", "resolves", "trusts",
	"appreciates", "highlights", "instructs", "mandates", "renews",
	"extends", "recalls", "transmits", "exhorts", "commits", "looks",
	"considers", "wishes", "elects", "appoints", "reminds", "requires",
	"believes", "salutes", "thanks", "pays", "accepts", "determines",
	"insists", "observes", "launches",
)

// preambularWords start preambular paragraphs without being -ing forms
// ("Mindful", "Deeply concerned", "Guided by").
var preambularWords = setOf(
	"mindful", "deeply", "gravely", "seriously", "convinced", "aware",
	"conscious", "concerned", "alarmed", "determined", "desiring",
	"desirous", "guided", "cognizant", "cognisant", "resolved", "committed",
	"encouraged", "disturbed", "appreciative", "grateful", "fully",
	"recognizing", "recognising", "having", "bearing", "keeping", "acting",
	"noting", "taking", "stressing", "emphasizing", "emphasising",
	"underlining", "affirming", "reaffirming", "recalling", "welcoming",
	"acknowledging", "expressing", "considering", "believing", "observing",
	"reiterating", "deploring", "viewing", "realizing", "realising", "pursuant", "profoundly", "greatly",
	"confident", "anxious", "shocked", "dismayed", "appreciating",
)

// adverbs may precede the verb or participle that classifies a paragraph
// ("Also requests", "Further recalling", "Strongly condemns").
var adverbs = setOf(
	"also", "further", "furthermore", "strongly", "again", "firmly",
	"hereby", "warmly", "earnestly", "respectfully", "solemnly",
	"repeatedly", "once", "equally", "moreover", "likewise", "additionally",
	"urgently", "resolutely", "sincerely", "finally",
)

// ingWords end in -ing without being participles that open a preambular
// paragraph.
var ingWords = setOf(
	"nothing", "during", "everything", "anything", "something",
	"notwithstanding", "including", "according", "regarding",
	"concerning", "following", "pending", "beginning", "thing", "string",
	"spring", "morning", "evening", "building", "funding", "meeting",
	"training", "planning", "reporting", "monitoring", "financing",
	"engineering", "housing", "labelling", "labeling", "packaging",
	"sharing", "spending", "standing", "ring", "king", "bring",
)

// chapeauWords are the lower-case words allowed in the name of the body
// that adopts a text ("The Conference of the Parties to the Convention,").
var chapeauWords = setOf(
	"of", "the", "to", "this", "for", "on", "and", "in", "at", "its",
	"instrument", "convention", "protocol", "agreement", "treaty", "serving",
	"as", "meeting", "session", "parties",
)
