package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// Source names, as they appear in origins and SourceInfo.
const (
	SourceState  = "tfstate"
	SourcePlan   = "tfplan"
	SourceConfig = "tf"
)

// Source is one Terraform input: a state file (raw v4 or `terraform show -json`), a plan
// JSON file, or a configuration directory. It implements discover.Source.
type Source struct {
	Kind      string // SourceState, SourcePlan or SourceConfig
	Path      string
	Workspace string // optional; a workspace name other than "default" sets the tier
}

// Name implements discover.Source.
func (s Source) Name() string { return s.Kind }

// Discover implements discover.Source.
func (s Source) Discover(ctx context.Context) (*graph.Graph, error) {
	switch s.Kind {
	case SourceState:
		return LoadState(ctx, s.Path, s.Workspace)
	case SourcePlan:
		return LoadPlan(ctx, s.Path)
	case SourceConfig:
		return LoadConfig(ctx, s.Path, s.Workspace)
	}
	return nil, fmt.Errorf("terraform: unknown source kind %q", s.Kind)
}

// LoadState reads a raw state (format version 4, streamed) or `terraform show -json`
// output of a state or plan, whichever the file holds.
func LoadState(ctx context.Context, path, workspace string) (*graph.Graph, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var head [2]byte
	n, _ := f.Read(head[:])
	if _, err := f.Seek(0, 0); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b := tfmap.NewBuilder(tfmap.Options{Source: SourceState, Target: path, Workspace: workspace, Secrets: true})
	utf16 := n == 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF)
	var info *StateInfo
	if !utf16 {
		info, err = ReadState(ctx, f, b)
	}
	if utf16 || errors.Is(err, errShowJSON) {
		return loadShowJSON(ctx, path, workspace)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	g, err := b.Graph()
	if err != nil {
		return nil, err
	}
	g.Sources[0].Counts["state_version"] = info.Version
	return g, nil
}

// loadShowJSON reads `terraform show -json` output (a state, or a plan) via terraform-json.
func loadShowJSON(ctx context.Context, path, workspace string) (*graph.Graph, error) {
	data, err := tfmap.ReadDocument(path, tfplan.MaxSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if isPlan(data) {
		p, err := tfplan.Parse(data, path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return p.After, nil
	}
	var st tfjson.State
	if err := st.UnmarshalJSON(data); err != nil {
		if strings.Contains(err.Error(), "format version") {
			return nil, fmt.Errorf("%s: %w: %v (bulkhead reads %s)", path, ErrUnsupportedFormat, err, tfjson.StateFormatVersionConstraints)
		}
		return nil, fmt.Errorf("%s: %w: %v", path, tfmap.ErrNotTerraform, err)
	}
	b := tfmap.NewBuilder(tfmap.Options{Source: SourceState, Target: path, Workspace: workspace, Secrets: true})
	tfmap.AddStateValues(b, st.Values, nil)
	return b.Graph()
}

func isPlan(data []byte) bool {
	// Cheap check on top-level keys; terraform-json validates the rest.
	return strings.Contains(string(data[:min(len(data), 1<<20)]), `"planned_values"`) ||
		strings.Contains(string(data[:min(len(data), 1<<20)]), `"resource_changes"`)
}

// LoadPlan reads plan JSON; the graph is the planned state (what will exist after apply).
// The counts say how many resources the plan deletes or replaces.
func LoadPlan(ctx context.Context, path string) (*graph.Graph, error) {
	p, err := tfplan.Read(ctx, path)
	if err != nil {
		return nil, err
	}
	g := p.After
	for _, c := range p.Changes {
		if c.Deletes() {
			g.Sources[0].Counts["changes_delete"]++
		}
		g.Sources[0].Counts["changes"]++
	}
	return g, nil
}

// LoadConfig reads .tf configuration from a directory (or one file).
func LoadConfig(ctx context.Context, dir, workspace string) (*graph.Graph, error) {
	b := tfmap.NewBuilder(tfmap.Options{Source: SourceConfig, Target: dir, Workspace: workspace})
	if _, err := ReadConfig(ctx, dir, b); err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return b.Graph()
}
