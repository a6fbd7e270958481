package terraform

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/internal/jsonscan"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/input"
)

const sampleState = "testdata/corpus/tfstate/snyk__driftctl__pkg__iac__terraform__state__test__aws_db_instance__terraform.tfstate"
const samplePlan = "testdata/corpus/plan/hashicorp__terraform-json__testdata__basic__plan.json"

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBadInput(t *testing.T) {
	state, err := os.ReadFile(sampleState)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := os.ReadFile(samplePlan)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cases := []struct {
		name, file string
		data       []byte
		load       func(string) error
		sentinel   error
		want       string
	}{
		{"truncated state", "t.tfstate", state[:len(state)/2], stateLoader, tfmap.ErrNotTerraform, "ends early"},
		{"state version 3", "v3.tfstate", []byte(`{"version": 3, "terraform_version": "0.11.14", "modules": []}`), stateLoader, ErrUnsupportedFormat, "state format version 3"},
		{"state version 5", "v5.tfstate", []byte(`{"version": 5, "resources": []}`), stateLoader, ErrUnsupportedFormat, "newer than version 4"},
		{"state without version", "nov.tfstate", []byte(`{"resources": []}`), stateLoader, tfmap.ErrNotTerraform, "no \"version\""},
		{"not an object", "arr.tfstate", []byte(`[1,2,3]`), stateLoader, tfmap.ErrNotTerraform, "does not start with a JSON object"},
		{"empty state", "empty.tfstate", nil, stateLoader, tfmap.ErrNotTerraform, "empty"},
		{"bad instance", "inst.tfstate", []byte(`{"version":4,"resources":[{"mode":"managed","type":"aws_s3_bucket","name":"b","instances":[{"attributes":{"bucket":"x","tags":{"a":1}}}, 7]}]}`), stateLoader, jsonscan.ErrMalformed, "expected an object"},
		{"truncated plan", "t.json", plan[:len(plan)/3], planLoader, tfmap.ErrNotTerraform, "line"},
		{"plan format 2.0", "p2.json", bytes.Replace(plan, []byte(`"format_version":"0.1"`), []byte(`"format_version":"2.0"`), 1), planLoader, tfplan.ErrUnsupportedFormat, `plan format_version "2.0"`},
		{"state given as plan", "s.json", state, planLoader, tfplan.ErrUnsupportedFormat, "raw state file"},
		{"hcl syntax error", "main.tf", []byte("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  tags = {\n}\n"), hclLoader, nil, "main.tf:"},
		{"hcl bad attribute", "main.tf", []byte("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\" \"y\"\n}\n"), hclLoader, nil, "main.tf:2"},
	}
	_ = ctx
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, c.file)
			if err := os.WriteFile(p, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(c.file, ".tf") {
				p = dir
			}
			err := c.load(p)
			if err == nil {
				t.Fatal("no error")
			}
			if c.sentinel != nil && !errors.Is(err, c.sentinel) {
				t.Errorf("error %q does not wrap %v", err, c.sentinel)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func stateLoader(p string) error {
	_, err := LoadState(context.Background(), p, "")
	return err
}

func planLoader(p string) error {
	_, err := LoadPlan(context.Background(), p)
	return err
}

func hclLoader(p string) error {
	_, err := LoadConfig(context.Background(), p, "")
	return err
}

// TestLargeGarbage feeds every reader a 2 GiB file (sparse, so it costs no disk) and a few
// MiB of random bytes behind a plausible start: each must refuse quickly, without panic.
func TestLargeGarbage(t *testing.T) {
	dir := t.TempDir()
	sparse := filepath.Join(dir, "huge.tfstate")
	f, err := os.Create(sparse)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil {
		t.Skipf("cannot make a sparse file here: %v", err)
	}
	f.Close()
	if err := stateLoader(sparse); err == nil || !errors.Is(err, tfmap.ErrNotTerraform) {
		t.Errorf("state: %v", err)
	}
	if err := planLoader(sparse); err == nil || !errors.Is(err, input.ErrTooLarge) {
		t.Errorf("plan: %v", err)
	}
	tfdir := filepath.Join(dir, "cfg")
	os.Mkdir(tfdir, 0o755)
	if err := os.Rename(sparse, filepath.Join(tfdir, "main.tf")); err != nil {
		t.Fatal(err)
	}
	if err := hclLoader(tfdir); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("hcl: %v", err)
	}

	rng := rand.New(rand.NewSource(1))
	junk := make([]byte, 8<<20)
	rng.Read(junk)
	for _, prefix := range []string{`{"version": 4, "resources": [`, `{"format_version": "1.0", "planned_values": `, `{`} {
		data := append([]byte(prefix), junk...)
		p := writeTemp(t, "junk.json", data)
		if err := stateLoader(p); err == nil {
			t.Errorf("state with prefix %q: no error", prefix)
		}
		if err := planLoader(p); err == nil {
			t.Errorf("plan with prefix %q: no error", prefix)
		}
	}
}

// TestSecretsNeverCopied: states and plans of the corpus hold passwords and access-key
// secrets; none of them may reach the graph (or a snapshot written from it).
func TestSecretsNeverCopied(t *testing.T) {
	secrets := map[string][]string{
		"tfstate/snyk__driftctl__pkg__iac__terraform__state__test__aws_db_instance__terraform.tfstate":             {"foobarbaz"},
		"tfstate/snyk__driftctl__pkg__iac__terraform__state__test__aws_iam_access_key_multiple__terraform.tfstate": nil,
		"showjson/infracost__infracost__cmd__infracost__testdata__terraform_v0.14_state.json":                      nil,
		"plan/bridgecrewio__checkov__tests__terraform__runner__resources__plan__tfplan.json":                       nil,
	}
	for rel, known := range secrets {
		raw, err := os.ReadFile(filepath.Join("testdata", "corpus", rel))
		if err != nil {
			t.Fatal(err)
		}
		values := append(known, secretValues(raw)...)
		if len(values) == 0 {
			t.Fatalf("%s: found no secret values to look for; the test would prove nothing", rel)
		}
		g, err := loadCorpusFile(t, rel)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := graph.WriteSnapshot(&buf, g); err != nil {
			t.Fatal(err)
		}
		for _, v := range values {
			if bytes.Contains(buf.Bytes(), []byte(v)) {
				t.Errorf("%s: secret value %q appears in the snapshot", rel, v)
			}
		}
	}
}

// secretValues pulls string values of secret-looking attributes out of a JSON file.
func secretValues(raw []byte) []string {
	var out []string
	for _, key := range []string{`"secret": "`, `"password": "`, `"ses_smtp_password_v4": "`, `"encrypted_secret": "`} {
		rest := raw
		for {
			i := bytes.Index(rest, []byte(key))
			if i < 0 {
				break
			}
			rest = rest[i+len(key):]
			j := bytes.IndexByte(rest, '"')
			if j > 3 {
				out = append(out, string(rest[:j]))
			}
		}
	}
	return out
}
