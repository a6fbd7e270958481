package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/internal/jsonscan"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
)

func seedCorpus(f *testing.F, dirs ...string) {
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join("testdata", "corpus", d, "*"))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
}

// FuzzReadState: the streaming state reader and the mapping never panic, and what loads
// maps to a valid graph.
func FuzzReadState(f *testing.F) {
	seedCorpus(f, "tfstate", "showjson")
	f.Add([]byte(`{"version":4,"resources":[{"mode":"managed","type":"aws_db_instance","name":"x","instances":[{"attributes":{"arn":"a","tags":{"Environment":"prod"}}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if jsonscan.Valid(data) != json.Valid(data) {
			t.Fatalf("validJSON = %v, json.Valid = %v", jsonscan.Valid(data), json.Valid(data))
		}
		b := tfmap.NewBuilder(tfmap.Options{Source: SourceState, Target: "fuzz.tfstate"})
		if _, err := ReadState(context.Background(), bytes.NewReader(data), b); err != nil {
			return
		}
		if _, err := b.Graph(); err != nil {
			t.Fatalf("state read but graph failed: %v", err)
		}
	})
}

// FuzzReadPlan: plan JSON through terraform-json and the mapping never panics.
func FuzzReadPlan(f *testing.F) {
	seedCorpus(f, "plan")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = tfplan.Parse(data, "fuzz.json")
	})
}

// FuzzReadHCL: .tf source through the HCL reader and the mapping never panics.
func FuzzReadHCL(f *testing.F) {
	seedCorpus(f, "hcl")
	files, _ := filepath.Glob(filepath.Join("testdata", "fixtures", "*", "main.tf"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := tfmap.NewBuilder(tfmap.Options{Source: SourceConfig, Target: "fuzz"})
		if err := ParseConfigFile(data, "main.tf", b); err != nil {
			return
		}
		if _, err := b.Graph(); err != nil {
			t.Fatalf("config read but graph failed: %v", err)
		}
	})
}
