package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/config"
	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/snapshot"
	"github.com/bulkhead-dev/bulkhead/fixtures"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// sourceSet is one kind of source the CLI can read. Each adds its flags to a command and,
// once flags are parsed, returns the sources the user asked for (none if not asked).
// Source files register themselves in init (see registerSourceSet), so a new source adds
// one file here and touches nothing else.
type sourceSet interface {
	addFlags(fs *pflag.FlagSet)
	sources(io *IOStreams) ([]discover.Source, error)
}

// referenceTimer is implemented by sources with a fixed "now" (the demo).
type referenceTimer interface{ referenceTime() (time.Time, bool) }

var sourceSets = []func() sourceSet{
	func() sourceSet { return &demoSet{} },
	func() sourceSet { return &snapshotSet{} },
}

func registerSourceSet(f func() sourceSet) { sourceSets = append(sourceSets, f) }

// sourceOptions are the flags shared by every command that reads infrastructure.
type sourceOptions struct {
	sets       []sourceSet
	configPath string
	config     *config.Config
	timeout    time.Duration
}

// defaultTimeout bounds a whole discovery, every request and retry of every source included.
const defaultTimeout = 5 * time.Minute

func addSourceFlags(fs *pflag.FlagSet, o *sourceOptions) {
	for _, mk := range sourceSets {
		s := mk()
		s.addFlags(fs)
		o.sets = append(o.sets, s)
	}
	fs.StringVar(&o.configPath, "config", "", "bulkhead.hcl to read (default: ./bulkhead.hcl when it exists)")
	fs.DurationVar(&o.timeout, "timeout", defaultTimeout, "the longest the discovery may take, retries and probes included (0: no limit)")
}

// load discovers every requested source, merges them, and applies the config.
func (o *sourceOptions) load(ctx context.Context, io *IOStreams) (*graph.Graph, time.Time, error) {
	var all []discover.Source
	var ref time.Time
	for _, s := range o.sets {
		srcs, err := s.sources(io)
		if err != nil {
			return nil, ref, inputError(err)
		}
		if rt, ok := s.(referenceTimer); ok && len(srcs) > 0 {
			if t, ok := rt.referenceTime(); ok {
				ref = t
			}
		}
		all = append(all, srcs...)
	}
	if len(all) == 0 {
		return nil, ref, inputError(errors.New("no source given: use --demo, --snapshot FILE, or a source flag (see --help)"))
	}
	dctx := ctx
	if o.timeout > 0 {
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	stop := startProgress(dctx, len(all)) // progress.go
	g, err := discover.All(dctx, all)
	stop()
	if ctx.Err() == nil && errors.Is(dctx.Err(), context.DeadlineExceeded) {
		// Whatever was read is partial: nothing is reported from it.
		dl, _ := dctx.Deadline()
		return nil, ref, &exitError{code: exitIncomplete, err: fmt.Errorf("%w: the discovery did not finish within --timeout %s (deadline %s); raise --timeout to wait longer",
			discover.ErrIncomplete, o.timeout, dl.UTC().Format(time.RFC3339))}
	}
	if err != nil {
		if errors.Is(err, discover.ErrIncomplete) {
			return nil, ref, &exitError{code: exitIncomplete, err: err}
		}
		return nil, ref, inputError(err)
	}
	cfg, err := o.loadConfig()
	if err != nil {
		return nil, ref, err
	}
	inline, err := config.InlineWaivers(g) // # bulkhead:ignore comments in .tf
	if err != nil {
		return nil, ref, inputError(err)
	}
	if len(inline) > 0 {
		if cfg == nil {
			cfg = &config.Config{}
		}
		cfg.Waivers = append(cfg.Waivers, inline...)
	}
	o.config = cfg
	if diags := cfg.Apply(g); len(diags) > 0 {
		de := &diagError{diags: diags, files: cfg.Parser.Files()}
		if diags.HasErrors() {
			return nil, ref, de
		}
		writeDiags(io, de)
	}
	return g, ref, nil
}

func (o *sourceOptions) loadConfig() (*config.Config, error) {
	path := o.configPath
	if path == "" {
		if _, err := os.Stat("bulkhead.hcl"); err != nil {
			return nil, nil
		}
		path = "bulkhead.hcl"
	}
	src, err := readInput("config", path, limitConfig)
	if err != nil {
		return nil, err
	}
	cfg, diags := config.Parse(src, path)
	if diags.HasErrors() {
		return nil, &diagError{diags: diags, files: cfg.Parser.Files()}
	}
	return cfg, nil
}

// demoSet is --demo: the embedded incident scenario.
type demoSet struct{ on bool }

func (d *demoSet) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&d.on, "demo", false, "use the embedded demo scenario (no account, no network)")
}

func (d *demoSet) sources(*IOStreams) ([]discover.Source, error) {
	if !d.on {
		return nil, nil
	}
	return []discover.Source{discover.Func{N: "demo", F: func(context.Context) (*graph.Graph, error) {
		return fixtures.Demo(), nil
	}}, fixtures.DemoWorkdir()}, nil
}

func (d *demoSet) referenceTime() (time.Time, bool) { return fixtures.DemoNow, d.on }

// snapshotSet is --snapshot FILE (repeatable).
type snapshotSet struct{ paths []string }

func (s *snapshotSet) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&s.paths, "snapshot", nil, "read a bulkhead snapshot (repeatable; snapshots are merged)")
}

func (s *snapshotSet) sources(*IOStreams) ([]discover.Source, error) {
	var out []discover.Source
	for _, p := range s.paths {
		if strings.TrimSpace(p) == "" {
			return nil, errors.New("--snapshot needs a file name")
		}
		out = append(out, snapshot.Source{Path: p})
	}
	return out, nil
}

// analyzeOptions are the engine's options of every command that analyses: the reference
// time (the sources' own, a --now flag over it), a --rpo flag (0: none), then the config's
// severities, settings and waivers (a flag wins over the config). The one place they are
// built.
func analyzeOptions(o *sourceOptions, ref time.Time, now string, rpo time.Duration) (analyze.Options, error) {
	aopts := analyze.Options{Now: ref}
	if now != "" {
		t, err := parseNow(now)
		if err != nil {
			return aopts, err
		}
		aopts.Now = t
	}
	if rpo != 0 {
		if err := analyze.StaleRecoveryPoint.CheckSetting("objective", rpo.String()); err != nil {
			return aopts, inputError(fmt.Errorf("--rpo: %w", err))
		}
		aopts.Set(analyze.StaleRecoveryPoint.ID, "objective", rpo.String(), true)
	}
	return o.config.AnalyzeOptions(aopts), nil
}
