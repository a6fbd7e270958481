// Package workdir is the source that answers "which credentials can an agent working in
// this directory read, and what can each of them destroy?". It walks a directory tree,
// reads the kinds of files credentials are kept in for tools to use (.env files, Terraform
// variables and state, compose and CI files, AWS and Railway CLI config, coding-agent and
// MCP server configs), finds credentials with gitleaks' rules plus bulkhead's own
// knowledge of provider variable names and key shapes, and turns each into a token
// resource with exposed_in edges to the files it sits in.
//
// A credential is identified by a salted fingerprint, never by its value; values never
// leave the process unless the caller supplies a Prober (--probe), which presents a
// credential to its own provider, read-only, to learn what it can reach. AWS access keys
// take the canonical ID aws:aws_iam_access_key:<key id>, so they join the same key found
// in Terraform state and inherit the authority derived from its user's policies.
package workdir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	"github.com/bulkhead-dev/bulkhead/discover/workdir/assign"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// DefaultMaxFileBytes is the largest file read. Credential files are small; a larger file
// of a credential kind is reported as a gap, not read.
const DefaultMaxFileBytes = 32 << 20

// Source scans one directory tree.
type Source struct {
	// Root is the directory to scan. It is also how paths are shown: files appear as
	// Root joined with their path inside the tree.
	Root string
	// FS, when set, is scanned instead of the directory Root (the demo's embedded tree).
	FS fs.FS
	// Salt keys fingerprints (see Fingerprint and MachineSalt). Required.
	Salt []byte
	// Probers learn what credentials can reach, by provider. Without one, a credential is
	// never sent anywhere and its reach is "unknown".
	Probers []Prober
	// MaxFileBytes overrides DefaultMaxFileBytes.
	MaxFileBytes int64
	// Workers is the number of files read in parallel (default GOMAXPROCS).
	Workers int
	// Log receives warnings (skipped files); nil means slog.Default().
	Log *slog.Logger
}

// Name implements discover.Source.
func (s *Source) Name() string { return "workdir" }

// ErrNoSalt is returned when a Source has no salt: fingerprints would be plain hashes.
var ErrNoSalt = errors.New("workdir: no fingerprint salt")

// find is one credential occurrence in one file.
type find struct {
	file   int // index into files
	line   int
	col    int
	key    string // variable name, or "" when the detector found a bare value
	value  string
	typ    credType
	rule   string // gitleaks rule, when it flagged this
	named  bool   // bulkhead's own knowledge (variable name, key shape) found it
	pairID string // AWS: the access key ID this secret or session token goes with
}

// fileResult is what reading one file yielded.
type fileResult struct {
	job     fileJob
	display string
	finds   []find
	meta    map[string]string // non-secret context: RAILWAY_ENVIRONMENT, RAILWAY_PROJECT_ID, ...
	bytes   int
	prob    *problem
}

// Discover implements discover.Source.
func (s *Source) Discover(ctx context.Context) (*graph.Graph, error) {
	if len(s.Salt) == 0 {
		return nil, ErrNoSalt
	}
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	fsys := s.FS
	rootShown := filepath.ToSlash(filepath.Clean(s.Root))
	if fsys == nil {
		fi, err := os.Stat(s.Root)
		if err != nil {
			return nil, fmt.Errorf("workdir: %w", err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("workdir: %s is not a directory", s.Root)
		}
		fsys = osFS(s.Root)
	}
	det, err := newDetector(ctx)
	if err != nil {
		return nil, fmt.Errorf("workdir: %w", err)
	}

	w := &walker{fsys: fsys, counts: map[string]int{}, visited: map[[2]uint64]bool{}}
	if fi, err := fs.Stat(fsys, "."); err == nil {
		if id, ok := dirID(fi); ok {
			w.visited[id] = true
		}
	}
	w.walk(".", 0)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("workdir: %w", err)
	}

	limit := s.MaxFileBytes
	if limit <= 0 {
		limit = DefaultMaxFileBytes
	}
	results := make([]fileResult, len(w.jobs))
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = s.read(ctx, fsys, det, rootShown, w.jobs[i], limit)
			}
		}()
	}
	for i := range w.jobs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("workdir: %w", err)
	}

	g := graph.New()
	info := graph.SourceInfo{Name: "workdir", Target: display(rootShown), Counts: map[string]int{}}
	for k, v := range w.counts {
		info.Counts[k] = v
	}
	problems := append([]problem(nil), w.problems...)
	for i := range results {
		r := &results[i]
		if r.prob != nil {
			problems = append(problems, *r.prob)
			info.Counts[r.prob.count]++
			continue
		}
		info.Counts["files_read"]++
		info.Counts["bytes_read"] += r.bytes
	}
	for _, p := range problems {
		shown := display(path.Join(rootShown, p.rel))
		if p.gap {
			g.AddGap(graph.Gap{Source: "workdir", What: shown, Reason: p.reason})
		} else if p.count == "odd_paths" {
			log.Warn("workdir: odd path, scanned and shown escaped", "path", shown)
		} else {
			log.Warn("workdir: skipped", "path", shown, "reason", p.reason)
		}
	}
	seen, err := s.build(ctx, g, &info, results, log)
	if err != nil {
		return nil, err
	}
	g.Sources = []graph.SourceInfo{info}
	if len(seen) == 0 {
		return g, nil
	}
	// What the probed credentials can see joins the files' view by identity: the token a
	// probe identified is the same resource as the token a discovery lists.
	merged, err := graph.Merge(append([]*graph.Graph{g}, seen...)...)
	if err != nil {
		return nil, fmt.Errorf("workdir: merge what the probes discovered: %w", err)
	}
	if err := joinDatabaseURLs(merged); err != nil {
		return nil, fmt.Errorf("workdir: join database URLs to what the probes discovered: %w", err)
	}
	return merged, nil
}

// read reads and scans one file. It never returns an error: problems are recorded.
func (s *Source) read(ctx context.Context, fsys fs.FS, det *detector, root string, job fileJob, limit int64) fileResult {
	res := fileResult{job: job, display: display(path.Join(root, job.rel))}
	b, err := readBounded(fsys, job.rel, limit)
	switch {
	case errors.Is(err, errTooLarge):
		res.prob = &problem{rel: job.rel, count: "too_large", gap: true,
			reason: "not read: larger than the " + strconv.FormatInt(limit>>20, 10) + " MiB limit for a " + string(job.kind) + " file"}
		return res
	case err != nil:
		res.prob = &problem{rel: job.rel, count: "unreadable", gap: true, reason: "cannot read: " + errText(err)}
		return res
	}
	if u, ok := fromUTF16(b); ok {
		b = u
	}
	if binary(b) {
		res.prob = &problem{rel: job.rel, count: "binary", gap: true, reason: "not read: binary content (a NUL byte) in a " + string(job.kind) + " file"}
		return res
	}
	res.bytes = len(b)
	res.finds, res.meta = scanContent(ctx, det, job.kind, job.rel, b)
	return res
}

// binary reports whether data looks binary: a NUL byte in its first 8 KiB, as git decides.
func binary(b []byte) bool {
	n := min(len(b), 8<<10)
	for _, c := range b[:n] {
		if c == 0 {
			return true
		}
	}
	return false
}

// metaKeys are non-secret variables that say what a directory is for (which Railway
// project and environment it deploys to): they shape the advice.
var metaKeys = map[string]bool{
	"RAILWAYENVIRONMENT": true, "RAILWAYENVIRONMENTNAME": true, "RAILWAYENVIRONMENTID": true,
	"RAILWAYPROJECTID": true, "RAILWAYPROJECTNAME": true, "RAILWAYSERVICENAME": true, "RAILWAYSERVICEID": true,
	"AWSPROFILE": true, "AWSREGION": true, "AWSDEFAULTREGION": true,
	"SUPABASEURL": true, "NEXTPUBLICSUPABASEURL": true, "VITESUPABASEURL": true, // the project a secret key beside it belongs to
}

// scanContent finds credentials in one file's text.
func scanContent(ctx context.Context, det *detector, kind FileKind, rel string, b []byte) ([]find, map[string]string) {
	as := assign.Parse(b)
	var finds []find
	meta := map[string]string{}
	type lv struct {
		line  int
		value string
	}
	seen := map[lv]int{}
	for _, a := range as {
		n := normName(a.Key)
		if metaKeys[n] && len(a.Value) < 200 {
			meta[n] = a.Value
			continue
		}
		t, ok := typeOf(kind, a)
		if !ok || (t.Role != roleAWSKeyID && assign.Placeholder(a.Value)) {
			continue
		}
		seen[lv{a.Line, a.Value}] = len(finds)
		finds = append(finds, find{line: a.Line, col: a.Col, key: a.Key, value: a.Value, typ: t, named: true})
	}
	if det != nil {
		for _, h := range det.find(ctx, rel, b) {
			if assign.Placeholder(h.Secret) {
				continue
			}
			if i, ok := seen[lv{h.Line, h.Secret}]; ok {
				finds[i].rule = h.RuleID
				continue
			}
			f := find{line: h.Line, col: h.Col, value: h.Secret, rule: h.RuleID, typ: detectorType(h.RuleID)}
			for _, a := range as {
				if a.Line == h.Line && strings.Contains(a.Value, h.Secret) {
					f.key, f.col = a.Key, a.Col
					if t, ok := typeOf(kind, assign.Assignment{Key: a.Key, Value: h.Secret}); ok {
						f.typ = t
					}
					break
				}
			}
			seen[lv{h.Line, h.Secret}] = len(finds)
			finds = append(finds, f)
		}
	}
	pairAWS(finds, as)
	return finds, meta
}

// pairAWS ties AWS secrets and session tokens to the access key ID they belong with: the
// one in the same INI section, else the nearest one by line in the file.
func pairAWS(finds []find, as []assign.Assignment) {
	section := map[int]string{}
	for _, a := range as {
		section[a.Line] = a.Section
	}
	for i := range finds {
		f := &finds[i]
		if f.typ.Role != roleAWSSecret && f.typ.Role != roleAWSSession {
			continue
		}
		best, bestD := -1, 1<<30
		for j := range finds {
			k := finds[j]
			if k.typ.Role != roleAWSKeyID {
				continue
			}
			d := abs(k.line - f.line)
			if section[k.line] != section[f.line] {
				d += 1 << 20
			}
			if d < bestD {
				best, bestD = j, d
			}
		}
		if best >= 0 {
			f.pairID = strings.TrimSpace(finds[best].value)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// sortFinds orders a credential's occurrences by file, then line.
func sortFinds(fs []find, results []fileResult) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.file != b.file {
			return results[a.file].display < results[b.file].display
		}
		if a.line != b.line {
			return a.line < b.line
		}
		return a.col < b.col
	})
}

// fromUTF16 transcodes text with a UTF-16 byte-order mark (as Windows editors save it) to
// UTF-8, so that it is scanned like any other file.
func fromUTF16(b []byte) ([]byte, bool) {
	if len(b) < 2 {
		return nil, false
	}
	var hi, lo int // byte offsets of the high and low halves of a unit
	switch {
	case b[0] == 0xFF && b[1] == 0xFE:
		hi, lo = 1, 0
	case b[0] == 0xFE && b[1] == 0xFF:
		hi, lo = 0, 1
	default:
		return nil, false
	}
	b = b[2:]
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i+hi])<<8 | uint16(b[2*i+lo])
	}
	return []byte(string(utf16.Decode(u))), true
}
