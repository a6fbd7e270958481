package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/guard/mcpserver"
)

func init() { registerCommand(func(f *Factory) *cobra.Command { return NewCmdMCP(f, nil) }) }

// MCPOptions are the flags of `bulkhead mcp`.
type MCPOptions struct {
	IO      *IOStreams
	Sources sourceOptions
	Now     string
}

// mcpTransport replaces stdio in tests.
var mcpTransport mcp.Transport

// NewCmdMCP builds `bulkhead mcp`.
func NewCmdMCP(f *Factory, runF func(*cobra.Command, *MCPOptions) error) *cobra.Command {
	opts := &MCPOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve bulkhead's answers to coding agents as read-only MCP tools on stdio",
		Long: `Serve the Model Context Protocol on stdin/stdout for a coding agent: explain_delete (what deleting
a resource takes with it, in which environments, which recovery points survive, and a decision),
blast_radius (what a credential may destroy), credentials_here (the credentials readable from a
directory, by fingerprint) and findings (the audit). The tools read the graph of the sources given
here, the same flags and bulkhead.hcl as audit, loaded on the first call; they change nothing, and
no credential value crosses the protocol. Nothing is sent to a provider unless a source flag asks
for it (--railway, --probe).`,
		Example: `  bulkhead mcp --demo
  bulkhead mcp --snapshot estate.json --workdir .
  claude mcp add bulkhead -- bulkhead mcp --snapshot estate.json --workdir .`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd, opts)
			}
			return mcpRun(cmd.Context(), opts)
		},
	}
	addSourceFlags(cmd.Flags(), &opts.Sources)
	cmd.Flags().StringVar(&opts.Now, "now", "", "reference time for recovery-point ages, RFC 3339")
	return cmd
}

func mcpRun(ctx context.Context, opts *MCPOptions) error {
	srv := mcpserver.New(mcpserver.Options{
		Version: Version,
		Load: func(ctx context.Context) (*graph.Graph, analyze.Options, error) {
			g, ref, err := opts.Sources.load(ctx, opts.IO)
			if err != nil {
				return nil, analyze.Options{}, err
			}
			aopts, err := analyzeOptions(&opts.Sources, ref, opts.Now, 0)
			return g, aopts, err
		},
		Scan: scanDir,
	})
	t := mcpTransport
	if t == nil {
		t = &mcp.StdioTransport{}
	}
	slog.Debug("mcp: serving")
	err := srv.Run(ctx, t)
	if errors.Is(err, context.Canceled) || errors.Is(err, mcp.ErrConnectionClosed) {
		return nil
	}
	return err
}

// scanDir reads a directory's credentials for credentials_here: the working-directory
// source with this machine's salt and no prober, so nothing is sent anywhere.
func scanDir(ctx context.Context, dir string) (*graph.Graph, error) {
	salt, _, err := workdir.MachineSalt()
	if err != nil {
		salt = workdir.RunSalt()
	}
	return (&workdir.Source{Root: dir, Salt: salt}).Discover(ctx)
}
