package railway

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

// looksLikeTokenName reports whether a variable's name suggests it holds a Railway
// credential: RAILWAY_TOKEN and RAILWAY_API_TOKEN are the names Railway's CLI reads
// (CLI src/client.rs), and teams use variants (RAILWAY_TEAM_TOKEN, MY_RAILWAY_KEY).
func looksLikeTokenName(name string) bool {
	n := strings.ToUpper(name)
	if !strings.Contains(n, "RAILWAY") {
		return false
	}
	for _, w := range []string{"TOKEN", "API_KEY", "APIKEY", "SECRET"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Railway API and project tokens are UUIDs.
var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// mask is a token's masked display form split at the mask: a value matches when it starts
// with prefix and ends with suffix.
type mask struct {
	tokenID        string
	prefix, suffix string
}

// masksOf splits displayToken values such as "1a2b…9f0e" or "1a2b****9f0e" of every known
// token (keyed by canonical ID). A display form without a mask, or with fewer than 8 visible
// characters, identifies nothing and is skipped.
func (s *state) masksOf() []mask {
	display := map[string]string{}
	for id, t := range s.apiTokens {
		display["railway:api_token:"+id] = t.DisplayToken
	}
	for id, t := range s.projTokens {
		display["railway:project_token:"+id] = t.DisplayToken
	}
	var out []mask
	for _, id := range slices.Sorted(maps.Keys(display)) {
		d := display[id]
		i := strings.IndexAny(d, "*•…")
		if i < 0 {
			if j := strings.Index(d, "..."); j >= 0 {
				i = j
			} else {
				continue
			}
		}
		j := strings.LastIndexAny(d, "*•….")
		prefix := d[:i]
		suffix := ""
		if j >= 0 {
			_, size := lastRune(d[:j+1])
			suffix = d[j+size:]
		}
		if len(prefix)+len(suffix) < 8 {
			continue
		}
		out = append(out, mask{tokenID: id, prefix: prefix, suffix: suffix})
	}
	return out
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i]&0xC0 != 0x80 {
			r := []rune(s[i:])
			return r[0], len(s) - i
		}
	}
	return 0, 1
}

// scanValues looks at variable values in memory and records only where a credential was
// found and, when its masked form matches, which token it is. Values are never kept.
// Matching happens at the end (build), once every token is known; here a value is reduced
// to its match against the tokens known so far or to "looks like a token".
func (s *state) scanValues(envID, serviceID string, values map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	masks := s.masksOf()
	for name, v := range values {
		str, ok := v.(string)
		if !ok {
			continue
		}
		str = strings.TrimSpace(str)
		matched := ""
		for _, m := range masks {
			if len(str) > len(m.prefix)+len(m.suffix) && strings.HasPrefix(str, m.prefix) && strings.HasSuffix(str, m.suffix) {
				matched = m.tokenID
				break
			}
		}
		if matched != "" {
			s.exposures[exposure{envID: envID, serviceID: serviceID, name: name, tokenID: matched}] = true
			continue
		}
		if looksLikeTokenName(name) || (uuidRE.MatchString(str) && strings.Contains(strings.ToUpper(name), "TOKEN")) {
			s.exposures[exposure{envID: envID, serviceID: serviceID, name: name}] = true
		}
	}
}
