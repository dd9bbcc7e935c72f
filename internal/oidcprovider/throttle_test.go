package oidcprovider

import (
	"net/http"
	"net/netip"
	"testing"
	"time"
)

func TestClientKey(t *testing.T) {
	t.Parallel()
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		remote  string
		xff     string
		trusted []netip.Prefix
		want    string
	}{
		{"192.0.2.1:5000", "", nil, "192.0.2.1/32"},
		{"192.0.2.1:5000", "203.0.113.7", nil, "192.0.2.1/32"},     // no trusted proxy: header ignored
		{"192.0.2.1:5000", "203.0.113.7", proxies, "192.0.2.1/32"}, // peer is not a trusted proxy
		{"10.0.0.2:5000", "203.0.113.7", proxies, "203.0.113.7/32"},
		{"10.0.0.2:5000", "198.51.100.1, 203.0.113.7, 10.0.0.9", proxies, "203.0.113.7/32"}, // left of the first untrusted is forgeable
		{"10.0.0.2:5000", "garbage", proxies, "10.0.0.2/32"},
		{"[2001:db8:1:2:3:4:5:6]:443", "", nil, "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.1]:80", "", nil, "192.0.2.1/32"},
	} {
		r := &http.Request{RemoteAddr: c.remote, Header: http.Header{}}
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := clientKey(r, c.trusted).String(); got != c.want {
			t.Errorf("clientKey(%s, XFF %q) = %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

func TestThrottle(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newThrottle()
	th.now = func() time.Time { return now }
	a := netip.MustParsePrefix("192.0.2.1/32")
	b := netip.MustParsePrefix("192.0.2.2/32")

	for i := range ipBurst {
		if !th.take(a) {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if th.take(a) {
		t.Error("attempt over the burst allowed")
	}
	if !th.take(b) {
		t.Error("another client is throttled too")
	}
	now = now.Add(ipRefill)
	if !th.take(a) {
		t.Error("no attempt after the refill interval")
	}
	if th.take(a) {
		t.Error("more than one attempt after one refill interval")
	}
	th.give(a)
	if !th.take(a) {
		t.Error("an attempt given back cannot be taken")
	}
}
