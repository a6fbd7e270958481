package render

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

func init() { Register("junit", RendererFunc(JUnit)) }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"` // GitLab's test report shows it
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// JUnit writes the report as JUnit XML for CI dashboards: one test suite per rule, one
// test case per rule × resource with a finding (a failure, whose body is the path), and a
// passing case for a rule that found nothing. Incomplete input adds a suite whose cases
// are errors, so a dashboard never shows a partial run as green.
func JUnit(w io.Writer, rep *analyze.Report, _ Options) error {
	out := junitSuites{Name: "bulkhead"}
	byRule := map[string][]analyze.Finding{}
	for _, f := range rep.Findings {
		byRule[f.Rule] = append(byRule[f.Rule], f)
	}
	for _, r := range analyze.All {
		s := junitSuite{Name: r.ID + " " + r.Name}
		fs := byRule[r.ID]
		delete(byRule, r.ID)
		s.Cases = junitCases(r.ID, r.Name, fs, rep.Summary.Resources)
		out.Suites = append(out.Suites, s)
	}
	// Findings of rules outside the catalogue (none today) still count.
	var rest []string
	for id := range byRule {
		rest = append(rest, id)
	}
	sort.Strings(rest)
	for _, id := range rest {
		fs := byRule[id]
		out.Suites = append(out.Suites, junitSuite{Name: id + " " + fs[0].Name, Cases: junitCases(id, fs[0].Name, fs, rep.Summary.Resources)})
	}
	if !rep.Complete() {
		s := junitSuite{Name: "discovery"}
		for _, g := range rep.Gaps {
			s.Cases = append(s.Cases, junitCase{Name: g.Source + ": " + g.What, ClassName: "bulkhead.discovery",
				Error: &junitFailure{Message: "could not be read: " + g.Reason, Type: "incomplete", Text: "findings may be missing"}})
		}
		out.Suites = append(out.Suites, s)
	}
	for i := range out.Suites {
		s := &out.Suites[i]
		s.Tests = len(s.Cases)
		for _, c := range s.Cases {
			if c.Failure != nil {
				s.Failures++
			}
			if c.Error != nil {
				s.Errors++
			}
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	bw.WriteString("\n")
	return bw.Flush()
}

// junitCases groups a rule's findings by primary resource: one case per resource.
func junitCases(id, name string, fs []analyze.Finding, resources int) []junitCase {
	class := "bulkhead." + id
	if len(fs) == 0 {
		return []junitCase{{Name: fmt.Sprintf("%s %s: no finding in %d resources", id, name, resources), ClassName: class}}
	}
	byRes := map[string][]analyze.Finding{}
	var order []string
	for _, f := range fs {
		if _, ok := byRes[f.Resource]; !ok {
			order = append(order, f.Resource)
		}
		byRes[f.Resource] = append(byRes[f.Resource], f)
	}
	sort.Strings(order)
	var out []junitCase
	for _, res := range order {
		group := byRes[res]
		var msgs []string
		var body strings.Builder
		for _, f := range group {
			msgs = append(msgs, f.Message)
			body.WriteString(f.Message + "\n")
			if f.Location != "" {
				body.WriteString("at " + f.Location + "\n")
			}
			if len(f.Path) > 0 {
				body.WriteString(strings.TrimSuffix(strings.TrimPrefix(mdPath(f), "```\n"), "```"))
			}
			if f.Detail != "" {
				body.WriteString("=> " + f.Detail + "\n")
			}
			if f.Advice != "" {
				body.WriteString("fix: " + f.Advice + "\n")
			}
			body.WriteString("fingerprint " + f.Fingerprint + "\n")
		}
		file, _, _, _ := splitLocation(group[0].Location)
		out = append(out, junitCase{Name: id + " " + res, ClassName: class, File: file, Failure: &junitFailure{
			Message: strings.Join(msgs, "; "), Type: group[0].Severity.String(), Text: body.String()}})
	}
	return out
}
