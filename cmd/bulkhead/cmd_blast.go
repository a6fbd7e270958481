package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/render"
)

func init() { registerCommand(func(f *Factory) *cobra.Command { return NewCmdBlast(f, nil) }) }

// BlastOptions are the flags of `bulkhead blast`.
type BlastOptions struct {
	IO      *IOStreams
	Sources sourceOptions
	Format  string
	Output  string
	Now     string
	Target  string
}

// NewCmdBlast builds `bulkhead blast [TARGET]`.
func NewCmdBlast(f *Factory, runF func(*cobra.Command, *BlastOptions) error) *cobra.Command {
	opts := &BlastOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "blast [TARGET]",
		Short: "Show what one delete, or one credential, destroys and which recovery points survive",
		Long: `TARGET is a canonical ID (railway:volume:vol-1), a name or native ID, or token:NAME for a
credential. For a resource, blast shows what deleting it destroys (its cascade over contains and
deletes_with), grouped by environment, and for each data resource destroyed which recovery points
survive. For a credential, the same for every delete it allows.

Without TARGET, blast reports every credential found exposed somewhere (a variable, a file), what
it can delete and what survives, worst first, and ends with the single worst thing an agent with
access here could do. A name that matches several resources lists them and exits 2.`,
		Example: `  bulkhead blast --demo
  bulkhead blast --demo token:domains-cli
  bulkhead blast --demo railway:volume:vol-pgdata --format json
  bulkhead blast --demo token:domains-cli --format svg -o blast.svg`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Target = args[0]
			}
			if runF != nil {
				return runF(cmd, opts)
			}
			return blastRun(cmd, opts)
		},
	}
	addSourceFlags(cmd.Flags(), &opts.Sources)
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text, json, svg, png or dot (svg/png/dot need a TARGET)")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to this file instead of stdout")
	cmd.Flags().StringVar(&opts.Now, "now", "", "reference time, RFC 3339")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion("text", "json", "svg", "png", "dot"))
	return cmd
}

func blastRun(cmd *cobra.Command, opts *BlastOptions) error {
	switch opts.Format {
	case "text", "json", "svg", "png", "dot":
	default:
		return inputError(fmt.Errorf("--format must be text, json, svg, png or dot, not %q", opts.Format))
	}
	image := opts.Format == "svg" || opts.Format == "png" || opts.Format == "dot"
	if image && opts.Target == "" {
		return inputError(errors.New("--format " + opts.Format + " draws one blast: give a TARGET"))
	}
	g, ref, err := opts.Sources.load(cmd.Context(), opts.IO)
	if err != nil {
		return err
	}
	aopts, err := analyzeOptions(&opts.Sources, ref, opts.Now, 0)
	if err != nil {
		return err
	}
	var blast *analyze.Blast
	if opts.Target != "" {
		t, err := analyze.Resolve(g, opts.Target)
		if err != nil {
			return inputError(err)
		}
		blast = analyze.BlastOf(g, t, aopts)
		if image {
			rep, err := analyze.Run(g, aopts)
			if err != nil {
				return err
			}
			if err := writeGraph(cmd, opts.IO, g, rep, render.GraphOptions{View: render.ViewBlast, Blast: blast, Title: "bulkhead: blast of " + t.Label()}, opts.Format, opts.Output); err != nil {
				return err
			}
			return incompleteExit(opts.IO, g)
		}
	}
	out, err := opts.IO.openOutput(opts.Output)
	if err != nil {
		return err
	}
	defer out.Close() // discards the file unless committed
	ropts := render.Options{Color: out.Color, Width: opts.IO.Width()}
	switch {
	case blast != nil && opts.Format == "json":
		err = render.BlastJSON(out, struct {
			Schema string `json:"schema"`
			*analyze.Blast
		}{analyze.BlastSchema, blast})
	case blast != nil:
		err = render.BlastText(out, blast, ropts)
	case opts.Format == "json":
		err = render.BlastJSON(out, analyze.ExposedCredentials(g, aopts))
	default:
		err = render.CredentialsText(out, analyze.ExposedCredentials(g, aopts), ropts)
	}
	if err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	return incompleteExit(opts.IO, g)
}
