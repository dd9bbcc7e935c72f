package oidcprovider

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Per-client throttling of sign-in attempts: each client address has a
// bucket of ipBurst attempts that refills by one every ipRefill. A
// successful sign-in gives its attempt back, so only failures wear the
// bucket down; an attempt is taken before the password is checked, so that
// parallel requests cannot all slip through before the first failure
// counts.
const (
	ipBurst  = 10
	ipRefill = 30 * time.Second
	// sweepAt is the number of tracked addresses above which full buckets
	// (which mean the same as no bucket) are dropped.
	sweepAt = 10000
)

// throttle is an in-memory set of token buckets keyed by client address.
// Being in memory, each server process counts on its own; the account
// lockout, which is in the database, is what holds across processes.
type throttle struct {
	mu      sync.Mutex
	buckets map[netip.Prefix]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newThrottle() *throttle {
	return &throttle{buckets: make(map[netip.Prefix]*bucket), now: time.Now}
}

// take uses one attempt of key; false means there is none left.
func (t *throttle) take(key netip.Prefix) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.refill(key)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// give returns an attempt taken by take.
func (t *throttle) give(key netip.Prefix) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.refill(key)
	b.tokens = min(b.tokens+1, ipBurst)
}

// refill returns key's bucket topped up for the time since its last use.
func (t *throttle) refill(key netip.Prefix) *bucket {
	now := t.now()
	b, ok := t.buckets[key]
	if !ok {
		if len(t.buckets) >= sweepAt {
			t.sweep(now)
		}
		b = &bucket{tokens: ipBurst, at: now}
		t.buckets[key] = b
		return b
	}
	b.tokens = min(ipBurst, b.tokens+float64(now.Sub(b.at))/float64(ipRefill))
	b.at = now
	return b
}

// sweep drops the buckets that have refilled completely.
func (t *throttle) sweep(now time.Time) {
	for k, b := range t.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(ipRefill) >= ipBurst {
			delete(t.buckets, k)
		}
	}
}

// clientKey returns the throttling key of the request's client: its address
// as a single-address prefix, or its /64 for IPv6, because one host
// commonly holds a whole /64. The address is the TCP peer's; a
// X-Forwarded-For header is believed only when the peer is one of the
// trusted proxies, and then only as far as the chain of trusted proxies
// goes, since any client can send one.
func clientKey(r *http.Request, trusted []netip.Prefix) netip.Prefix {
	addr := peerAddr(r.RemoteAddr)
	if addr.IsValid() && isTrusted(addr, trusted) {
		addr = forwardedClient(r.Header.Values("X-Forwarded-For"), addr, trusted)
	}
	if !addr.IsValid() {
		return netip.Prefix{} // one shared bucket for whatever cannot be parsed
	}
	bits := 32
	if addr.Is6() {
		bits = 64
	}
	p, _ := addr.Prefix(bits)
	return p
}

// peerAddr parses r.RemoteAddr ("host:port"), unmapping IPv4-in-IPv6.
func peerAddr(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return addr.Unmap().WithZone("")
}

func isTrusted(addr netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwardedClient walks X-Forwarded-For from the right (the entry added by
// the nearest proxy) and returns the first address that is not a trusted
// proxy: everything left of it may have been written by the client.
func forwardedClient(headers []string, peer netip.Addr, trusted []netip.Prefix) netip.Addr {
	var hops []string
	for _, h := range headers {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		addr := peerAddr(strings.TrimSpace(hops[i]))
		if !addr.IsValid() {
			return client
		}
		client = addr
		if !isTrusted(addr, trusted) {
			return addr
		}
	}
	return client
}
