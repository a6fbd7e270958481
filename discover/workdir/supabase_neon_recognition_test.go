package workdir_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

func fakeJWT(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(payload)) + ".c2lnbmF0dXJlLW5vdC1jaGVja2Vk"
}

// TestProjectKeysAndDatabaseURLs (issues 16 §4, 17 §5): Supabase sb_secret_ keys,
// service_role JWTs (by the payload's role claim, decoded without verifying) and Postgres
// URLs on Supabase and Neon hosts are credentials, named for what they can do (every row,
// not the project); anon JWTs and publishable keys are public and not Supabase keys; URLs
// without a password are not credentials. No value, and no claim, reaches the snapshot
// or the logs; none of them is sent to a provider's API by --probe.
func TestProjectKeysAndDatabaseURLs(t *testing.T) {
	serviceRole := fakeJWT(`{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"service_role","iat":1700000000,"exp":2000000000}`)
	anon := fakeJWT(`{"iss":"supabase","ref":"abcdefghijklmnopqrst","role":"anon"}`)
	secret := "sb_secret_CANARYs3cr3tVALUE0000000000"
	neonURL := "postgresql://app:CANARYneonPw0000@ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require"
	sbURL := "postgresql://postgres.abcdefghijklmnopqrst:CANARYsbPw0000@aws-0-us-east-1.pooler.supabase.com:6543/postgres"
	dir := t.TempDir()
	write(t, dir, "staging/.env", strings.Join([]string{
		"SUPABASE_URL=https://abcdefghijklmnopqrst.supabase.co",
		"SUPABASE_SERVICE_ROLE_KEY=" + serviceRole,
		"SUPABASE_ANON_KEY=" + anon,
		"SUPABASE_PUBLISHABLE_KEY=sb_publishable_abcdefghijklmnopqrstuv",
		"SUPABASE_SECRET_KEY=" + secret,
		"DATABASE_URL=" + neonURL,
		"DIRECT_URL=" + sbURL,
		"READONLY_URL=postgresql://ep-quiet-sea-000000.us-east-2.aws.neon.tech/neondb",
	}, "\n")+"\n")
	src := testSource("wd", dir)
	g, logs := scan(t, src)
	got := map[string]int{}
	for _, r := range g.ByKind(graph.Token) {
		if r.Type == "gitleaks.jwt" {
			continue // gitleaks flags the anon JWT as a JWT; bulkhead does not call it a key
		}
		got[r.Type]++
		if !strings.Contains(r.Attrs.Get("credential"), "every row") {
			t.Errorf("%s: %q does not say what it can do", r.Type, r.Attrs.Get("credential"))
		}
	}
	want := map[string]int{"supabase.ServiceRoleKey": 1, "supabase.SecretKey": 1, "neon.DatabaseURL": 1, "supabase.DatabaseURL": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d tokens, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("tokens %v, want only %v", got, want)
	}
	var snap bytes.Buffer
	if err := graph.WriteSnapshot(&snap, g); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{serviceRole, anon, secret, neonURL, sbURL, "CANARYneonPw0000", "CANARYsbPw0000", "service_role\",\"iat"} {
		if strings.Contains(snap.String()+logs, v) {
			t.Errorf("a value reached the snapshot or the log: %.12s…", v)
		}
	}
	// --probe never presents these to the Management API or the Neon API.
	srvS, urlS := fakeSupabase(t)
	srvN, urlN := fakeNeon(t)
	src = testSource("wd", dir)
	src.Probers = append(src.Probers, supabaseProber(urlS), neonProber(urlN))
	scan(t, src)
	if n := len(srvS.Requests()) + len(srvN.Requests()); n != 0 {
		t.Errorf("%d requests sent for project keys and database URLs", n)
	}
}
