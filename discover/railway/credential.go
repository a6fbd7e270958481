package railway

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// CredentialKind says which header a credential travels in and what it can see.
type CredentialKind int

const (
	// APIToken is an account or workspace token (RAILWAY_API_TOKEN), sent as
	// "Authorization: Bearer". Railway docs, integrations/api.md "Choosing a token type".
	APIToken CredentialKind = iota + 1
	// ProjectToken is a project token (RAILWAY_TOKEN), sent as "Project-Access-Token"; it
	// sees one environment of one project. Same page.
	ProjectToken
)

// Credential is a Railway token held in memory. Its value is never printed: String,
// GoString and Format all describe the kind only.
type Credential struct {
	kind  CredentialKind
	value string
	env   string
}

// ErrNoCredential is returned when neither environment variable is set.
var ErrNoCredential = errors.New("railway: no credential: set RAILWAY_API_TOKEN (account or workspace token) or RAILWAY_TOKEN (project token)")

// CredentialFromEnv reads RAILWAY_TOKEN (project token) or RAILWAY_API_TOKEN (account or
// workspace token), in that order, as the Railway CLI does (src/client.rs). Credentials
// never come from flags.
func CredentialFromEnv(getenv func(string) string) (Credential, error) {
	if v := strings.TrimSpace(getenv("RAILWAY_TOKEN")); v != "" {
		return Credential{kind: ProjectToken, value: v, env: "RAILWAY_TOKEN"}, nil
	}
	if v := strings.TrimSpace(getenv("RAILWAY_API_TOKEN")); v != "" {
		return Credential{kind: APIToken, value: v, env: "RAILWAY_API_TOKEN"}, nil
	}
	return Credential{}, ErrNoCredential
}

// NewCredential builds a credential from a value held by the caller (tests, embedding).
func NewCredential(kind CredentialKind, value string) Credential {
	return Credential{kind: kind, value: value, env: "given"}
}

// Kind is the credential's kind.
func (c Credential) Kind() CredentialKind { return c.kind }

// String describes the credential without its value.
func (c Credential) String() string {
	switch c.kind {
	case ProjectToken:
		return "project token (" + c.env + ")"
	case APIToken:
		return "account or workspace token (" + c.env + ")"
	}
	return "no credential"
}

// GoString keeps %#v from printing the value.
func (c Credential) GoString() string { return c.String() }

// Format keeps every verb from printing the value.
func (c Credential) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

func (c Credential) set(h http.Header) {
	switch c.kind {
	case ProjectToken:
		h.Set("Project-Access-Token", c.value)
	case APIToken:
		h.Set("Authorization", "Bearer "+c.value)
	}
}

// redact removes the credential's value from text that came from elsewhere (a server's
// error message could echo a header back).
func (c Credential) redact(s string) string {
	if c.value == "" || len(c.value) < 4 {
		return s
	}
	return strings.ReplaceAll(s, c.value, "[redacted]")
}
