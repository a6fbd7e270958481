package render

import (
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestEveryKindHasAShape: a kind without a row in the style table wrote `shape=,` and made
// the DOT unparseable (the scope kind did, before it had one).
func TestEveryKindHasAShape(t *testing.T) {
	for _, k := range graph.Kinds {
		if s, ok := kindShape[k]; !ok || s[0] == "" {
			t.Errorf("kind %s has no shape", k)
		}
	}
}
