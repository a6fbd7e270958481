package render

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
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
			"and shows only the top 5,000 by severity: audit each source in its own run (one upload category each)", n, GitHubResultLimit)}
	}
	return nil
}

// SARIF writes the report as SARIF 2.1.0 (one run; one rule per bulkhead rule, with its
// help text; one result per finding). A finding whose resource came from a file (.tf) is
// located at file:line; every result also carries a logical location named by the
// resource's canonical ID, which is all a finding from an API has.
func SARIF(w io.Writer, rep *analyze.Report, _ Options) error {
	log, run, index, err := sarifLog(rep)
	if err != nil {
		return err
	}
	return writeSARIF(w, log, run, len(rep.Findings), func(i int) *sarif.Result { return sarifResult(rep, rep.Findings[i], index) })
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
func sarifResult(rep *analyze.Report, f analyze.Finding, index map[string]int) *sarif.Result {
	res := sarif.NewRuleResult(f.Rule).
		WithLevel(level(f.Severity)).
		WithMessage(sarif.NewTextMessage(sarifMessage(f)).WithMarkdown(sarifMarkdown(f)))
	if i, ok := index[f.Rule]; ok {
		res.WithRuleIndex(i)
	}
	loc := sarif.NewLocation().WithLogicalLocations([]*sarif.LogicalLocation{
		sarif.NewLogicalLocation().WithFullyQualifiedName(f.Resource).WithName(f.Resource).WithKind("resource"),
	})
	if file, line, col, ok := splitLocation(f.Location); ok {
		region := sarif.NewRegion().WithStartLine(line)
		if col > 0 {
			region.WithStartColumn(col)
		}
		loc.WithPhysicalLocation(sarif.NewPhysicalLocation().
			WithArtifactLocation(sarif.NewSimpleArtifactLocation(file)).
			WithRegion(region))
	}
	res.AddLocation(loc)
	res.WithPartialFingerPrints(map[string]interface{}{"bulkhead/v1": f.Fingerprint})
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
