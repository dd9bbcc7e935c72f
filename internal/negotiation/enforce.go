//go:build !leakbackstop

package negotiation

// enforced: the application applies the disclosure rules itself (and the
// database applies them again).
const enforced = true
