// Package tfplan reads the JSON form of a Terraform plan (`terraform show -json PLANFILE`)
// through github.com/hashicorp/terraform-json, into two graphs (the prior state and the
// planned values, mapped like a state) and the list of resource changes (of their values, only
// the safeguards a change may weaken are kept). It is the API the CI gate (`bulkhead check`)
// builds on; keep it stable.
package tfplan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// ErrUnsupportedFormat is wrapped by errors about plan JSON of a format version outside
// what terraform-json reads (>= 0.1, < 2.0), or documents that are not plans.
var ErrUnsupportedFormat = tfmap.ErrUnsupportedFormat

// MaxSize bounds the plan files Read accepts (plans are decoded whole by terraform-json).
var MaxSize int64 = 1 << 30

// Plan is a Terraform plan mapped to bulkhead's vocabulary.
type Plan struct {
	FormatVersion, TerraformVersion string
	// Errored is the plan's "errored" flag (Terraform >= 1.4): Terraform hit errors while
	// planning, so the plan is incomplete. terraform-json v0.29 does not decode it.
	Errored       bool
	Before, After *graph.Graph // graph of prior state and of planned values, with the same mapping as state
	Changes       []Change     // every resource change, sorted by address
}

// Change is one resource change of the plan.
type Change struct {
	Address       string         // module.x.aws_db_instance.main[0]
	ResourceID    string         // canonical graph ID of the resource (before, else after)
	Type          string         // aws_db_instance
	Actions       []string       // terraform-json actions: "no-op","create","read","update","delete" (replace = delete+create in either order)
	Before, After map[string]any // the safeguard attributes' values (Weakened's inputs), sensitive ones removed
	AfterUnknown  []string       // attribute paths unknown after apply ("deletion_protection")
	Weakened      []Weakening    // safeguards the change turns off (Weakened of Before, After, AfterUnknown)
}

// Deletes reports whether the change deletes the object (a delete or a replace).
func (c Change) Deletes() bool {
	for _, a := range c.Actions {
		if a == string(tfjson.ActionDelete) {
			return true
		}
	}
	return false
}

// Read reads a plan JSON file.
func Read(ctx context.Context, path string) (*Plan, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := tfmap.ReadDocument(path, MaxSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p, err := Parse(data, path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Parse maps plan JSON already in memory; name is used in origins and messages.
func Parse(data []byte, name string) (*Plan, error) {
	// The graph before the change needs only prior_state: it is built as soon as that
	// member is decoded, beside the decode of the others (resource_changes, the largest,
	// is decoded alone at the end), and used only if the whole document then reads.
	var early struct {
		started bool
		done    chan struct{}
		g       *graph.Graph
		err     error
		b       *tfmap.Builder
	}
	early.done = make(chan struct{})
	startBefore := func(ps *rawState) {
		early.started = true
		early.b = tfmap.NewBuilder(tfmap.Options{Source: "tfplan", Target: name + " (prior state)"})
		go func() {
			defer close(early.done)
			if ps != nil {
				tfmap.AddStateValues(early.b, (*tfjson.State)(ps).Values, nil)
			}
			early.g, early.err = early.b.Graph()
		}()
	}
	doc, derr := decodeSplit(data, startBefore)
	if doc == nil {
		if early.started {
			<-early.done // built from a decode that is thrown away: not used
			early.started = false
		}
		doc = new(planDoc)
		derr = json.Unmarshal(data, doc)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(derr, &se) || errors.As(derr, &te) && (te.Field == "" || te.Field == "format_version" || te.Field == "version" || te.Field == "errored") {
		return nil, describeJSONError(data, derr) // not JSON, or not the head of a plan
	}
	switch {
	case doc.FormatVersion == nil && len(doc.Version) > 0:
		return nil, fmt.Errorf("%w: this is a raw state file (\"version\": %s), not plan JSON; read it with --tfstate", ErrUnsupportedFormat, doc.Version)
	case doc.FormatVersion == nil:
		return nil, fmt.Errorf("%w: no \"format_version\"; expected the output of `terraform show -json PLANFILE`", tfmap.ErrNotTerraform)
	}
	doc.rawPlan.FormatVersion = *doc.FormatVersion
	tp := (*tfjson.Plan)(&doc.rawPlan)
	if verr := tp.Validate(); verr != nil {
		return nil, fmt.Errorf("%w: plan format_version %q (bulkhead reads %s): %v", ErrUnsupportedFormat, *doc.FormatVersion, tfjson.PlanFormatVersionConstraints, verr)
	}
	if derr == nil && doc.PriorState != nil {
		tp.PriorState = (*tfjson.State)(doc.PriorState)
		derr = tp.PriorState.Validate() // as State.UnmarshalJSON would
	}
	if derr != nil {
		return nil, fmt.Errorf("decode plan: %w", derr)
	}
	head := struct{ Errored bool }{doc.Errored}
	if tp.PlannedValues == nil && tp.ResourceChanges == nil {
		var values struct {
			PlannedValues   json.RawMessage `json:"planned_values"`
			ResourceChanges json.RawMessage `json:"resource_changes"`
			Values          json.RawMessage `json:"values"`
		}
		if json.Unmarshal(data, &values) == nil && values.PlannedValues == nil && values.ResourceChanges == nil && values.Values != nil {
			return nil, fmt.Errorf("%w: this is `terraform show -json` state output, not a plan; read it with --tfstate", ErrUnsupportedFormat)
		}
	}
	out := &Plan{FormatVersion: tp.FormatVersion, TerraformVersion: tp.TerraformVersion, Errored: head.Errored}

	unknown := map[string]map[string]bool{}
	for _, rc := range tp.ResourceChanges {
		if rc == nil || rc.Change == nil {
			continue
		}
		if m, ok := rc.Change.AfterUnknown.(map[string]any); ok {
			u := map[string]bool{}
			for k, v := range m {
				if b, ok := v.(bool); ok && b {
					u[k] = true
				} else if !ok {
					// A nested value with unknown parts: its top-level attribute is not fully known.
					if len(tfmap.UnknownPaths(v)) > 0 {
						u[k] = true
					}
				}
			}
			if len(u) > 0 {
				unknown[rc.Address] = u
			}
		}
	}

	// The change list needs the graphs only for resource IDs: its values are read beside
	// the graph after the change (the graph before is usually done by then).
	var rcs []*tfjson.ResourceChange
	for _, rc := range tp.ResourceChanges {
		if rc != nil {
			rcs = append(rcs, rc)
		}
	}
	if len(rcs) > 0 {
		out.Changes = make([]Change, len(rcs))
	}
	changesDone := make(chan struct{})
	go func() {
		defer close(changesDone)
		for i, rc := range rcs {
			c := Change{Address: rc.Address, Type: rc.Type}
			if ch := rc.Change; ch != nil {
				for _, a := range ch.Actions {
					c.Actions = append(c.Actions, string(a))
				}
				if m, ok := ch.Before.(map[string]any); ok {
					c.Before = tfmap.StripSensitive(rc.Type, safeguardValues(m), ch.BeforeSensitive)
				}
				if m, ok := ch.After.(map[string]any); ok {
					c.After = tfmap.StripSensitive(rc.Type, safeguardValues(m), ch.AfterSensitive)
				}
				c.AfterUnknown = tfmap.UnknownPaths(ch.AfterUnknown)
				c.Weakened = Weakened(c.Before, c.After, c.AfterUnknown)
			}
			out.Changes[i] = c
		}
	}()

	// The graphs before and after the change share nothing: they are built side by side
	// (two cores halve the larger part of reading a plan), the one before possibly since
	// prior_state was decoded.
	var before *tfmap.Builder
	var beforeErr error
	done := early.done
	if early.started {
		before = early.b
	} else {
		before = tfmap.NewBuilder(tfmap.Options{Source: "tfplan", Target: name + " (prior state)"})
		done = make(chan struct{})
		go func() {
			defer close(done)
			if tp.PriorState != nil {
				tfmap.AddStateValues(before, tp.PriorState.Values, nil)
			}
			out.Before, beforeErr = before.Graph()
		}()
	}
	after := tfmap.NewBuilder(tfmap.Options{Source: "tfplan", Target: name})
	tfmap.AddStateValuesWithRefs(after, tp.PlannedValues, unknown, tfmap.ConfigRefs(tp.Config))
	var err error
	out.After, err = after.Graph()
	<-done
	if early.started {
		out.Before, beforeErr = early.g, early.err
	}
	<-changesDone
	if beforeErr != nil {
		return nil, beforeErr
	}
	if err != nil {
		return nil, err
	}

	for i, rc := range rcs {
		c := &out.Changes[i]
		c.ResourceID = before.ResourceID(rc.Address, rc.DeposedKey)
		if c.ResourceID == "" {
			c.ResourceID = after.ResourceID(rc.Address, rc.DeposedKey)
		}
	}
	sort.SliceStable(out.Changes, func(i, j int) bool { return out.Changes[i].Address < out.Changes[j].Address })
	return out, nil
}

// planDoc is the whole plan document, decoded once. terraform-json's own Plan.UnmarshalJSON
// decodes through a second json.Decoder after encoding/json has validated the input, and a
// separate read of the head would scan it a third time (on a 45 MB plan each pass costs
// about a third of a second). rawPlan has Plan's fields without its UnmarshalJSON; the
// head's fields sit beside it, and format_version is read as a pointer to tell a missing one
// from an empty one.
type planDoc struct {
	rawPlan
	PriorState    *rawState       `json:"prior_state"`
	FormatVersion *string         `json:"format_version"`
	Version       json.RawMessage `json:"version"`
	Errored       bool            `json:"errored"`
}

type (
	rawPlan  tfjson.Plan
	rawState tfjson.State // prior_state: the same second decode, avoided the same way
)

// decodeSplit decodes the plan's large members side by side, each on its own goroutine
// (onPrior, when not nil, is called with prior_state as soon as it is decoded),
// and the rest as one small document: on two cores the decode of a 10k-change plan takes
// about half the time of one pass. It returns nil when the document is not one splitTop
// cuts, or when any part fails to decode: the caller then decodes the whole document in
// one pass, so that every error reads exactly as it did (field paths and offsets are those
// of the whole document).
func decodeSplit(data []byte, onPrior func(*rawState)) (*planDoc, error) {
	large, head, ok := splitTop(data)
	if !ok {
		return nil, nil
	}
	doc := new(planDoc)
	targets := map[string]any{
		"prior_state":      &doc.PriorState,
		"planned_values":   &doc.rawPlan.PlannedValues,
		"resource_changes": &doc.rawPlan.ResourceChanges,
		"configuration":    &doc.rawPlan.Config,
	}
	errs := make(chan error, len(large))
	for name, part := range large {
		go func() {
			var err error
			switch {
			case name == "prior_state" && readPriorState(part, &doc.PriorState):
			case name == "planned_values" && readPlannedValues(part, &doc.rawPlan.PlannedValues):
			case name == "resource_changes" && readResourceChanges(part, &doc.rawPlan.ResourceChanges):
			default:
				err = json.Unmarshal(part, targets[name])
			}
			if err == nil && name == "prior_state" && onPrior != nil {
				onPrior(doc.PriorState)
			}
			errs <- err
		}()
	}
	failed := json.Unmarshal(head, doc) != nil
	for range large {
		if err := <-errs; err != nil {
			failed = true
		}
	}
	if failed {
		return nil, nil
	}
	return doc, nil
}

// describeJSONError turns a JSON syntax error into "line L, column C: ...".
func describeJSONError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := tfmap.LineCol(data, se.Offset)
		return fmt.Errorf("%w: invalid JSON at line %d, column %d: %v", tfmap.ErrNotTerraform, line, col, se)
	}
	if errors.Is(err, tfmap.ErrNotTerraform) {
		return err
	}
	if err.Error() == "unexpected EOF" {
		return fmt.Errorf("%w: the JSON ends early (truncated file?)", tfmap.ErrNotTerraform)
	}
	return fmt.Errorf("%w: %v", tfmap.ErrNotTerraform, err)
}
