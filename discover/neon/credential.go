package neon

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Key is a Neon API key held in memory. Its value is never printed: String, GoString and
// Format describe where it came from only.
type Key struct {
	value string
	env   string
}

// EnvVar is where the key is read from. Keys never come from flags.
const EnvVar = "NEON_API_KEY"

// ErrNoKey is returned when NEON_API_KEY is not set.
var ErrNoKey = errors.New("neon: no API key: set NEON_API_KEY (a personal, organization or project-scoped key)")

// KeyFromEnv reads NEON_API_KEY, as neonctl and the Terraform provider do.
func KeyFromEnv(getenv func(string) string) (Key, error) {
	if v := strings.TrimSpace(getenv(EnvVar)); v != "" {
		return Key{value: v, env: EnvVar}, nil
	}
	return Key{}, ErrNoKey
}

// NewKey builds a key from a value held by the caller (tests, embedding).
func NewKey(value string) Key { return Key{value: value, env: "given"} }

// Set reports whether the key holds a value.
func (k Key) Set() bool { return k.value != "" }

// String describes the key without its value.
func (k Key) String() string {
	if k.value == "" {
		return "no Neon API key"
	}
	return "Neon API key (" + k.env + ")"
}

// GoString keeps %#v from printing the value.
func (k Key) GoString() string { return k.String() }

// Format keeps every verb from printing the value.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

func (k Key) set(h http.Header) { h.Set("Authorization", "Bearer "+k.value) }

// redact removes the key's value from text that came from elsewhere (a server could echo
// the header back in an error message).
func (k Key) redact(s string) string {
	if len(k.value) < 4 {
		return s
	}
	return strings.ReplaceAll(s, k.value, "[redacted]")
}
