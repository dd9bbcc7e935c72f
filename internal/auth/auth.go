// Package auth signs people in with OpenID Connect (coreos/go-oidc as
// relying party, authorization code flow with state, nonce and PKCE S256),
// keeps server-side sessions, and makes personal API tokens. The built-in
// provider lives in package oidcprovider; to this package it is just another
// issuer reached over HTTP.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Secret returns n random bytes, base64url-encoded: session ids, states,
// nonces, API tokens.
func Secret(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the platform is broken; nothing safe can continue
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is how secrets are stored: their SHA-256, never the secret itself.
// The secrets are 256-bit random values, so a plain hash is enough.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// TokenPrefix marks zerodraft API tokens, so that secret scanners and
// people recognise one when it leaks.
const TokenPrefix = "zd_"

// NewAPIToken returns a fresh API token.
func NewAPIToken() string { return TokenPrefix + Secret(32) }
