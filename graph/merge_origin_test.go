package graph

import "testing"

// TestMergeOriginRange: an origin with a file range wins over one without, whichever
// graph comes first, so a token listed by an API and found in .env:3 points at the file.
func TestMergeOriginRange(t *testing.T) {
	api := New()
	api.MustAdd(&Resource{ID: "railway:api_token:t", Kind: Token, Name: "t", Origin: Origin{Source: "railway", Ref: "Query.apiTokens"}})
	file := New()
	file.MustAdd(&Resource{ID: "railway:api_token:t", Kind: Token, Origin: Origin{Source: "workdir", Range: &Range{File: ".env", Line: 3, Column: 19}}})
	for _, order := range [][]*Graph{{api, file}, {file, api}} {
		g, err := Merge(order...)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := g.Resource("railway:api_token:t")
		if r.Origin.Range == nil || r.Origin.Range.String() != ".env:3:19" || r.Origin.Source != "workdir" || r.Name != "t" {
			t.Errorf("origin %+v, name %q", r.Origin, r.Name)
		}
	}
	// Merge never modifies its inputs.
	if r, _ := api.Resource("railway:api_token:t"); r.Origin.Range != nil {
		t.Error("input modified")
	}
}
