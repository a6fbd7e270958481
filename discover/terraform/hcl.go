package terraform

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/hclguard"
	"github.com/bulkhead-dev/bulkhead/internal/input"
)

// ConfigError carries HCL diagnostics with the parsed files, so the CLI can print them
// with source snippets (file:line).
type ConfigError struct {
	Diags hcl.Diagnostics
	Files map[string]*hcl.File
}

func (e *ConfigError) Error() string {
	var parts []string
	for _, d := range e.Diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		s := d.Summary
		if d.Detail != "" {
			s += ": " + d.Detail
		}
		if d.Subject != nil {
			s = fmt.Sprintf("%s:%d,%d: %s", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, s)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// MaxConfigFileSize bounds the size of one .tf file (input.TFFile). Nesting and heredocs
// are bounded too (internal/hclguard).
var MaxConfigFileSize = input.TFFile

// maxModuleDepth bounds how deep local module calls are followed.
const maxModuleDepth = 8

// ReadConfig reads the .tf files of dir (and of the local modules they call) into b:
// resources with their literal attributes, references between resources (as Ref values
// and depends_on), and each block's source range.
func ReadConfig(ctx context.Context, dir string, b *tfmap.Builder) (map[string]*hcl.File, error) {
	p := hclparse.NewParser()
	if err := readModule(ctx, p, dir, "", b, 0); err != nil {
		return p.Files(), err
	}
	return p.Files(), nil
}

func readModule(ctx context.Context, p *hclparse.Parser, dir, module string, b *tfmap.Builder, depth int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return err
	}
	if len(files) == 0 && depth == 0 {
		st, serr := os.Stat(dir)
		switch {
		case serr != nil:
			return serr
		case !st.IsDir():
			files = []string{dir} // a single .tf file
		default:
			return fmt.Errorf("%w: no .tf files in %s", tfmap.ErrNotTerraform, dir)
		}
	}
	sort.Strings(files)
	var diags hcl.Diagnostics
	var bodies []*hclsyntax.Body
	for _, f := range files {
		// Read with a bound (a device such as /dev/zero, a FIFO or a huge file is refused),
		// then check nesting and heredoc sizes before the parser sees it.
		src, err := input.ReadAll(f, MaxConfigFileSize)
		if err != nil {
			if errors.Is(err, input.ErrTooLarge) {
				return fmt.Errorf("%w: %w; a .tf file larger than %d MiB is not configuration bulkhead reads", tfmap.ErrNotTerraform, err, MaxConfigFileSize>>20)
			}
			return err
		}
		if d := hclguard.Diagnose(src, f); d != nil {
			diags = append(diags, d...)
			continue
		}
		file, d := p.ParseHCL(src, f)
		diags = append(diags, d...)
		if file == nil {
			continue
		}
		if body, ok := file.Body.(*hclsyntax.Body); ok {
			bodies = append(bodies, body)
		}
	}
	if diags.HasErrors() {
		return &ConfigError{Diags: diags, Files: p.Files()}
	}
	for _, body := range bodies {
		for _, blk := range body.Blocks {
			switch blk.Type {
			case "resource", "data":
				if len(blk.Labels) != 2 {
					continue
				}
				b.Add(configInstance(blk, module))
			case "module":
				if depth >= maxModuleDepth || len(blk.Labels) != 1 {
					continue
				}
				src, ok := literalString(blk.Body.Attributes["source"])
				if !ok || !(strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../")) {
					continue // registry and remote modules are not fetched
				}
				child := "module." + blk.Labels[0]
				if module != "" {
					child = module + "." + child
				}
				if err := readModule(ctx, p, filepath.Join(dir, src), child, b, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ParseConfigFile reads one .tf file's source into b (the fuzz target's entry point).
func ParseConfigFile(src []byte, filename string, b *tfmap.Builder) error {
	if d := hclguard.Diagnose(src, filename); d != nil {
		return &ConfigError{Diags: d}
	}
	file, diags := hclparse.NewParser().ParseHCL(src, filename)
	if diags.HasErrors() {
		return &ConfigError{Diags: diags}
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	for _, blk := range body.Blocks {
		if (blk.Type == "resource" || blk.Type == "data") && len(blk.Labels) == 2 {
			b.Add(configInstance(blk, ""))
		}
	}
	return nil
}

func literalString(a *hclsyntax.Attribute) (string, bool) {
	if a == nil {
		return "", false
	}
	v, d := a.Expr.Value(nil)
	if d.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

var evalCtx = &hcl.EvalContext{Functions: map[string]function.Function{
	"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc,
	"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "format": stdlib.FormatFunc,
	"join": stdlib.JoinFunc, "concat": stdlib.ConcatFunc, "merge": stdlib.MergeFunc,
	"tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)), "toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
}}

// metaArgs are Terraform's own arguments, not the resource's.
var metaArgs = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true, "lifecycle": true}

func configInstance(blk *hclsyntax.Block, module string) *tfmap.Instance {
	mode := tfmap.Managed
	if blk.Type == "data" {
		mode = tfmap.Data
	}
	in := &tfmap.Instance{Module: module, Mode: mode, Type: blk.Labels[0], Name: blk.Labels[1], Unknown: map[string]bool{}}
	r := blk.Range()
	in.Range = &graph.Range{File: r.Filename, Line: blk.DefRange().Start.Line, Column: blk.DefRange().Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column}
	in.Address = in.ResourceAddress()
	in.Attrs = bodyValues(blk.Body, in.Type, in.Unknown, "")
	deps := map[string]bool{}
	hclsyntax.VisitAll(blk.Body, func(n hclsyntax.Node) hcl.Diagnostics {
		if e, ok := n.(hclsyntax.Expression); ok {
			for _, t := range e.Variables() {
				if ref, ok := refOf(t); ok {
					deps[qualify(ref.Address, module)] = true
				}
			}
		}
		return nil
	})
	if c, ok := blk.Body.Attributes["count"]; ok {
		in.Attrs["count"] = exprText(c.Expr)
	}
	if _, ok := blk.Body.Attributes["for_each"]; ok {
		in.Attrs["for_each"] = "for_each"
	}
	for d := range deps {
		if d != in.Address {
			in.DependsOn = append(in.DependsOn, d)
		}
	}
	sort.Strings(in.DependsOn)
	qualifyRefs(in.Attrs, module)
	return in
}

func exprText(e hclsyntax.Expression) string {
	v, d := e.Value(evalCtx)
	if !d.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.Number {
		return v.AsBigFloat().String()
	}
	return "?"
}

// bodyValues converts a block body's literal attributes and nested blocks to the JSON
// shapes state uses. Non-literal values become Ref (a single reference) or are marked
// unknown under their path ("versioning.0.enabled"); prefix is the body's own path, "" for
// the resource block.
func bodyValues(body *hclsyntax.Body, typ string, unknown map[string]bool, prefix string) map[string]any {
	top := prefix == ""
	out := map[string]any{}
	for name, a := range body.Attributes {
		if top && metaArgs[name] {
			continue
		}
		if tfmap.IsSecretAttr(typ, name) {
			continue
		}
		if v, ok := exprValue(a.Expr); ok {
			out[name] = v
		} else {
			unknown[prefix+name] = true
		}
	}
	for _, blk := range body.Blocks {
		if top && (blk.Type == "lifecycle" || blk.Type == "dynamic" || blk.Type == "provisioner" || blk.Type == "connection") {
			continue
		}
		l, _ := out[blk.Type].([]any)
		out[blk.Type] = append(l, bodyValues(blk.Body, typ, unknown, prefix+blk.Type+"."+strconv.Itoa(len(l))+"."))
	}
	return out
}

func exprValue(e hclsyntax.Expression) (any, bool) {
	// A single reference, possibly wrapped in a template: "${aws_db_instance.main.id}".
	if w, ok := e.(*hclsyntax.TemplateWrapExpr); ok {
		e = w.Wrapped
	}
	if s, ok := e.(*hclsyntax.ScopeTraversalExpr); ok {
		if ref, ok := refOf(s.Traversal); ok {
			return ref, true
		}
		return nil, false
	}
	if t, ok := e.(*hclsyntax.TupleConsExpr); ok {
		var out []any
		for _, x := range t.Exprs {
			v, ok := exprValue(x)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	}
	v, d := e.Value(evalCtx)
	if d.HasErrors() || !v.IsWhollyKnown() {
		return nil, false
	}
	return ctyToGo(v), true
}

func ctyToGo(v cty.Value) any {
	if v.IsNull() {
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Bool:
		return v.True()
	case t == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		var out []any
		for it := v.ElementIterator(); it.Next(); {
			_, x := it.Element()
			out = append(out, ctyToGo(x))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, x := it.Element()
			out[k.AsString()] = ctyToGo(x)
		}
		return out
	}
	return nil
}

// refOf turns a traversal into a resource reference: aws_x.name.attr, data.t.n.attr,
// module.m (references into modules are not resolved).
func refOf(t hcl.Traversal) (tfmap.Ref, bool) {
	if len(t) < 2 {
		return tfmap.Ref{}, false
	}
	root := t.RootName()
	switch root {
	case "var", "local", "module", "each", "count", "path", "terraform", "self":
		return tfmap.Ref{}, false
	}
	names := []string{root}
	for _, step := range t[1:] {
		if a, ok := step.(hcl.TraverseAttr); ok {
			names = append(names, a.Name)
		} else {
			break // an index: aws_x.name[0].id refers to the resource all the same
		}
	}
	if root == "data" {
		if len(names) < 3 {
			return tfmap.Ref{}, false
		}
		r := tfmap.Ref{Address: strings.Join(names[:3], ".")}
		if len(names) > 3 {
			r.Attr = names[3]
		}
		return r, true
	}
	if !strings.Contains(root, "_") || len(names) < 2 {
		return tfmap.Ref{}, false
	}
	r := tfmap.Ref{Address: names[0] + "." + names[1]}
	if len(names) > 2 {
		r.Attr = names[2]
	}
	return r, true
}

func qualify(addr, module string) string {
	if module == "" {
		return addr
	}
	return module + "." + addr
}

func qualifyRefs(v any, module string) {
	if module == "" {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			if r, ok := y.(tfmap.Ref); ok {
				r.Address = qualify(r.Address, module)
				x[k] = r
			} else {
				qualifyRefs(y, module)
			}
		}
	case []any:
		for i, y := range x {
			if r, ok := y.(tfmap.Ref); ok {
				r.Address = qualify(r.Address, module)
				x[i] = r
			} else {
				qualifyRefs(y, module)
			}
		}
	}
}
