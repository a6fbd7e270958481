package supabase

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// CredentialKind is what a Management API token is, from its form.
type CredentialKind int

const (
	// Classic is a classic personal access token, "sbp_" and 40 hex digits: it carries its
	// owner's whole account, every organization and every project, including ones created
	// later (supabase docs "Personal access tokens"; trufflehog supabasetoken detector).
	Classic CredentialKind = iota + 1
	// OAuth is an OAuth access token ("sbp_oauth_"): the organizations its user granted
	// the app (prefix not officially documented).
	OAuth
	// Scoped is any other "sbp_" token, such as a scoped personal access token ("sbp_fc"
	// per NOTES, not officially documented): only what it names, with permissions the API
	// does not list.
	Scoped
)

var classicRe = regexp.MustCompile(`^sbp_[0-9a-f]{40}$`)

// Credential is a Management API token held in memory. Its value is never printed:
// String, GoString and Format describe the kind only.
type Credential struct {
	kind  CredentialKind
	value string
	env   string
}

// EnvVar is the environment variable the token is read from, as the Supabase CLI does.
const EnvVar = "SUPABASE_ACCESS_TOKEN"

// ErrNoCredential is returned when SUPABASE_ACCESS_TOKEN is not set.
var ErrNoCredential = errors.New("supabase: no credential: set SUPABASE_ACCESS_TOKEN to a personal access token (https://supabase.com/dashboard/account/tokens)")

// ErrNotManagementToken is a value that is not a Management API token (a project's
// sb_secret_/sb_publishable_ key or a JWT): it is never sent.
var ErrNotManagementToken = errors.New("supabase: SUPABASE_ACCESS_TOKEN does not look like a Management API token (sbp_...); project API keys (sb_secret_, sb_publishable_, JWTs) cannot list projects")

// CredentialFromEnv reads SUPABASE_ACCESS_TOKEN. Credentials never come from flags.
func CredentialFromEnv(getenv func(string) string) (Credential, error) {
	v := strings.TrimSpace(getenv(EnvVar))
	if v == "" {
		return Credential{}, ErrNoCredential
	}
	c, err := NewCredential(v)
	c.env = EnvVar
	return c, err
}

// NewCredential classifies a token held by the caller.
func NewCredential(value string) (Credential, error) {
	c := Credential{value: value, env: "given"}
	switch {
	case classicRe.MatchString(value):
		c.kind = Classic
	case strings.HasPrefix(value, "sbp_oauth_"):
		c.kind = OAuth
	case strings.HasPrefix(value, "sbp_"):
		c.kind = Scoped
	default:
		return Credential{}, ErrNotManagementToken
	}
	return c, nil
}

// Kind is the credential's kind.
func (c Credential) Kind() CredentialKind { return c.kind }

// Env is where the credential came from (an environment variable name, or "given").
func (c Credential) Env() string { return c.env }

// Same reports whether value is this credential's value, compared in memory (in constant
// time) and never kept: a token found elsewhere (a file, --workdir --probe) is then this
// token, and takes its canonical ID, TokenID(c.Kind(), c.Env()).
func (c Credential) Same(value string) bool {
	return c.kind != 0 && subtle.ConstantTimeCompare([]byte(c.value), []byte(value)) == 1
}

// What names the kind in words.
func (k CredentialKind) What() string {
	switch k {
	case Classic:
		return "classic personal access token"
	case OAuth:
		return "OAuth access token"
	case Scoped:
		return "scoped access token"
	}
	return "no credential"
}

// String describes the credential without its value.
func (c Credential) String() string {
	if c.kind == 0 {
		return "no credential"
	}
	return c.kind.What() + " (" + c.env + ")"
}

// GoString keeps %#v from printing the value.
func (c Credential) GoString() string { return c.String() }

// Format keeps every verb from printing the value.
func (c Credential) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

func (c Credential) set(h http.Header) { h.Set("Authorization", "Bearer "+c.value) }

// redact removes the credential's value from text that came from elsewhere.
func (c Credential) redact(s string) string {
	if len(c.value) < 4 {
		return s
	}
	return strings.ReplaceAll(s, c.value, "[redacted]")
}
