package main

import (
	"context"
	"errors"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
	"github.com/bulkhead-dev/bulkhead/gate"
)

func init() { readPlan = readTerraformPlan }

// readTerraformPlan reads plan JSON with the Terraform plan reader and hands it to the gate.
// Read errors are input errors (exit 2), except incomplete reads (exit 3: fail closed).
func readTerraformPlan(ctx context.Context, path string) (*gate.Input, error) {
	p, err := tfplan.Read(ctx, path)
	if err != nil {
		if errors.Is(err, discover.ErrIncomplete) {
			return nil, &exitError{code: exitIncomplete, err: err}
		}
		return nil, inputError(err)
	}
	in := &gate.Input{FormatVersion: p.FormatVersion, TerraformVersion: p.TerraformVersion, Before: p.Before, After: p.After}
	for _, c := range p.Changes {
		in.Changes = append(in.Changes, gate.Change{Address: c.Address, ResourceID: c.ResourceID, Type: c.Type,
			Actions: c.Actions, Before: c.Before, After: c.After, AfterUnknown: c.AfterUnknown})
	}
	return in, nil
}
