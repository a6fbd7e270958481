package terraform

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Inline waivers, as tfsec users write them: a comment on the line of a resource block, or
// on the lines just above it,
//
//	# bulkhead:ignore BH002 reason="restored nightly from the off-site export" expires=2027-01-31
//	resource "aws_db_instance" "main" { ... }
//
// is recorded on the block's resources (graph.AttrInlineWaiver, one "FILE:LINE: directive" per
// line); the CLI reads them with the rules of a waive block (config.InlineWaivers: a reason
// is required, the rule must exist, the expiry is a date).

const inlineMarker = "bulkhead:ignore"

// attachInlineWaivers finds the directives in the configuration's files and records each on
// the resources whose block it annotates.
func attachInlineWaivers(g *graph.Graph, files map[string]*hcl.File) {
	byFile := map[string]map[int]string{}
	for name, f := range files {
		if f == nil || !strings.Contains(string(f.Bytes), inlineMarker) {
			continue
		}
		toks, _ := hclsyntax.LexConfig(f.Bytes, name, hcl.InitialPos)
		for _, t := range toks {
			if t.Type != hclsyntax.TokenComment {
				continue
			}
			text := strings.TrimSpace(string(t.Bytes))
			text = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(text, "#"), "//"), "/*"))
			text = strings.TrimSpace(strings.TrimSuffix(text, "*/"))
			if !strings.HasPrefix(text, inlineMarker) {
				continue
			}
			if byFile[name] == nil {
				byFile[name] = map[int]string{}
			}
			byFile[name][t.Range.Start.Line] = text
		}
	}
	if len(byFile) == 0 {
		return
	}
	for _, r := range g.Resources() {
		rg := r.Origin.Range
		if rg == nil || byFile[rg.File] == nil {
			continue
		}
		lines := byFile[rg.File]
		var found []string
		if d, ok := lines[rg.Line]; ok { // on the block's own line
			found = append(found, rg.File+":"+strconv.Itoa(rg.Line)+": "+d)
		}
		for l := rg.Line - 1; l > 0; l-- { // the directives just above it
			d, ok := lines[l]
			if !ok {
				break
			}
			found = append(found, rg.File+":"+strconv.Itoa(l)+": "+d)
		}
		if len(found) > 0 {
			r.SetAttr(graph.AttrInlineWaiver, strings.Join(found, "\n"))
		}
	}
}
