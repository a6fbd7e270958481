package hclguard_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/bulkhead-dev/bulkhead/internal/hclguard"
)

func TestLimits(t *testing.T) {
	deep := "x = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + "\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"100k parentheses", deep, "1:261: nested more than 256"},
		{"deep blocks", strings.Repeat("a {\n", 300), "257:3: nested"},
		{"deep interpolation", "x = \"" + strings.Repeat("${\"", 200) + "\n", "nested"},
		{"long heredoc", "x = <<EOF\n" + strings.Repeat("a\n", 200<<10) + "EOF\n", "heredoc longer than 256 KiB"},
		{"long indented heredoc", "x = <<-EOT\n" + strings.Repeat("  line\n", 50<<10) + "  EOT\n", "heredoc longer"},
		{"brackets in strings", "x = \"" + strings.Repeat("(", 1000) + "\"\ny = \"${f(\"]]]\")}\"\n# ((((\n/* [[[[ */\n", ""},
		{"brackets in heredoc", "x = <<EOF\n" + strings.Repeat("{", 1000) + "\n${f(\"(\")}\nEOF\ny = [1]\n", ""},
		{"literal $${ in a string", "x = \"$${" + strings.Repeat("(", 300) + "\"\n", ""},
		{"heredoc at limit", "x = <<EOF\n" + strings.Repeat("a", hclguard.MaxHeredoc-10) + "\nEOF\n", ""},
		{"many sibling blocks", strings.Repeat("a {\n b = [1, {c = 2}]\n}\n", 10000), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := hclguard.Check([]byte(tc.src))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			var he *hclguard.Error
			if !errors.As(err, &he) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// TestRealConfigsPass: every .tf and .hcl file of this repository that hashicorp/hcl
// parses passes the check.
func TestRealConfigsPass(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".hcl")) {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if _, diags := hclparse.NewParser().ParseHCL(src, p); diags.HasErrors() {
			return nil
		}
		n++
		if err := hclguard.Check(src); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Errorf("only %d files checked", n)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add([]byte("a {\n b = \"${x(\"y\")}\"\n c = <<EOF\n${d}\nEOF\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_ = hclguard.Check(src)
	})
}
