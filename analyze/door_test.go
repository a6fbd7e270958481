package analyze_test

import (
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestRulesUseOnlyTheExportedPass (issue 13 §3): a rule file (bh*.go) uses the engine
// through what is exported, and its own declarations, only: what a rule of the
// catalogue calls, a rule written outside the package can call too. A rule's own
// helpers stay in its file; a helper two rules share is exported.
func TestRulesUseOnlyTheExportedPass(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the package")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: "."}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		t.Fatalf("load: %v", pkgs[0].Errors)
	}
	pkg := pkgs[0]
	var bad []string
	for _, f := range pkg.Syntax {
		file := filepath.Base(pkg.Fset.File(f.Pos()).Name())
		if !strings.HasPrefix(file, "bh") || strings.HasSuffix(file, "_test.go") {
			continue
		}
		seen := map[string]bool{}
		for id, obj := range pkg.TypesInfo.Uses {
			if obj == nil || obj.Pkg() != pkg.Types || obj.Exported() {
				continue
			}
			if pkg.Fset.File(id.Pos()) != pkg.Fset.File(f.Pos()) {
				continue // not in this rule's file
			}
			decl := pkg.Fset.Position(obj.Pos()).Filename
			if filepath.Base(decl) == file || obj.Pos() == token.NoPos {
				continue
			}
			if p := obj.Parent(); p != nil && p != pkg.Types.Scope() {
				continue // a local variable or parameter
			}
			k := file + ": " + obj.Name() + " (declared in " + filepath.Base(decl) + ")"
			if !seen[k] {
				seen[k] = true
				bad = append(bad, k)
			}
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("rule uses an unexported name of the engine or of another rule: %s", b)
	}
}
