package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// DiscoverOptions are the flags of `bulkhead discover`.
type DiscoverOptions struct {
	IO      *IOStreams
	Sources sourceOptions
	Output  string
}

// NewCmdDiscover builds `bulkhead discover`: sources to a snapshot.
func NewCmdDiscover(f *Factory, runF func(*cobra.Command, *DiscoverOptions) error) *cobra.Command {
	opts := &DiscoverOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "discover",
		Short: "Read sources into one graph and write it as a snapshot (bulkhead.snapshot/v1 JSON)",
		Long: `Read the given sources, merge them into one graph, and write a snapshot. Snapshots are the unit
of exchange: audit several with bulkhead audit --snapshot a.json --snapshot b.json.
A snapshot never holds a credential's value.

Exits 3 when some part of a source could not be read; the snapshot then lists the gaps.`,
		Example: `  bulkhead discover --demo -o demo.json`,
		Args:    noSourceArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return discoverRun(cmd, opts)
		},
	}
	addSourceFlags(cmd.Flags(), &opts.Sources)
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write the snapshot to this file instead of stdout")
	return cmd
}

func discoverRun(cmd *cobra.Command, opts *DiscoverOptions) error {
	g, _, err := opts.Sources.load(cmd.Context(), opts.IO)
	if err != nil {
		return err
	}
	out, err := opts.IO.openOutput(opts.Output)
	if err != nil {
		return err
	}
	if err := graph.WriteSnapshot(out, g); err != nil {
		out.Close()
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	if opts.Output != "" {
		fmt.Fprintf(opts.IO.ErrOut, "wrote %s: %d resources, %d edges\n", opts.Output, g.Len(), g.EdgeCount())
	}
	if !g.Complete() {
		fmt.Fprintf(opts.IO.ErrOut, "bulkhead: discovery incomplete: %d parts could not be read (listed under \"gaps\")\n", len(g.Gaps))
		return silentExit(exitIncomplete)
	}
	return nil
}
