package inert

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"golang.org/x/text/unicode/norm"
)

func TestMarkdown(t *testing.T) {
	for in, want := range map[string]string{
		"pg-data":                "pg-data",
		"[x](https://e.example)": `\[x\](https:` + zwsp + `//e.example)`,
		"@org/team":              "@" + zwsp + "org/team",
		"<b>&amp;":               "&lt;b&gt;&amp;amp;",
		"#12 and # x":            `\#` + zwsp + `12 and \# x`,
		"www.e.example":          "www" + zwsp + ".e.example",
		"a\nb\x1bc":              "a b\uFFFDc",
	} {
		if got := Markdown(in); got != want {
			t.Errorf("Markdown(%q) = %q, want %q", in, got, want)
		}
	}
	if got := MarkdownCode("a`b", false); got != "``a`b``" {
		t.Errorf("MarkdownCode = %q", got)
	}
	if got := MarkdownCode("a|b", true); got != "`a\\|b`" {
		t.Errorf("MarkdownCode in a table = %q", got)
	}
	if got := Fence("x ```` y"); got != "`````" {
		t.Errorf("Fence = %q", got)
	}
}

func TestTerminal(t *testing.T) {
	if got := Terminal("a\nb\x1b[31m\u202e"); got != `a\nb\x1b[31m\u202e` {
		t.Errorf("Terminal = %q", got)
	}
	if s := "plain «text» 数据"; Terminal(s) != s {
		t.Error("Terminal changed a plain string")
	}
}

// FuzzHCLString: every string, quoted by HCLString, parses as an HCL template that
// evaluates to exactly that string, with no interpolation.
func FuzzHCLString(f *testing.F) {
	for _, s := range []string{"", `a"b\c`, "${file(\"x\")}", "%{ if true }x%{ endif }", "$${x}", "a\nb\x1b", "\u202e", "$", "%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		q := HCLString(s)
		expr, diags := hclsyntax.ParseExpression([]byte(q), "x.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("HCLString(%q) = %s does not parse: %v", s, q, diags)
		}
		v, diags := expr.Value(nil)
		if diags.HasErrors() {
			t.Fatalf("HCLString(%q) = %s does not evaluate: %v", s, q, diags)
		}
		// HCL normalises string literals to NFC (so does the waiver matcher, for that).
		if v.AsString() != norm.NFC.String(s) {
			t.Fatalf("HCLString(%q) = %s reads back as %q", s, q, v.AsString())
		}
	})
}

func TestTerminalLines(t *testing.T) {
	if got := TerminalLines("no project \"x\"\n\tev\x1b[2Jil\u202e"); got != "no project \"x\"\n\tev\\x1b[2Jil\\u202e" {
		t.Errorf("TerminalLines = %q", got)
	}
}
