package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"
)

// Factory carries what every command needs.
type Factory struct {
	IO *IOStreams
}

// Version overrides the version from the build information (version() in sarif_root.go)
// when set at build time with -ldflags "-X main.Version=...".
var Version string

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *Factory) *cobra.Command {
	var logLevel string
	root := &cobra.Command{
		Use:   "bulkhead",
		Short: "Find what single action or credential can destroy your data and every copy of it",
		Long: `bulkhead reads your infrastructure (the Railway, Supabase and Neon APIs, read-only; Terraform
state, plans and .tf files; the credentials in a working directory) into one dependency graph,
simulates deletions and credentials, and reports where one delete, from one place, with one
credential, destroys data and every copy of it.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error,
3 discovery incomplete (fail closed).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			switch f.IO.ColorMode {
			case "auto", "always", "never":
			default:
				return inputError(fmt.Errorf("--color must be auto, always or never, not %q", f.IO.ColorMode))
			}
			var lvl slog.Level
			if err := lvl.UnmarshalText([]byte(logLevel)); err != nil {
				return inputError(fmt.Errorf("--log-level must be debug, info, warn or error, not %q", logLevel))
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(f.IO.ErrOut, &slog.HandlerOptions{Level: lvl})))
			return applyEnv(cmd) // BULKHEAD_FORMAT, ... (conventions.go)
		},
	}
	root.PersistentFlags().StringVar(&f.IO.ColorMode, "color", "auto", "colour output: auto, always or never (auto honours NO_COLOR)")
	root.PersistentFlags().StringVar(&logLevel, "log-level", "warn", "diagnostics on stderr: debug, info, warn or error")
	root.SetVersionTemplate("bulkhead {{.Version}}\n")
	root.Version = version()
	usageErrors(root)
	for _, c := range []*cobra.Command{
		NewCmdAudit(f, nil),
		NewCmdDiscover(f, nil),
		NewCmdRules(f),
		NewCmdVersion(f),
	} {
		usageErrors(c)
		root.AddCommand(c)
	}
	for _, c := range extraCommands {
		cmd := c(f)
		usageErrors(cmd)
		root.AddCommand(cmd)
	}
	return root
}

// extraCommands lets command files register themselves in init (render, blast, check, ...),
// so adding a command does not touch this file.
var extraCommands []func(*Factory) *cobra.Command

func registerCommand(c func(*Factory) *cobra.Command) { extraCommands = append(extraCommands, c) }

// NewCmdVersion prints the version.
func NewCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use: "version", Short: "Print bulkhead's version", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			fmt.Fprintf(f.IO.Out, "bulkhead %s\n", version())
			return nil
		},
	}
}
