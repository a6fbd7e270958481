package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/terraform"
)

func init() { registerSourceSet(func() sourceSet { return &terraformSet{} }) }

// terraformSet is --tfstate, --tfplan and --tf (each repeatable).
type terraformSet struct {
	states, plans, dirs []string
	workspace           string
}

func (t *terraformSet) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&t.states, "tfstate", nil, "read a Terraform state `FILE`: a raw terraform.tfstate (version 4) or the output of terraform show -json (repeatable)")
	fs.StringArrayVar(&t.plans, "tfplan", nil, "read a plan `FILE` as JSON (from terraform show -json PLANFILE); the graph is the planned state (repeatable)")
	fs.StringArrayVar(&t.dirs, "tf", nil, "read the .tf configuration of a directory and its local modules (repeatable)")
	fs.StringVar(&t.workspace, "tf-workspace", "", "Terraform workspace the --tfstate/--tf inputs belong to (sets their environment tier)")
}

func (t *terraformSet) sources(*IOStreams) ([]discover.Source, error) {
	var out []discover.Source
	add := func(flag, kind string, paths []string) error {
		for _, p := range paths {
			if strings.TrimSpace(p) == "" {
				return fmt.Errorf("--%s needs a path", flag)
			}
			out = append(out, terraform.Source{Kind: kind, Path: p, Workspace: t.workspace})
		}
		return nil
	}
	if err := errors.Join(
		add("tfstate", terraform.SourceState, t.states),
		add("tfplan", terraform.SourcePlan, t.plans),
		add("tf", terraform.SourceConfig, t.dirs),
	); err != nil {
		return nil, err
	}
	return out, nil
}
