package terraform

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/input"
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
	Workspace string   // optional; a workspace name other than "default" sets the tier
	VarFiles  []string // SourceConfig: variable files, as terraform's -var-file
	// Env is SourceConfig's environment ("NAME=value", as os.Environ): its TF_VAR_<name>
	// variables give the root module's variables, below every variable file (nil: none).
	Env []string
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
		return LoadConfigWith(ctx, s.Path, s.Workspace, ConfigOptions{VarFiles: s.VarFiles, Env: s.Env})
	}
	return nil, fmt.Errorf("terraform: unknown source kind %q", s.Kind)
}

// LoadState reads a raw state (format version 4, streamed) or `terraform show -json`
// output of a state or plan, whichever the file holds. path "-" is standard input, read
// whole first (at most tfplan.MaxSize) since it cannot be read twice. A device, FIFO or
// directory is refused; one JSON string may be at most input.MaxJSONToken bytes.
func LoadState(ctx context.Context, path, workspace string) (*graph.Graph, error) {
	f, err := input.Open(path, input.Stream)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.ReadSeeker = f
	if path == "-" {
		// Standard input is read whole (it cannot be read twice), so check its bytes as
		// they come: a pipe from /dev/zero is refused at the first byte, not after 1 GiB.
		br := bufio.NewReader(f)
		var in io.Reader = br
		if bom, _ := br.Peek(2); !(len(bom) == 2 && (bom[0] == 0xFF && bom[1] == 0xFE || bom[0] == 0xFE && bom[1] == 0xFF)) {
			in = input.JSONGuard(br, input.MaxJSONToken)
		}
		data, err := io.ReadAll(io.LimitReader(in, tfplan.MaxSize+1))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if int64(len(data)) > tfplan.MaxSize {
			return nil, fmt.Errorf("%s: %w: standard input is read whole, at most %s", path, input.ErrTooLarge, input.Size(tfplan.MaxSize))
		}
		r = bytes.NewReader(data)
	}
	var head [2]byte
	n, _ := io.ReadFull(r, head[:])
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b := tfmap.NewBuilder(tfmap.Options{Source: SourceState, Target: path, Workspace: workspace, Secrets: true})
	utf16 := n == 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF)
	var info *StateInfo
	if !utf16 {
		info, err = ReadState(ctx, input.JSONGuard(r, input.MaxJSONToken), b)
	}
	if utf16 || errors.Is(err, errShowJSON) {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		data, err := tfmap.ReadDocumentFrom(r, tfplan.MaxSize)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return loadShowJSON(data, path, workspace)
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
func loadShowJSON(data []byte, path, workspace string) (*graph.Graph, error) {
	if isPlan(data) {
		p, err := tfplan.Parse(data, path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		planGaps(p, path)
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
	planGaps(p, path)
	g := p.After
	for _, c := range p.Changes {
		if c.Deletes() {
			g.Sources[0].Counts["changes_delete"]++
		}
		g.Sources[0].Counts["changes"]++
	}
	return g, nil
}

// planGaps records what a plan leaves unread as gaps of its planned graph: a plan Terraform
// marked "errored" (it stopped planning part way, so resources may be missing or wrong)
// is incomplete, and an audit of it must fail closed as `check` does.
func planGaps(p *tfplan.Plan, path string) {
	if p.Errored {
		p.After.AddGap(graph.Gap{Source: SourcePlan, What: path,
			Reason: `terraform reported errors while planning ("errored": true): the plan is incomplete; fix the errors terraform printed and plan again`})
	}
}

// LoadConfig reads .tf configuration from a directory (or one file).
func LoadConfig(ctx context.Context, dir, workspace string) (*graph.Graph, error) {
	return LoadConfigWith(ctx, dir, workspace, ConfigOptions{})
}

// LoadConfigWith is LoadConfig with variable files. A block whose count or for_each could
// not be resolved stands for one instance, and its resource says so (graph.AttrUnresolved).
func LoadConfigWith(ctx context.Context, dir, workspace string, opts ConfigOptions) (*graph.Graph, error) {
	b := tfmap.NewBuilder(tfmap.Options{Source: SourceConfig, Target: dir, Workspace: workspace})
	if opts.Workspace == "" {
		opts.Workspace = workspace
	}
	cfg, err := ReadConfig(ctx, dir, b, opts)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	g, err := b.Graph()
	if err != nil {
		return nil, err
	}
	markUnresolved(g, cfg.Unresolved)
	attachInlineWaivers(g, cfg.Files)
	return g, nil
}
