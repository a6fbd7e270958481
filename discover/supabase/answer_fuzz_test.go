package supabase_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	"github.com/bulkhead-dev/bulkhead/fixtures/supabasefake/server"
)

// FuzzAnswers serves arbitrary bytes as the answer to one endpoint (the rest from the
// incident scenario): discovery must not panic, and either fails, or returns a graph that
// is valid (the graph refuses invalid resources and edges) with a gap when it could not
// make sense of the answer. Seeds: the answers recorded from the real API by supabase/cli.
func FuzzAnswers(f *testing.F) {
	recorded, _ := filepath.Glob("testdata/recorded/*.response.json")
	for _, p := range recorded {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		body := string(b)
		if i := strings.Index(body, `"body":`); i >= 0 {
			body = strings.TrimSuffix(strings.TrimSpace(body[i+len(`"body":`):]), "}")
		}
		for ep := range uint8(4) {
			f.Add(ep, []byte(body))
		}
	}
	f.Add(uint8(2), []byte(`{"region":"x","pitr_enabled":true,"walg_enabled":true,"backups":[{"id":1,"status":"COMPLETED","inserted_at":"\u202e","is_physical_backup":true}],"physical_backup_data":{"latest_physical_backup_date_unix":-99999999999999}}`))
	f.Add(uint8(1), []byte(`{"projects":[{"ref":"abcdefghijklmnopqrst","name":"<script>"}],"pagination":{"count":1e300,"limit":1,"offset":0}}`))
	// The incident's answers, recorded once through the validating fake, are replayed by a
	// plain handler: each execution then costs one discovery, not a server and its validation.
	sc := server.Incident(fixedNow)
	srv, err := server.New(sc)
	if err != nil {
		f.Fatal(err)
	}
	type answer struct {
		status int
		body   []byte
	}
	replay := map[string]answer{}
	var mu sync.Mutex
	var current []byte
	suffix := ""
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		body, sfx := current, suffix
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if sfx != "" && strings.HasSuffix(r.URL.Path, sfx) && r.URL.Path != "/v1/projects" {
			_, _ = w.Write(body)
			return
		}
		key := r.URL.RequestURI()
		mu.Lock()
		a, ok := replay[key]
		mu.Unlock()
		if !ok {
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, r)
			a = answer{rec.Code, rec.Body.Bytes()}
			mu.Lock()
			replay[key] = a
			mu.Unlock()
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	f.Cleanup(ts.Close)
	hc := ts.Client() // one transport for every execution: connections are reused
	c, _ := supabase.NewCredential(server.IncidentClassic)
	suffixes := []string{"/branches", "/projects", "/database/backups", "/api-keys"}
	f.Fuzz(func(t *testing.T, ep uint8, body []byte) {
		mu.Lock()
		current, suffix = body, suffixes[int(ep)%len(suffixes)]
		mu.Unlock()
		o := supabase.Options{Credential: c, Client: supabase.ClientOptions{Endpoint: ts.URL, HTTP: hc, MaxAttempts: 1, Timeout: time.Second}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		g, err := supabase.New(o).Discover(ctx)
		if err != nil {
			return
		}
		for _, r := range g.Resources() {
			if strings.Contains(r.Name, server.IncidentClassic) {
				t.Fatal("token in a name")
			}
		}
	})
}
