package oidcprovider

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password limits. The maximum keeps a request from making the hash read
// megabytes; it is far above any passphrase.
const (
	MinPasswordLen = 12   // characters
	MaxPasswordLen = 1024 // bytes
)

// argon2id parameters for new hashes: the OWASP recommendation of 19 MiB,
// two passes, one lane. Old hashes keep the parameters they were made with.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds on the parameters a stored hash may ask for, so that a corrupt or
// hostile row cannot make a sign-in allocate gigabytes.
const (
	maxArgonMemory  = 256 * 1024
	maxArgonTime    = 16
	maxArgonThreads = 16
)

// hashSlots bounds how many hashes run at once: each holds argonMemory, and
// a burst of sign-ins must not exhaust the server's memory.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// ValidatePassword checks a new password against the length limits.
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return fmt.Errorf("the password must have at least %d characters", MinPasswordLen)
	}
	if len(pw) > MaxPasswordLen {
		return fmt.Errorf("the password must have at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// HashPassword hashes pw with argon2id and a random salt, in the PHC string
// format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded base64).
func HashPassword(pw string) (string, error) {
	if len(pw) > MaxPasswordLen {
		return "", fmt.Errorf("the password must have at most %d bytes", MaxPasswordLen)
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	p := argonParams{memory: argonMemory, time: argonTime, threads: argonThreads}
	key := p.key(pw, salt, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword tells whether pw matches hash, a string made by
// HashPassword. It compares in constant time, and a malformed hash matches
// nothing.
func CheckPassword(hash, pw string) bool {
	p, salt, want, err := parseHash(hash)
	if err != nil || len(pw) > MaxPasswordLen {
		return false
	}
	got := p.key(pw, salt, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when there is no account, so that an
// unknown email costs the same time as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword(rand.Text())
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return h
})

type argonParams struct {
	memory  uint32
	time    uint32
	threads uint8
}

// key runs argon2id, waiting for a free slot first.
func (p argonParams) key(pw string, salt []byte, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, keyLen)
}

var errBadHash = errors.New("not an argon2id hash in PHC format")

// parseHash splits $argon2id$v=19$m=..,t=..,p=..$salt$hash.
func parseHash(hash string) (p argonParams, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return p, nil, nil, errBadHash
	}
	if p.memory < 8*uint32(p.threads) || p.memory > maxArgonMemory || p.time < 1 || p.time > maxArgonTime ||
		p.threads < 1 || p.threads > maxArgonThreads {
		return p, nil, nil, errBadHash
	}
	b64 := base64.RawStdEncoding
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
