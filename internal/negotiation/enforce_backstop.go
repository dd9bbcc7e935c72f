//go:build leakbackstop

package negotiation

// enforced is false in the backstop test build (go test -tags leakbackstop):
// the application shows everything it reads, so that the leak matrix proves
// the database's row-level rules alone keep each secret.
const enforced = false
