package railway

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/bulkhead-dev/bulkhead/discover/railway/schema"
)

// ErrNotReadOnly is returned, before anything is sent, for a document holding a mutation or a
// subscription. bulkhead only ever reads.
var ErrNotReadOnly = errors.New("railway: refusing to send a document that is not read-only")

// ErrInvalidDocument is returned, before anything is sent, for a document that does not
// parse or does not validate against the embedded Railway schema.
var ErrInvalidDocument = errors.New("railway: document does not validate against the Railway schema")

// Guard parses a GraphQL document and accepts it only if every operation in it is a query
// and the whole document validates against Railway's published schema. The client calls it
// on every document before a byte leaves the process; there is no other way to send one.
func Guard(doc string) (*ast.QueryDocument, error) {
	q, err := parser.ParseQuery(&ast.Source{Name: "request", Input: doc})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	if len(q.Operations) == 0 {
		return nil, fmt.Errorf("%w: no operation", ErrInvalidDocument)
	}
	for _, op := range q.Operations {
		if op.Operation != ast.Query {
			name := op.Name
			if name == "" {
				name = "(anonymous)"
			}
			return nil, fmt.Errorf("%w: operation %s is a %s", ErrNotReadOnly, name, op.Operation)
		}
	}
	s, err := schema.Load()
	if err != nil {
		return nil, err
	}
	if errs := validator.ValidateWithRules(s, q, nil); len(errs) > 0 {
		msgs := make([]string, 0, len(errs))
		for _, e := range errs {
			msgs = append(msgs, e.Message)
		}
		return nil, fmt.Errorf("%w: %s", ErrInvalidDocument, strings.Join(msgs, "; "))
	}
	return q, nil
}
