package workdir

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// redacted is what a credential's value prints as, whatever the verb.
const redacted = "[REDACTED]"

// secret holds a credential's value. Every way of printing it prints [REDACTED], so a
// value cannot reach a log line, an error message or JSON by accident; Credential.Value
// is the one deliberate way out, for a prober.
type secret struct{ v string }

func (secret) String() string               { return redacted }
func (secret) GoString() string             { return redacted }
func (secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }
func (secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
func (s secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }
func (secret) LogValue() string             { return redacted }

// FingerprintLen is the number of hex digits of a fingerprint (96 bits).
const FingerprintLen = 24

// Fingerprint identifies a credential's value without revealing it: the first 96 bits of
// HMAC-SHA256 keyed by a salt. The salt keeps fingerprints from being checked against
// guessed or leaked values by anyone who does not hold it.
func Fingerprint(salt []byte, value string) string {
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))[:FingerprintLen]
}

// SaltSize is the size of a generated salt.
const SaltSize = 32

// MachineSalt returns this machine's fingerprint salt, creating it on first use in the
// user's config directory (bulkhead/fingerprint-salt, mode 0600). One salt per machine
// makes fingerprints stable across runs, so snapshots, diffs and baselines of the same
// directory agree, while a fingerprint copied to another machine matches nothing there.
// path says where the salt lives. When the directory cannot be written, the caller should
// fall back to RunSalt and say that fingerprints will differ between runs.
func MachineSalt() (salt []byte, path string, err error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, "", fmt.Errorf("fingerprint salt: %w", err)
	}
	path = filepath.Join(dir, "bulkhead", "fingerprint-salt")
	b, err := os.ReadFile(path)
	if err == nil {
		if len(b) < 16 {
			return nil, path, fmt.Errorf("fingerprint salt %s: too short (%d bytes); delete it to make a new one", path, len(b))
		}
		return b, path, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, path, fmt.Errorf("fingerprint salt: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, path, fmt.Errorf("fingerprint salt: %w", err)
	}
	b = RunSalt()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another run made it first
			b, err = os.ReadFile(path)
			if err != nil {
				return nil, path, fmt.Errorf("fingerprint salt: %w", err)
			}
			return b, path, nil
		}
		return nil, path, fmt.Errorf("fingerprint salt: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return nil, path, fmt.Errorf("fingerprint salt: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, path, fmt.Errorf("fingerprint salt: %w", err)
	}
	return b, path, nil
}

// RunSalt is a fresh random salt for one run.
func RunSalt() []byte {
	b := make([]byte, SaltSize)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}
