package render

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/internal/jsonstream"
)

func init() { Register("sarif", RendererFunc(SARIF)) }

// InformationURI is where SARIF consumers send people to read about the tool.
const InformationURI = "https://github.com/bulkhead-dev/bulkhead"

// GitHubResultLimit is the most results GitHub code scanning accepts in one SARIF run; it
// rejects a larger upload, and shows only the top 5,000 results by severity of one it takes.
// https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit
const GitHubResultLimit = 25000

// SARIFWarnings says what a SARIF consumer will make of the report that the file does not
// show: a run over GitHub's result limit.
func SARIFWarnings(rep *analyze.Report) []string {
	if n := len(rep.Findings); n > GitHubResultLimit {
		return []string{fmt.Sprintf("the SARIF run has %d results; GitHub code scanning rejects runs of more than %d "+
			"and shows only the top 5,000 by severity: cut it with --severity (%s), "+
			"or audit each source in its own run and upload each with its own category", n, GitHubResultLimit, cutHint(rep))}
	}
	return nil
}

// cutHint is the --severity value that brings a report under GitHub's limit, when one
// does: the highest severities whose findings together are at most the limit.
func cutHint(rep *analyze.Report) string {
	var keep []string
	n := 0
	for _, s := range []analyze.Severity{analyze.Critical, analyze.High, analyze.Medium, analyze.Low} {
		c := rep.Summary.BySeverity[s.String()]
		if n+c > GitHubResultLimit {
			break
		}
		n += c
		keep = append(keep, s.String())
	}
	if len(keep) == 0 {
		return "even critical alone is over the limit"
	}
	return fmt.Sprintf("--severity %s keeps %d", strings.Join(keep, ","), n)
}

// SARIF writes the report as SARIF 2.1.0 (one run; one rule per bulkhead rule, with its
// help text; one result per finding). Every result carries a logical location named by
// the resource's canonical ID and a physical location.
//
// GitHub code scanning rejects an upload with a result that has no physical location, so
// every result has one, in this order: the file range the resource was found at (a .tf
// block, the line of a credential in a working directory); else the file its source read
// (the state or plan file), when exactly one source of that name read a file; else the
// configuration file (bulkhead.hcl), which is where a finding from an API is waived.
func SARIF(w io.Writer, rep *analyze.Report, opts Options) error {
	log, run, index, err := sarifLog(rep)
	if err != nil {
		return err
	}
	if v := opts.SARIF.Version; v != "" {
		run.Tool.Driver.WithVersion(v)
	}
	pl := newSARIFPlacer(rep, opts.SARIF)
	return writeSARIF(w, log, run, len(rep.Findings), func(i int) *sarif.Result { return sarifResult(rep, rep.Findings[i], index, pl) })
}

// SARIFOptions say where the files of a SARIF report are.
type SARIFOptions struct {
	// Root is the directory artifact URIs are relative to (code scanning resolves them
	// against the repository root); Base is the directory the report's relative paths are
	// relative to (the working directory). Both absolute. A file outside Root is written
	// as an absolute file: URI, never as a relative one. With Root empty, paths are
	// written as the report has them.
	Root, Base string
	// Config is the configuration file a result with no file of its own is placed in;
	// default "bulkhead.hcl" (in Base).
	Config string
	// Version is tool.driver.version.
	Version string
}

// sarifPlacer gives each result its physical location.
type sarifPlacer struct {
	opts      SARIFOptions
	files     map[string]string // source name → the one file it read
	configURI string            // where results without a file go
	uris      map[string]string // file → URI, so a file is looked at once
}

func newSARIFPlacer(rep *analyze.Report, opts SARIFOptions) *sarifPlacer {
	pl := &sarifPlacer{opts: opts, files: map[string]string{}, uris: map[string]string{}}
	config := opts.Config
	if config == "" {
		config = "bulkhead.hcl"
	}
	// The configuration file need not exist (it is where a waiver would go): it is placed
	// in Base either way.
	pl.configURI = pl.uriIn(config, false)
	seen := map[string]int{}
	for _, s := range rep.Sources {
		seen[s.Name]++
		if s.Target == "" || s.Target == "-" {
			continue
		}
		path := s.Target
		if !filepath.IsAbs(path) && opts.Base != "" {
			path = filepath.Join(opts.Base, path)
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			pl.files[s.Name] = s.Target
		}
	}
	for name, n := range seen {
		if n > 1 { // two states: which one holds the resource is not known here
			delete(pl.files, name)
		}
	}
	return pl
}

// place is the finding's file and, when known, its region.
func (pl *sarifPlacer) place(f analyze.Finding) *sarif.PhysicalLocation {
	if file, line, col, ok := splitLocation(f.Location); ok {
		region := sarif.NewRegion().WithStartLine(line)
		if col > 0 {
			region.WithStartColumn(col)
		}
		return sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(pl.uri(file))).WithRegion(region)
	}
	uri := pl.configURI
	if file, ok := pl.files[f.Origin]; ok {
		uri = pl.uri(file)
	}
	return sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
}

// uri is a file path as a SARIF artifact URI: relative to Root, slash-separated and
// percent-encoded (a space is %20, # is %23), or an absolute file: URI for a file outside
// Root. A relative path that names no file here is written as it is.
func (pl *sarifPlacer) uri(file string) string {
	u, ok := pl.uris[file]
	if !ok {
		u = pl.uriIn(file, true)
		pl.uris[file] = u
	}
	return u
}

// uriIn is uri; onDisk says a relative path that names no file is written as it is.
func (pl *sarifPlacer) uriIn(file string, onDisk bool) string {
	path := file
	if pl.opts.Root != "" {
		if !filepath.IsAbs(path) {
			path = filepath.Join(pl.opts.Base, path)
			if _, err := os.Stat(path); err != nil && onDisk {
				// Not a file on this disk (the demo's embedded working directory): the
				// path is written as the report has it.
				return escapePath(filepath.ToSlash(filepath.Clean(file)))
			}
		}
		rel, err := filepath.Rel(pl.opts.Root, path)
		if err != nil || !filepath.IsLocal(rel) {
			return fileURI(path)
		}
		path = rel
	} else if filepath.IsAbs(path) {
		return fileURI(path)
	}
	return escapePath(filepath.ToSlash(filepath.Clean(path)))
}

// fileURI is an absolute path as a file: URI.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x → /C:/x
	}
	return "file://" + escapePath(p)
}

// escapePath percent-encodes each segment of a slash-separated path, and a colon in the
// first segment, which would otherwise read as a URI scheme.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	if len(segs) > 0 && !strings.HasPrefix(p, "/") {
		segs[0] = strings.ReplaceAll(segs[0], ":", "%3A")
	}
	return strings.Join(segs, "/")
}

// sarifLog is the report as a SARIF log without its results, and each rule's position in
// the run's rule list.
func sarifLog(rep *analyze.Report) (*sarif.Report, *sarif.Run, map[string]int, error) {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("sarif: %w", err)
	}
	run := sarif.NewRunWithInformationURI("bulkhead", InformationURI)
	index := map[string]int{}
	rules := append([]*analyze.Rule(nil), analyze.All...)
	for _, r := range analyze.PlanRules { // bulkhead check's rules, when the report comes from a plan
		if _, ok := rep.Rules[r.ID]; ok {
			rules = append(rules, r)
		}
	}
	for i, r := range rules {
		sev := r.Severity
		if info, ok := rep.Rules[r.ID]; ok {
			sev = info.Severity
		}
		index[r.ID] = i
		props := sarif.NewPropertyBag()
		props.Add("tags", []string{"security", "data-loss"})
		props.Add("precision", "high")
		props.Add("security-severity", securitySeverity(sev))
		props.Add("bulkhead-severity", sev.String())
		run.AddRule(r.ID).
			WithName(r.Name).
			WithShortDescription(sarif.NewMultiformatMessageString(r.Doc.Title)).
			WithFullDescription(sarif.NewMultiformatMessageString(r.Doc.Text)).
			WithHelp(sarif.NewMultiformatMessageString(analyze.FormatDoc(r)).WithMarkdown(analyze.FormatDocMarkdown(r))).
			WithHelpURI(r.HelpURL(InformationURI)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level(r.Severity))).
			WithProperties(props.Properties)
	}
	if !rep.Complete() {
		inv := run.AddInvocation(false)
		for _, g := range rep.Gaps {
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
				sarif.NewNotification().WithLevel("error").WithMessage(sarif.NewTextMessage(
					fmt.Sprintf("incomplete input: %s: %s (%s)", g.Source, g.What, g.Reason))))
		}
	} else {
		run.AddInvocation(true)
	}
	log.AddRun(run)
	return log, run, index, nil
}

// writeSARIF writes the log with the run's results made and written one at a time, giving
// the bytes of encoding the log with every result in place: a large estate's report holds
// tens of thousands of results, and go-sarif's object model of all of them at once is
// several times the size of the JSON.
func writeSARIF(w io.Writer, log *sarif.Report, run *sarif.Run, n int, result func(int) *sarif.Result) error {
	run.Results = []*sarif.Result{}
	var env bytes.Buffer
	if err := jsonstream.Encode(&env, "", log); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	// The run is the only element of "runs"; its fields are indented by six spaces.
	marker := []byte("\n      \"results\": []")
	at := bytes.Index(env.Bytes(), marker)
	if n == 0 || at < 0 || bytes.Count(env.Bytes(), marker) != 1 {
		for i := 0; i < n; i++ {
			run.AddResult(result(i))
		}
		bw := bufio.NewWriter(w)
		if err := jsonstream.Encode(bw, "", log); err != nil {
			return fmt.Errorf("sarif: %w", err)
		}
		return bw.Flush()
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(env.Bytes()[:at+len(marker)-1]) // up to and including "["
	if err := jsonstream.Elements(bw, "      ", n, func(i int) any { return result(i) }); err != nil {
		return fmt.Errorf("sarif: %w", err)
	}
	bw.Write(env.Bytes()[at+len(marker):])
	return bw.Flush()
}

// sarifResult is one finding as a SARIF result; index gives each rule's position in the
// run's rule list.
func sarifResult(rep *analyze.Report, f analyze.Finding, index map[string]int, pl *sarifPlacer) *sarif.Result {
	res := sarif.NewRuleResult(f.Rule).
		WithLevel(level(f.Severity)).
		WithMessage(sarif.NewTextMessage(sarifMessage(f)).WithMarkdown(sarifMarkdown(f)))
	if i, ok := index[f.Rule]; ok {
		res.WithRuleIndex(i)
	}
	// The logical location's name is the one its owner writes (a Terraform address) when
	// there is one; the fully qualified name stays the canonical ID.
	name := f.Resource
	if f.Address != "" {
		name = f.Address
	}
	loc := sarif.NewLocation().WithLogicalLocations([]*sarif.LogicalLocation{
		sarif.NewLogicalLocation().WithFullyQualifiedName(f.Resource).WithName(name).WithKind("resource"),
	})
	loc.WithPhysicalLocation(pl.place(f))
	res.AddLocation(loc)
	// GitHub tracks an alert across runs by primaryLocationLineHash, and computes one from
	// the file's text when the upload has none; bulkhead's fingerprint names the finding,
	// not a line of a state file that changes with every apply, so it is given as both.
	res.WithPartialFingerPrints(map[string]interface{}{
		"bulkhead/v1":             f.Fingerprint,
		"primaryLocationLineHash": f.Fingerprint + ":1",
	})
	// Waived findings are suppressed, not hidden: code scanning shows them as dismissed
	// with the waiver's reason. Baseline states let it tell new findings from old ones.
	switch f.Status {
	case analyze.StatusWaived:
		// go-sarif v2.3.3 writes location and guid as null when unset, which the schema
		// rejects, so both are always given: the result's location, and a GUID derived
		// from the fingerprint (stable across runs).
		sup := sarif.NewSuppression("external").WithStatus("accepted").WithLocation(loc).WithGuid(guidOf(f.Fingerprint))
		if f.Waived != nil {
			sup.WithJustifcation(f.Waived.Reason)
		}
		res.WithSuppression([]*sarif.Suppression{sup})
	case analyze.StatusBaseline, analyze.StatusExisting:
		res.WithBaselineState("unchanged")
	case analyze.StatusNew, "":
		if rep.Summary.ByStatus[analyze.StatusBaseline]+rep.Summary.ByStatus[analyze.StatusExisting] > 0 {
			res.WithBaselineState("new")
		}
	}
	props := sarif.NewPropertyBag()
	props.Add("severity", f.Severity.String())
	props.Add("resources", f.Resources)
	if f.Advice != "" {
		props.Add("advice", f.Advice)
	}
	res.AttachPropertyBag(props)
	return res
}

// level maps a severity to a SARIF level.
func level(s analyze.Severity) string {
	switch s {
	case analyze.Critical, analyze.High:
		return "error"
	case analyze.Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub code scanning's numeric severity (critical ≥ 9, high ≥ 7,
// medium ≥ 4), as a string as GitHub documents it.
func securitySeverity(s analyze.Severity) string {
	switch s {
	case analyze.Critical:
		return "9.5"
	case analyze.High:
		return "8.0"
	case analyze.Medium:
		return "5.5"
	}
	return "3.0"
}

// PathText draws a finding's path on one line: a → via → b → via → c.
func PathText(f analyze.Finding) string {
	var b strings.Builder
	for i, h := range f.Path {
		if i > 0 {
			fmt.Fprintf(&b, " --%s--> ", h.Via)
		}
		b.WriteString(h.Label)
		if h.Note != "" {
			b.WriteString(" (" + h.Note + ")")
		}
	}
	return b.String()
}

func sarifMessage(f analyze.Finding) string {
	s := f.Message
	if len(f.Path) > 0 {
		s += ". Path: " + PathText(f)
	}
	if f.Detail != "" {
		s += ". " + upperFirst(f.Detail)
	}
	if f.Advice != "" {
		s += ". Fix: " + f.Advice
	}
	return s
}

func sarifMarkdown(f analyze.Finding) string {
	var b strings.Builder
	b.WriteString(mdEscape(f.Message))
	if len(f.Path) > 0 {
		b.WriteString("\n\n" + mdPath(f))
	}
	if f.Detail != "" {
		b.WriteString("\n\n**" + mdEscape(upperFirst(f.Detail)) + "**")
	}
	if f.Advice != "" {
		b.WriteString("\n\nFix: " + mdEscape(f.Advice))
	}
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// splitLocation parses "file:line" or "file:line:col" from the right, so that a file name
// may itself hold colons.
func splitLocation(loc string) (file string, line, col int, ok bool) {
	if loc == "" {
		return "", 0, 0, false
	}
	parts := strings.Split(loc, ":")
	nums := []int{}
	for len(parts) > 1 && len(nums) < 2 {
		n, err := strconv.Atoi(parts[len(parts)-1])
		if err != nil || n < 1 {
			break
		}
		nums = append([]int{n}, nums...)
		parts = parts[:len(parts)-1]
	}
	if len(nums) == 0 {
		return "", 0, 0, false
	}
	file = strings.Join(parts, ":")
	line = nums[0]
	if len(nums) == 2 {
		col = nums[1]
	}
	return file, line, col, file != ""
}

// guidOf formats a stable GUID from a fingerprint, for SARIF objects that require one.
func guidOf(fingerprint string) string {
	h := sha256.Sum256([]byte("bulkhead-suppression/" + fingerprint))
	h[6] = h[6]&0x0f | 0x50 // version 5 (name-based, SHA) as RFC 4122 lays it out
	h[8] = h[8]&0x3f | 0x80 // variant 10
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}
