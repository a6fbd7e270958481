package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// parseNow parses --now: an RFC 3339 time, or a date (midnight UTC). The error shows both
// forms, so "--now yesterday" tells what to write instead.
func parseNow(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, inputError(fmt.Errorf("--now %q: not a time; write an RFC 3339 time (2026-01-31T09:00:00Z, 2026-01-31T09:00:00+01:00) or a date (2026-01-31, midnight UTC)", s))
}

// noSourceArgs is the Args of a command that reads its sources from flags only: an
// argument ("bulkhead audit .") is answered with the flags that name what to read.
func noSourceArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return fmt.Errorf("%s takes no arguments, got %q: name what to read with a flag, e.g. --tf %s (Terraform files), "+
		"--tfstate FILE, --tfplan FILE, --workdir %s (credentials in a working directory), --snapshot FILE or --demo",
		cmd.CommandPath(), strings.Join(args, " "), args[0], args[0])
}

// envFlags are the flags a BULKHEAD_* environment variable sets when the command line
// does not: BULKHEAD_FORMAT, BULKHEAD_FAIL_ON, BULKHEAD_CONFIG, BULKHEAD_SEVERITY,
// BULKHEAD_SARIF_ROOT. A flag given on the command line wins.
var envFlags = []string{"format", "fail-on", "config", "severity", "sarif-root"}

// envName is the variable of a flag: fail-on is BULKHEAD_FAIL_ON.
func envName(flag string) string {
	return "BULKHEAD_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyEnv sets the command's envFlags from the environment where the command line left
// them unset; a value the flag refuses is a usage error naming the variable. A value the
// command's own completion does not offer (BULKHEAD_FORMAT=sarif, set for audit and check,
// seen by diff, which writes text or json) is left for the commands that take it: one
// variable serves a whole CI job.
func applyEnv(cmd *cobra.Command) error {
	fs := cmd.Flags()
	for _, name := range envFlags {
		f := fs.Lookup(name)
		if f == nil || f.Changed {
			continue
		}
		v, ok := os.LookupEnv(envName(name))
		if !ok || v == "" {
			continue
		}
		if !offered(cmd, name, v) {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return inputError(fmt.Errorf("%s=%q: %w", envName(name), v, err))
		}
	}
	return nil
}

// offered reports whether v is a value the command's completion for --format offers; other
// flags (a file, a list such as --severity high,critical) take any value.
func offered(cmd *cobra.Command, flag, v string) bool {
	if flag != "format" {
		return true
	}
	complete, ok := cmd.GetFlagCompletionFunc(flag)
	if !ok {
		return true
	}
	values, _ := complete(cmd, nil, "")
	if len(values) == 0 {
		return true
	}
	for _, x := range values {
		if name, _, _ := strings.Cut(x, "\t"); strings.EqualFold(name, v) {
			return true
		}
	}
	return false
}
