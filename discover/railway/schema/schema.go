// Package schema embeds Railway's published public GraphQL schema (SDL printed from the
// introspection result that railwayapp/cli ships; see SOURCES.md here) and parses it once.
// Both the discoverer's guard and the fake server validate every document against it.
package schema

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

//go:embed cli-schema.graphql
var sdl string

// SDL returns the embedded schema text.
func SDL() string { return sdl }

var (
	once   sync.Once
	parsed *ast.Schema
	err    error
)

// Load parses the embedded schema (once; the result is shared and must not be modified).
func Load() (*ast.Schema, error) {
	once.Do(func() {
		s, e := gqlparser.LoadSchema(&ast.Source{Name: "railway/cli-schema.graphql", Input: sdl})
		if e != nil {
			err = fmt.Errorf("railway schema: %w", e)
			return
		}
		parsed = s
	})
	return parsed, err
}
