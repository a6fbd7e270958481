package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// Hostile names (issue 13): a plan author controls resource names and for_each keys, and so
// every string bulkhead quotes from a plan. Fed through every Markdown and text output, they
// must stay text: the rendered Markdown (goldmark with GitHub's extensions: tables, autolinks,
// raw HTML allowed as GitHub allows some) has exactly the structure it has with a plain name,
// no link, image or markup, and nothing GitHub's mention and reference filters would act on;
// the text outputs hold no escape sequence and no line the name added.
const hostileName = "x](https://evil.example/a) ![i](https://evil.example/i.png) [y]: https://evil.example " +
	"@org/team @user <b>bold</b> <img src=x onerror=alert(1)> `tick` ``` | pipe |\n- injected item\r\n" +
	"# heading \x1b[31mred\x1b[0m \u202eevil #12 GH-3 www.evil.example a@b.example &lt;b&gt; ~~strike~~ **bold** _em_ \\"

// hostilePlan writes the fixture plan with its resource renamed: the name attribute, and a
// for_each key in its address.
func hostilePlan(t *testing.T, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(checkFixtures, "rds_replace_automated_only.json"))
	if err != nil {
		t.Fatal(err)
	}
	enc := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b[1 : len(b)-1])
	}
	s := strings.ReplaceAll(string(src), `"shop-db"`, `"`+enc(name)+`"`)
	s = strings.ReplaceAll(s, `"aws_db_instance.main"`, `"`+enc(`aws_db_instance.main["`+name+`"]`)+`"`)
	p := filepath.Join(t.TempDir(), "plan.json")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	gfm      = goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	tagRE    = regexp.MustCompile(`<(/?[a-z][a-z0-9]*)`)
	mention  = regexp.MustCompile(`(^|[^\w` + "`" + `])@[A-Za-z0-9]`)
	issueRef = regexp.MustCompile(`(^|[^\w&])#[0-9]`)
	autolink = regexp.MustCompile(`(?i)(https?://|www\.)`)
)

// structure is the sequence of HTML tags goldmark renders md to, and its text outside
// code (what GitHub's mention and reference filters read).
func structure(t *testing.T, md string) (tags []string, text string) {
	t.Helper()
	var out bytes.Buffer
	if err := gfm.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	h := out.String()
	for _, m := range tagRE.FindAllStringSubmatch(h, -1) {
		tags = append(tags, m[1])
	}
	noCode := regexp.MustCompile(`(?s)<code>.*?</code>|<pre>.*?</pre>`).ReplaceAllString(h, "")
	return tags, regexp.MustCompile(`<[^>]*>`).ReplaceAllString(noCode, " ")
}

func TestHostileNamesAreInert(t *testing.T) {
	plain, hostile := hostilePlan(t, "shop-db"), hostilePlan(t, hostileName)
	type output struct {
		name     string
		markdown bool
		args     func(plan, name string) []string
	}
	outputs := []output{
		{"check markdown", true, func(p, _ string) []string {
			return []string{"check", "--plan", p, "--now", checkNow, "--format", "markdown"}
		}},
		{"check text", false, func(p, _ string) []string { return []string{"check", "--plan", p, "--now", checkNow} }},
		{"audit markdown", true, func(p, _ string) []string {
			return []string{"audit", "--tfplan", p, "--now", checkNow, "--format", "markdown"}
		}},
		{"audit text", false, func(p, _ string) []string { return []string{"audit", "--tfplan", p, "--now", checkNow} }},
		{"blast text", false, func(p, name string) []string {
			return []string{"blast", "--tfplan", p, "--now", checkNow, `aws:aws_db_instance:aws_db_instance.main["` + name + `"]`}
		}},
	}
	for _, o := range outputs {
		t.Run(o.name, func(t *testing.T) {
			wantOut, wantErr, _ := run(nil, &IOStreams{ColorMode: "never"}, o.args(plain, "shop-db")...)
			gotOut, gotErr, _ := run(nil, &IOStreams{ColorMode: "never"}, o.args(hostile, hostileName)...)
			if !strings.Contains(gotOut+gotErr, "evil") {
				t.Fatalf("the hostile name does not reach this output:\n%s%s", gotOut, gotErr)
			}
			for _, s := range []string{gotOut, gotErr} {
				if strings.ContainsAny(s, "\x1b\r\u202e") {
					t.Errorf("a control character of the name reached the output:\n%q", s)
				}
			}
			if o.markdown {
				wantTags, _ := structure(t, wantOut)
				gotTags, text := structure(t, gotOut)
				if strings.Join(gotTags, " ") != strings.Join(wantTags, " ") {
					t.Errorf("the name changed the Markdown's structure:\n plain:   %v\n hostile: %v\n%s", wantTags, gotTags, gotOut)
				}
				for _, re := range []*regexp.Regexp{mention, issueRef, autolink} {
					if m := re.FindString(text); m != "" {
						t.Errorf("GitHub would act on %q in:\n%s", m, gotOut)
					}
				}
				return
			}
			if strings.Count(gotOut, "\n") != strings.Count(wantOut, "\n") || strings.Count(gotErr, "\n") != strings.Count(wantErr, "\n") {
				t.Errorf("the name added lines:\n%s\n%s", gotOut, gotErr)
			}
		})
	}
}

// TestHostileWaiverBlockPastes: the waive block the verdict prints for a resource with a
// hostile name (quotes, control characters, "${...}" that HCL would interpolate) is valid
// HCL that, pasted as printed, waives exactly that finding.
func TestHostileWaiverBlockPastes(t *testing.T) {
	// A\u0325 is decomposed: HCL reads it back composed (NFC), and the waiver still matches.
	name := hostileName + ` ${file("/etc/passwd")} %{ if true }x%{ endif } ` + "A\u0325"
	plan := hostilePlan(t, name)
	t.Chdir(t.TempDir())
	_, _, errOut := checkCLI("check", "--plan", plan, "--now", checkNow)
	i := strings.Index(errOut, `waive "BH101"`)
	if i < 0 {
		t.Fatalf("no waive block in the verdict:\n%s", errOut)
	}
	block := strings.Replace(errOut[i:], "TODO: why this is accepted", "restored from the nightly export", 1)
	if err := os.WriteFile("bulkhead.hcl", []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := checkCLI("check", "--plan", plan, "--now", checkNow)
	if code != 0 || !strings.Contains(errOut, "Waived (listed, not failing):") {
		t.Errorf("with the pasted waiver: exit %d\n%s\nblock:\n%s", code, errOut, block)
	}
}

// TestHostileNamesInErrors: an error that lists names from the input (render's projects)
// shows a name's escape sequences as text on the terminal.
func TestHostileNamesInErrors(t *testing.T) {
	g := graph.New()
	g.MustAdd(&graph.Resource{ID: "railway:project:p1", Kind: graph.Project, Type: "railway.Project", Name: "evil\x1b[2J\x1b]8;;https://x\x07name\u202e"})
	var buf bytes.Buffer
	if err := graph.WriteSnapshot(&buf, g); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, nil, "render", "--snapshot", path, "--view", "project", "nope", "-o", filepath.Join(t.TempDir(), "x.svg"))
	if code != exitInput || !strings.Contains(stderr, `evil\x1b[2J`) || strings.ContainsAny(stderr, "\x1b\x07\u202e") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
