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

	"github.com/bulkhead-dev/bulkhead/internal/atomicfile"
	"github.com/bulkhead-dev/bulkhead/internal/input"
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

// minSalt and maxSalt bound a salt file that MachineSalt accepts.
const minSalt, maxSalt = 16, 4096

// ErrBadSalt is wrapped by MachineSalt's error for a salt file that exists but cannot be
// used (empty, too short, too long, not a regular file). It is never replaced silently:
// fingerprints made with it before would stop matching; the user decides.
var ErrBadSalt = errors.New("unusable fingerprint salt")

// MachineSalt returns this machine's fingerprint salt, creating it on first use in the
// user's config directory (bulkhead/fingerprint-salt, mode 0600). One salt per machine
// makes fingerprints stable across runs, so snapshots, diffs and baselines of the same
// directory agree, while a fingerprint copied to another machine matches nothing there.
// path says where the salt lives. The salt is written atomically (it appears whole or not
// at all). An existing salt file that cannot be used is an error wrapping ErrBadSalt. When
// the salt cannot be created (no config directory, a read-only one, a full disk) the caller
// should fall back to RunSalt and say that fingerprints will differ between runs.
func MachineSalt() (salt []byte, path string, err error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return nil, "", fmt.Errorf("fingerprint salt: %w", err)
	}
	path = filepath.Join(dir, "bulkhead", "fingerprint-salt")
	b, err := readSalt(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return b, path, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, path, fmt.Errorf("fingerprint salt: %w", err)
	}
	b = RunSalt()
	if err := atomicfile.WriteNew(path, b, 0o600); err != nil {
		if errors.Is(err, os.ErrExist) { // another run made it first
			b, err = readSalt(path)
			return b, path, err
		}
		return nil, path, fmt.Errorf("fingerprint salt: %w", err)
	}
	return b, path, nil
}

func readSalt(path string) ([]byte, error) {
	b, err := input.ReadAll(path, maxSalt)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, err
	case errors.Is(err, input.ErrTooLarge), errors.Is(err, input.ErrNotRegular):
		return nil, fmt.Errorf("%w: %w; move it away to make a new one (fingerprints made with the old salt will then differ)", ErrBadSalt, err)
	case err != nil:
		return nil, fmt.Errorf("fingerprint salt: %w", err)
	case len(b) < minSalt:
		return nil, fmt.Errorf("%w: %s is too short (%d bytes, at least %d); move it away to make a new one (fingerprints made with the old salt will then differ)", ErrBadSalt, path, len(b), minSalt)
	}
	return b, nil
}

// RunSalt is a fresh random salt for one run.
func RunSalt() []byte {
	b := make([]byte, SaltSize)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}
