package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/render"
)

func init() { registerCommand(func(f *Factory) *cobra.Command { return NewCmdRender(f, nil) }) }

// RenderOptions are the flags of `bulkhead render`.
type RenderOptions struct {
	IO      *IOStreams
	Sources sourceOptions
	Format  string
	View    string
	Output  string
	Budget  int
	Now     string
	args    []string
}

// NewCmdRender builds `bulkhead render`.
func NewCmdRender(f *Factory, runF func(*cobra.Command, *RenderOptions) error) *cobra.Command {
	opts := &RenderOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "render [--view findings|all|project NAME|blast TARGET]",
		Short: "Draw the graph as SVG, PNG or DOT: findings, the whole estate, one project, or one blast",
		Long: `Draw the graph with Graphviz (embedded for SVG: no install needed; PNG needs a native Graphviz
dot on PATH). Environments are boxes, production has a thick red frame, edges are styled by
kind, and resources on a finding's path are outlined in red with the rule IDs (SVG class
"finding BH004"). Hover a node for its canonical ID and origin.

Views:
  findings        (default) only resources on a finding's path, in their environments
  all             every resource
  project NAME    one project: what it holds, its copies, the credentials that reach it
  blast TARGET    what deleting TARGET (or every delete credential TARGET allows) destroys

A view with more nodes than --budget is aggregated before layout (projects and environments
collapse into summary nodes with counts, expanded only where findings are), and a message
on stderr says so: a large layout would take minutes and cannot be interrupted.`,
		Example: `  bulkhead render --demo -o findings.svg
  bulkhead render --demo --view all --format png -o estate.png
  bulkhead render --snapshot prod.json --view project shop -o shop.svg
  bulkhead render --demo --view blast token:domains-cli -o blast.svg`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.args = args
			if runF != nil {
				return runF(cmd, opts)
			}
			return renderRun(cmd, opts)
		},
	}
	addSourceFlags(cmd.Flags(), &opts.Sources)
	cmd.Flags().StringVar(&opts.Format, "format", "", "svg, png or dot (default: from the --output extension, else svg)")
	cmd.Flags().StringVar(&opts.View, "view", "findings", "findings, all, project NAME or blast TARGET")
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to this file instead of stdout")
	cmd.Flags().IntVar(&opts.Budget, "budget", render.DefaultBudget, "most nodes to lay out before aggregating")
	cmd.Flags().StringVar(&opts.Now, "now", "", "reference time for recovery-point ages, RFC 3339")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion(render.ImageFormats...))
	_ = cmd.RegisterFlagCompletionFunc("view", fixedCompletion(render.ViewFindings, render.ViewAll, render.ViewProject, render.ViewBlast))
	return cmd
}

// parseView reads --view, whose argument (project NAME, blast TARGET) may be given as
// "--view project NAME" (NAME is then a positional argument) or "--view 'project NAME'".
func parseView(view string, args []string) (kind, arg string, err error) {
	kind, arg, _ = strings.Cut(strings.TrimSpace(view), " ")
	arg = strings.TrimSpace(arg)
	if arg == "" && len(args) > 0 {
		arg = strings.Join(args, " ")
	} else if len(args) > 0 {
		return "", "", fmt.Errorf("unexpected argument %q", args[0])
	}
	switch kind {
	case render.ViewFindings, render.ViewAll:
		if arg != "" {
			return "", "", fmt.Errorf("--view %s takes no argument (got %q)", kind, arg)
		}
	case render.ViewProject, render.ViewBlast:
		if arg == "" {
			what := map[string]string{render.ViewProject: "NAME", render.ViewBlast: "TARGET"}[kind]
			return "", "", fmt.Errorf("--view %s needs %s: --view %s %s", kind, what, kind, what)
		}
	default:
		return "", "", fmt.Errorf("--view must be findings, all, project NAME or blast TARGET, not %q", view)
	}
	return kind, arg, nil
}

func imageFormat(format, output string) (string, error) {
	if format == "" {
		switch {
		case strings.HasSuffix(output, ".png"):
			return "png", nil
		case strings.HasSuffix(output, ".dot"), strings.HasSuffix(output, ".gv"):
			return "dot", nil
		}
		return "svg", nil
	}
	for _, f := range render.ImageFormats {
		if f == format {
			return f, nil
		}
	}
	return "", fmt.Errorf("--format must be svg, png or dot, not %q", format)
}

func renderRun(cmd *cobra.Command, opts *RenderOptions) error {
	view, arg, err := parseView(opts.View, opts.args)
	if err != nil {
		return inputError(err)
	}
	format, err := imageFormat(opts.Format, opts.Output)
	if err != nil {
		return inputError(err)
	}
	if format == "png" && opts.Output == "" && opts.IO.OutTTY {
		return inputError(errors.New("will not write PNG to a terminal: use -o FILE"))
	}
	g, ref, err := opts.Sources.load(cmd.Context(), opts.IO)
	if err != nil {
		return err
	}
	aopts, err := analyzeOptions(&opts.Sources, ref, opts.Now, 0)
	if err != nil {
		return err
	}
	rep, err := analyze.Run(g, aopts)
	if err != nil {
		return err
	}
	gopts := render.GraphOptions{View: view, Budget: opts.Budget}
	switch view {
	case render.ViewProject:
		gopts.Project = arg
	case render.ViewBlast:
		t, err := analyze.Resolve(g, arg)
		if err != nil {
			return inputError(err)
		}
		gopts.Blast = analyze.BlastOf(g, t, aopts)
		gopts.Title = "bulkhead: blast of " + t.Label()
	}
	if err := writeGraph(cmd, opts.IO, g, rep, gopts, format, opts.Output); err != nil {
		return err
	}
	return incompleteExit(opts.IO, g)
}

// writeGraph renders a view to a file (or stdout) and reports aggregation on stderr.
func writeGraph(cmd *cobra.Command, io_ *IOStreams, g *graph.Graph, rep *analyze.Report, gopts render.GraphOptions, format, output string) error {
	out, err := io_.openOutput(output)
	if err != nil {
		return err
	}
	defer out.Close() // the error that matters is returned below, after the render
	lay, err := render.Graph(cmd.Context(), out, format, func(w io.Writer) (*render.Layout, error) {
		return render.DOT(w, g, rep, gopts)
	})
	if err != nil {
		if errors.Is(err, render.ErrView) || errors.Is(err, render.ErrNoPNG) {
			return inputError(err)
		}
		return err
	}
	if lay.Aggregate != "" {
		fmt.Fprintf(io_.ErrOut, "bulkhead: %s\n", lay.Aggregate)
	}
	if lay.Notice != "" {
		fmt.Fprintf(io_.ErrOut, "bulkhead: %s\n", lay.Notice)
	}
	if output != "" {
		fmt.Fprintf(io_.ErrOut, "wrote %s: %s view, %d resources as %d nodes and %d edges\n", output, lay.View, lay.Selected, lay.Nodes, lay.Edges)
	}
	return out.Commit()
}
