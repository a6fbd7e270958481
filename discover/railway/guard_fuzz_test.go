package railway

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// FuzzGuard: whatever the input, Guard never panics, and a document it accepts holds only
// queries.
func FuzzGuard(f *testing.F) {
	for _, s := range []string{
		"query A { apiToken { workspaces { id } } }",
		"mutation { volumeDelete(volumeId: \"v\") }",
		"query A { projectToken { id } }\nmutation B { projectDelete(id: \"p\") }",
		"{ __typename }",
		"subscription S { x }",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if _, err := Guard(doc); err != nil {
			return
		}
		q, err := parser.ParseQuery(&ast.Source{Input: doc})
		if err != nil {
			t.Fatalf("accepted a document that does not parse: %v", err)
		}
		for _, op := range q.Operations {
			if op.Operation != ast.Query {
				t.Fatalf("accepted a %s", op.Operation)
			}
		}
	})
}
