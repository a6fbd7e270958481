package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// GitHub code scanning's upload limits and rules for a SARIF file, as its documentation
// states them (docs.github.com: "SARIF support for code scanning", "Uploading a SARIF
// file to GitHub", "Code scanning results exceed limits"). An upload that breaks one is
// rejected whole, so a gate whose SARIF breaks one reports nothing at all.
const (
	ghMaxGzipBytes        = 10 << 20 // the gzip-compressed file
	ghMaxRuns             = 20
	ghMaxResultsPerRun    = 25000
	ghMaxRulesPerRun      = 25000
	ghMaxLocationsPerRes  = 1000
	ghMaxTagsPerRule      = 20
	ghMaxToolExtensions   = 100
	ghMaxThreadFlowLocs   = 10000
	ghMaxMessageTextBytes = 256 << 10 // longer messages are truncated, not rejected; bulkhead's never are
)

type ghSARIF struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID         string         `json:"id"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
			Extensions []json.RawMessage `json:"extensions"`
		} `json:"tool"`
		Results []struct {
			RuleID  string `json:"ruleId"`
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			CodeFlows           []struct {
				ThreadFlows []struct {
					Locations []json.RawMessage `json:"locations"`
				} `json:"threadFlows"`
			} `json:"codeFlows"`
		} `json:"results"`
	} `json:"runs"`
}

// githubUploadRules fails t where GitHub would reject sarif, and where a result would not
// land on a file of the repository at root: every result has a physical location whose URI
// is relative (no scheme, no leading slash, no ..), percent-encoded, and, when it names a
// file bulkhead read, one that exists under root. It returns the number of results.
func githubUploadRules(t *testing.T, name, root string, sarif []byte, mustExist bool) int {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(sarif)
	zw.Close()
	if gz.Len() > ghMaxGzipBytes {
		t.Errorf("%s: %d bytes gzipped, GitHub takes at most %d", name, gz.Len(), ghMaxGzipBytes)
	}
	var log ghSARIF
	if err := json.Unmarshal(sarif, &log); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if log.Version != "2.1.0" {
		t.Errorf("%s: version %q, GitHub takes 2.1.0", name, log.Version)
	}
	if len(log.Runs) == 0 || len(log.Runs) > ghMaxRuns {
		t.Fatalf("%s: %d runs", name, len(log.Runs))
	}
	n := 0
	for _, run := range log.Runs {
		d := run.Tool.Driver
		if d.Name == "" || d.Version == "" {
			t.Errorf("%s: tool.driver name %q version %q: both are wanted", name, d.Name, d.Version)
		}
		if len(d.Rules) > ghMaxRulesPerRun || len(run.Tool.Extensions) > ghMaxToolExtensions {
			t.Errorf("%s: %d rules, %d extensions", name, len(d.Rules), len(run.Tool.Extensions))
		}
		for _, r := range d.Rules {
			if tags, _ := r.Properties["tags"].([]any); len(tags) > ghMaxTagsPerRule {
				t.Errorf("%s: rule %s has %d tags", name, r.ID, len(tags))
			}
			if s, _ := r.Properties["security-severity"].(string); s != "" {
				if v, err := strconv.ParseFloat(s, 64); err != nil || v < 0 || v > 10 {
					t.Errorf("%s: rule %s security-severity %q is not a number from 0.0 to 10.0", name, r.ID, s)
				}
			}
		}
		if len(run.Results) > ghMaxResultsPerRun {
			t.Errorf("%s: %d results in a run, GitHub takes at most %d", name, len(run.Results), ghMaxResultsPerRun)
		}
		n += len(run.Results)
		for i, res := range run.Results {
			where := name + ": result " + strconv.Itoa(i) + " (" + res.RuleID + ")"
			if res.RuleID == "" || res.Message.Text == "" {
				t.Errorf("%s: no ruleId or message text", where)
			}
			if len(res.Message.Text) > ghMaxMessageTextBytes {
				t.Errorf("%s: message of %d bytes", where, len(res.Message.Text))
			}
			if len(res.Locations) == 0 || len(res.Locations) > ghMaxLocationsPerRes {
				t.Errorf("%s: %d locations", where, len(res.Locations))
				continue
			}
			for _, cf := range res.CodeFlows {
				for _, tf := range cf.ThreadFlows {
					if len(tf.Locations) > ghMaxThreadFlowLocs {
						t.Errorf("%s: thread flow of %d locations", where, len(tf.Locations))
					}
				}
			}
			if res.PartialFingerprints["primaryLocationLineHash"] == "" {
				t.Errorf("%s: no partialFingerprints.primaryLocationLineHash", where)
			}
			pl := res.Locations[0].PhysicalLocation
			if pl == nil || pl.ArtifactLocation.URI == "" {
				t.Errorf("%s: no physical location (GitHub rejects the upload)", where)
				continue
			}
			if len(res.Locations[0].LogicalLocations) == 0 || res.Locations[0].LogicalLocations[0].FullyQualifiedName == "" {
				t.Errorf("%s: the logical location (canonical ID) is gone", where)
			}
			if pl.Region != nil && pl.Region.StartLine < 1 {
				t.Errorf("%s: startLine %d", where, pl.Region.StartLine)
			}
			uri := pl.ArtifactLocation.URI
			u, err := url.Parse(uri)
			if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(uri, "/") || u.RawQuery != "" || u.Fragment != "" {
				t.Errorf("%s: URI %q is not a relative reference to a file", where, uri)
				continue
			}
			p, err := url.PathUnescape(uri)
			if err != nil || !filepath.IsLocal(filepath.FromSlash(p)) {
				t.Errorf("%s: URI %q leaves the repository root", where, uri)
				continue
			}
			if mustExist && !strings.HasSuffix(p, "bulkhead.hcl") {
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
					t.Errorf("%s: URI %q names no file under the repository root %s", where, uri, root)
				}
			}
		}
	}
	return n
}

// TestSARIFUploadsToGitHub applies GitHub's upload rules to the SARIF of every kind of
// source: the demo, a state, a .tf directory, check on a plan (to stdout and --sarif),
// and the Railway fake. Each has findings, and each result must land on a file.
func TestSARIFUploadsToGitHub(t *testing.T) {
	wd, _ := os.Getwd()
	root := gitTopLevel(wd)
	if root == wd {
		t.Skip("not in a git work tree")
	}
	_, url := railwayFake(t)
	sarifFile := filepath.Join(t.TempDir(), "check.sarif")
	cases := []struct {
		name      string
		args      []string
		file      string // read the SARIF from this file, not stdout
		mustExist bool
	}{
		{"demo", []string{"audit", "--demo"}, "", false},
		{"state", []string{"audit", "--tfstate", "testdata/railway_incident.tfstate"}, "", true},
		{"tf directory", []string{"audit", "--tf", "../../discover/terraform/testdata/fixtures/bh001_railway_shared_volume"}, "", true},
		{"check", []string{"check", "--plan", "testdata/check/rds_replace_automated_only.json", "-q"}, "", true},
		{"check --sarif", []string{"check", "--plan", "testdata/check/rds_replace_automated_only.json", "-q", "--sarif", sarifFile}, sarifFile, true},
		{"railway fake", []string{"audit", "--railway", "--railway-endpoint", url}, "", false},
	}
	for _, c := range cases {
		args := c.args
		if c.file == "" {
			args = append(args, "--format", "sarif")
		}
		code, out, errOut := runMain(t, args...)
		if code != exitFindings {
			t.Fatalf("%s: exit %d, want %d (findings):\n%s", c.name, code, exitFindings, errOut)
		}
		if c.file != "" {
			b, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			out = string(b)
		}
		if n := githubUploadRules(t, c.name, root, []byte(out), c.mustExist); n == 0 {
			t.Errorf("%s: no results", c.name)
		}
	}
}

// TestSARIFRoot: --sarif-root makes URIs relative to it; a file outside it is an absolute
// file: URI, never a relative path with ..; a path with a space and # is percent-encoded.
func TestSARIFRoot(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "my infra #1")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	state, err := os.ReadFile("testdata/railway_incident.tfstate")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(sub, "prod.tfstate")
	if err := os.WriteFile(path, state, 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, errOut := runMain(t, "audit", "--tfstate", path, "--format", "sarif", "--sarif-root", dir)
	if !strings.Contains(out, `"uri": "my%20infra%20%231/prod.tfstate"`) {
		t.Errorf("--sarif-root %s: no encoded relative URI:\n%.3000s\n%s", dir, out, errOut)
	}
	_, out, _ = runMain(t, "audit", "--tfstate", path, "--format", "sarif", "--sarif-root", ".")
	if !strings.Contains(out, `"uri": "file:///`) || strings.Contains(out, `"uri": "..`) {
		t.Errorf("a file outside --sarif-root is not an absolute file: URI:\n%.3000s", out)
	}
	if code, _, errOut := runMain(t, "audit", "--demo", "--format", "sarif", "--sarif-root", filepath.Join(dir, "nope")); code != exitInput || !strings.Contains(errOut, "not a directory") {
		t.Errorf("--sarif-root to nowhere: exit %d, %s", code, errOut)
	}
	// From a subdirectory, a result without a file of its own goes to the bulkhead.hcl
	// that would be read there, whether or not it exists yet.
	t.Chdir(sub)
	_, out, _ = runMain(t, "audit", "--demo", "--format", "sarif", "--sarif-root", dir)
	if !strings.Contains(out, `"uri": "my%20infra%20%231/bulkhead.hcl"`) {
		t.Errorf("from %s: the config's URI is not relative to the root:\n%.3000s", sub, out)
	}
}
