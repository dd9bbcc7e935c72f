package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

func TestLoadDefaultsAndOverrides(t *testing.T) {
	c, err := Load("serve", nil, env(map[string]string{"ZERODRAFT_DATA_DIR": "/srv/zd"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "/srv/zd" || !c.Embedded() || c.BaseURL != "http://127.0.0.1:8080" {
		t.Errorf("defaults: %+v", c)
	}
	if c.SessionIdle != 2*time.Hour || c.SessionMax != 12*time.Hour {
		t.Errorf("session defaults: %v %v", c.SessionIdle, c.SessionMax)
	}
	c, err = Load("serve", []string{"--addr", "0.0.0.0:9000"}, env(map[string]string{"ZERODRAFT_ADDR": "127.0.0.1:1", "DATABASE_URL": "postgres://db/zd"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.Embedded() {
		t.Errorf("flag should win over environment and DATABASE_URL disable the embedded database: %+v", c)
	}
}

func TestLoadRefusesBadSettings(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--addr", "nonsense"}, nil, "host:port"},
		{nil, map[string]string{"ZERODRAFT_OIDC_ISSUER": "https://idp.example"}, "ZERODRAFT_OIDC_CLIENT_ID"},
		{[]string{"--base-url", "ftp://x"}, nil, "http"},
		{[]string{"--log-level", "loud"}, nil, "log level"},
		{[]string{"--session-idle", "2h", "--session-max", "1h"}, nil, "session"},
		{[]string{"extra"}, nil, "unexpected argument"},
	}
	for _, tc := range cases {
		_, err := Load("serve", tc.args, env(tc.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: error %v, want one mentioning %q", tc.args, tc.env, err, tc.want)
		}
	}
}

func TestSilenceMinimum(t *testing.T) {
	base := map[string]string{"ZERODRAFT_DATA_DIR": "/srv/zd"}
	c, err := Load("serve", nil, env(base), io.Discard)
	if err != nil || c.SilenceMin != 72*time.Hour {
		t.Fatalf("default %s, %v; want 72h", c.SilenceMin, err)
	}
	c, err = Load("serve", nil, env(map[string]string{"ZERODRAFT_DATA_DIR": "/srv/zd", "ZERODRAFT_SILENCE_MIN": "5s"}), io.Discard)
	if err != nil || c.SilenceMin != 5*time.Second {
		t.Fatalf("from the environment %s, %v; want 5s", c.SilenceMin, err)
	}
	c, err = Load("serve", []string{"--silence-min", "24h"}, env(map[string]string{"ZERODRAFT_DATA_DIR": "/srv/zd", "ZERODRAFT_SILENCE_MIN": "5s"}), io.Discard)
	if err != nil || c.SilenceMin != 24*time.Hour {
		t.Fatalf("the flag wins: %s, %v; want 24h", c.SilenceMin, err)
	}
	if _, err := Load("serve", []string{"--silence-min", "0s"}, env(base), io.Discard); err == nil {
		t.Fatal("a zero minimum was accepted")
	}
}
