package main

import (
	"errors"
	"log/slog"
	"strings"

	"github.com/spf13/pflag"

	"github.com/bulkhead-dev/bulkhead/discover"
	"github.com/bulkhead-dev/bulkhead/discover/neon"
	"github.com/bulkhead-dev/bulkhead/discover/railway"
	"github.com/bulkhead-dev/bulkhead/discover/supabase"
	"github.com/bulkhead-dev/bulkhead/discover/workdir"
	"github.com/bulkhead-dev/bulkhead/fixtures"
)

func init() { registerSourceSet(func() sourceSet { return &workdirSet{} }) }

// workdirSet is --workdir DIR (repeatable) and --probe.
type workdirSet struct {
	dirs    []string
	probe   bool
	maxFile int64
	fs      *pflag.FlagSet
}

func (s *workdirSet) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&s.dirs, "workdir", nil, "scan a working directory for credentials an agent could read (repeatable); values are never printed or sent")
	fs.BoolVar(&s.probe, "probe", false, "ask each provider, read-only, what a credential found by --workdir can reach (sends the credential to its own provider only)")
	fs.Int64Var(&s.maxFile, "workdir-max-file", workdir.DefaultMaxFileBytes, "largest credential file --workdir reads, in bytes (larger ones are reported as gaps)")
	s.fs = fs
}

// demoOn reports whether --demo was given on the same command: the demo then plays the
// provider for the demo's own credentials (in process, nothing is sent). Files read from
// disk are fingerprinted with this machine's salt even then: the demo's salt is public, and
// a fingerprint made with it could be checked against guessed values by anyone.
func (s *workdirSet) demoOn() bool {
	if s.fs == nil {
		return false
	}
	f := s.fs.Lookup("demo")
	return f != nil && f.Value.String() == "true"
}

func (s *workdirSet) sources(io *IOStreams) ([]discover.Source, error) {
	if s.probe && len(s.dirs) == 0 {
		return nil, errors.New("--probe needs --workdir DIR: it asks about the credentials found there")
	}
	if len(s.dirs) == 0 {
		return nil, nil
	}
	var probers []workdir.Prober
	if s.demoOn() {
		probers = append(probers, fixtures.DemoProbers()...)
	}
	salt, where, err := workdir.MachineSalt()
	switch {
	case errors.Is(err, workdir.ErrBadSalt):
		return nil, err // the user's file: never replaced behind their back
	case err != nil:
		slog.Warn("workdir: no per-machine fingerprint salt; using a salt for this run only, so fingerprints will differ between runs", "err", err)
		salt = workdir.RunSalt()
	default:
		slog.Debug("workdir: fingerprint salt", "path", where)
	}
	if s.probe {
		probers = append(probers, s.probeClients()...)
	}
	var out []discover.Source
	for _, d := range s.dirs {
		if strings.TrimSpace(d) == "" {
			return nil, errors.New("--workdir needs a directory")
		}
		out = append(out, &workdir.Source{Root: d, Salt: salt, Probers: probers, MaxFileBytes: s.maxFile})
	}
	return out, nil
}

// probeClients returns the probers --probe uses, each through its discoverer's read-only
// client: Railway's at --railway-endpoint, Supabase's at --supabase-endpoint and Neon's at
// --neon-endpoint when those flags are on the command. With --supabase on the same
// command, the Supabase prober knows the token --supabase discovers with, so that the same
// token found in a file joins it as one resource (workdir.SupabaseProber.Known).
func (s *workdirSet) probeClients() []workdir.Prober {
	flag := func(name, def string) string {
		if f := s.fs.Lookup(name); f != nil && f.Value.String() != "" {
			return f.Value.String()
		}
		return def
	}
	co := railwayTuning
	co.Endpoint = flag("railway-endpoint", railway.DefaultEndpoint)
	sb := supabaseTuning
	sb.Endpoint = flag("supabase-endpoint", supabase.DefaultEndpoint)
	ne := neonTuning
	ne.Endpoint = flag("neon-endpoint", neon.DefaultEndpoint)
	sp := workdir.SupabaseProber{Client: sb}
	if flag("supabase", "false") == "true" {
		if cred, err := supabase.CredentialFromEnv(supabaseGetenv); err == nil {
			sp.Known = []supabase.Credential{cred} // without one, --supabase itself fails
		}
	}
	return []workdir.Prober{workdir.RailwayProber{Client: co}, sp, workdir.NeonProber{Client: ne}}
}
