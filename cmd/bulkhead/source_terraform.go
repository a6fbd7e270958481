package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/terraform"
)

func init() { registerSourceSet(func() sourceSet { return &terraformSet{} }) }

// terraformSet is --tfstate, --tfplan and --tf (each repeatable).
type terraformSet struct {
	states, plans, dirs []string
	varFiles            []string
	workspace           string
}

func (t *terraformSet) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&t.states, "tfstate", nil, "read a Terraform state `FILE`: a raw terraform.tfstate (version 4) or the output of terraform show -json (repeatable)")
	fs.StringArrayVar(&t.plans, "tfplan", nil, "read a plan `FILE` as JSON (from terraform show -json PLANFILE); the graph is the planned state (repeatable)")
	fs.StringArrayVar(&t.dirs, "tf", nil, "read the .tf configuration of a directory and its local modules (repeatable)")
	fs.StringArrayVar(&t.varFiles, "var-file", nil, "read variable values for the --tf configuration from `FILE` (.tfvars or .tfvars.json), after terraform.tfvars and *.auto.tfvars, as terraform's -var-file (repeatable; later files win)")
	fs.StringVar(&t.workspace, "tf-workspace", "", "Terraform workspace the --tfstate/--tf inputs belong to (sets their environment tier)")
}

func (t *terraformSet) sources(*IOStreams) ([]discover.Source, error) {
	var out []discover.Source
	add := func(flag, kind string, paths []string) error {
		for _, p := range paths {
			if strings.TrimSpace(p) == "" {
				return fmt.Errorf("--%s needs a path", flag)
			}
			src := terraform.Source{Kind: kind, Path: p, Workspace: t.workspace}
			if kind == terraform.SourceConfig {
				// TF_VAR_<name> gives a variable its value, as for terraform plan; variable
				// files win over it (terraform.Source.Env).
				src.VarFiles, src.Env = t.varFiles, os.Environ()
			}
			out = append(out, src)
		}
		return nil
	}
	if len(t.varFiles) > 0 && len(t.dirs) == 0 {
		return nil, fmt.Errorf("--var-file gives variables to a --tf configuration; add --tf DIR")
	}
	for _, f := range t.varFiles {
		if strings.TrimSpace(f) == "" {
			return nil, fmt.Errorf("--var-file needs a path")
		}
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
