package graph

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestVocabularyMatchesSchema: the attribute keys rules reason on are graph.Attr* constants,
// and the snapshot schema lists exactly those keys (issue 13: the vocabulary is the
// contract). A new constant without a schema entry, or a schema key without a constant,
// fails here.
func TestVocabularyMatchesSchema(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "model.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var code []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Attr") {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			v, _ := strconv.Unquote(lit.Value)
			code = append(code, v)
		}
		return true
	})
	raw, err := os.ReadFile("schema/snapshot.v1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"properties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	var inSchema []string
	for k := range schema.Defs["resource"].Properties["attrs"].Properties {
		inSchema = append(inSchema, k)
	}
	slices.Sort(code)
	slices.Sort(inSchema)
	if len(code) < 10 || !slices.Equal(code, inSchema) {
		t.Errorf("graph.Attr* constants and the schema's attrs differ:\n code:   %v\n schema: %v", code, inSchema)
	}
}
