package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
	"github.com/bulkhead-dev/bulkhead/gate"
)

func init() { readPlan = readTerraformPlan }

// errPlanErrored is returned for a plan Terraform could not finish.
var errPlanErrored = errors.New(`terraform reported errors while planning ("errored": true), so the plan is incomplete and the gate fails closed; fix the errors terraform printed and plan again`)

// readTerraformPlan reads plan JSON with the Terraform plan reader (tfplan.Parse) and hands
// it to the gate. Read errors are input errors (exit 2); a plan Terraform marked as errored,
// or an incomplete read, is exit 3: the gate fails closed.
func readTerraformPlan(ctx context.Context, path string) (*gate.Input, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := tfmap.ReadDocument(path, tfplan.MaxSize)
	if err != nil {
		return nil, inputError(fmt.Errorf("plan %s: %w", path, err))
	}
	p, err := tfplan.Parse(data, path)
	if err != nil {
		err = fmt.Errorf("plan %s: %w", path, err)
		if errors.Is(err, discover.ErrIncomplete) {
			return nil, &exitError{code: exitIncomplete, err: err}
		}
		return nil, inputError(err)
	}
	if p.Errored {
		return nil, &exitError{code: exitIncomplete, err: fmt.Errorf("plan %s: %w", path, errPlanErrored)}
	}
	in := &gate.Input{FormatVersion: p.FormatVersion, TerraformVersion: p.TerraformVersion, Before: p.Before, After: p.After}
	for _, c := range p.Changes {
		gc := gate.Change{Address: c.Address, ResourceID: c.ResourceID, Type: c.Type, Actions: c.Actions}
		for _, w := range c.Weakened {
			gc.Weakened = append(gc.Weakened, analyze.SafeguardChange{Attribute: w.Attribute, From: w.From, To: w.To, Why: w.Why})
		}
		in.Changes = append(in.Changes, gc)
	}
	return in, nil
}
