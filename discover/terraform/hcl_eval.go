package terraform

import (
	"errors"
	"fmt"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/graph"
	"github.com/bulkhead-dev/bulkhead/internal/hclguard"
	"github.com/bulkhead-dev/bulkhead/internal/input"
)

// What is statically known in a module, evaluated as Terraform would before a plan:
// variables (defaults, tfvars, --var-file, a module call's inputs), locals, count.index and
// each. Whatever cannot be resolved is cty.DynamicVal (unknown), so an expression that uses
// it is unknown too and its attribute is recorded as unresolved, never read as the
// provider's default. Functions are the pure ones whose go-cty implementation matches
// Terraform's; every other Terraform function (file, templatefile, cidrsubnet, timestamp,
// sensitive, …) returns unknown rather than failing, so that try and can never take their
// fallback because of something bulkhead does not evaluate, and resources are unknown
// values for the same reason (scope.ctx).
var functions = func() map[string]function.Function {
	fs := map[string]function.Function{
		"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "title": stdlib.TitleFunc,
		"format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc,
		"join": stdlib.JoinFunc, "split": stdlib.SplitFunc, "concat": stdlib.ConcatFunc,
		"merge": stdlib.MergeFunc, "keys": stdlib.KeysFunc, "values": stdlib.ValuesFunc,
		"length": lengthFunc, "contains": stdlib.ContainsFunc, "coalesce": stdlib.CoalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc, "lookup": stdlib.LookupFunc,
		"compact": stdlib.CompactFunc, "distinct": stdlib.DistinctFunc, "flatten": stdlib.FlattenFunc,
		"zipmap": stdlib.ZipmapFunc, "range": rangeFunc, "substr": stdlib.SubstrFunc,
		"trim": stdlib.TrimFunc, "trimspace": stdlib.TrimSpaceFunc, "trimprefix": stdlib.TrimPrefixFunc,
		"trimsuffix": stdlib.TrimSuffixFunc, "chomp": stdlib.ChompFunc, "strrev": stdlib.ReverseFunc,
		"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
		"min": stdlib.MinFunc, "max": stdlib.MaxFunc, "abs": stdlib.AbsoluteFunc, "signum": stdlib.SignumFunc,
		"ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc, "pow": stdlib.PowFunc, "log": stdlib.LogFunc,
		"parseint": stdlib.ParseIntFunc, "chunklist": stdlib.ChunklistFunc,
		"setunion": stdlib.SetUnionFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setproduct": setproductFunc,
		"element": stdlib.ElementFunc, "slice": stdlib.SliceFunc, "reverse": stdlib.ReverseListFunc, "sort": stdlib.SortFunc,
		"tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)), "toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)), "tostring": stdlib.MakeToFunc(cty.String),
		"tonumber": stdlib.MakeToFunc(cty.Number), "tobool": stdlib.MakeToFunc(cty.Bool),
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
	}
	for _, name := range strings.Fields(unevaluated) {
		if _, ok := fs[name]; !ok {
			fs[name] = unknownFunc
		}
	}
	return fs
}()

// unevaluated are Terraform's other functions (Terraform 1.x): reading files, the clock,
// randomness, hashes, networks, or behaviour that differs from go-cty's. Each returns unknown.
const unevaluated = `startswith endswith strcontains replace templatestring
alltrue anytrue index list map matchkeys one sum transpose base64decode base64encode base64gzip
csvdecode textdecodebase64 textencodebase64 urlencode yamldecode yamlencode abspath dirname
pathexpand basename file fileexists fileset filebase64 templatefile formatdate plantimestamp
timeadd timecmp timestamp base64sha256 base64sha512 bcrypt filebase64sha256 filebase64sha512
filemd5 filesha1 filesha256 filesha512 md5 rsadecrypt sha1 sha256 sha512 uuid uuidv5 cidrhost
cidrnetmask cidrsubnet cidrsubnets ephemeralasnull issensitive nonsensitive sensitive type`

// unknownFunc stands for a function bulkhead does not evaluate: its result is unknown.
var unknownFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
	Type:     function.StaticReturnType(cty.DynamicPseudoType),
	Impl:     func([]cty.Value, cty.Type) (cty.Value, error) { return cty.DynamicVal, nil },
})

// maxGenerated bounds the elements range and setproduct may make: they are the functions
// whose result can be far larger than their arguments (Terraform caps range at 1024 too).
const maxGenerated = 1024

// rangeFunc is range, refused past maxGenerated elements (the value is then unknown).
var rangeFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "params", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.Number)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var f [3]float64
		f[2] = 1
		switch len(args) {
		case 1:
			f[1], _ = args[0].AsBigFloat().Float64()
		case 2, 3:
			for i, a := range args {
				f[i], _ = a.AsBigFloat().Float64()
			}
		default:
			return cty.NilVal, errors.New("range takes one to three arguments")
		}
		if f[2] == 0 || (f[1]-f[0])/f[2] > maxGenerated {
			return cty.NilVal, fmt.Errorf("range of more than %d elements is not evaluated", maxGenerated)
		}
		return stdlib.Range(args...)
	},
})

// setproductFunc is setproduct, refused when the product would pass maxExpand elements.
var setproductFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "sets", Type: cty.DynamicPseudoType},
	Type: func(args []cty.Value) (cty.Type, error) {
		return stdlib.SetProductFunc.ReturnType(typesOf(args))
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n := 1
		for _, a := range args {
			if !a.IsKnown() || a.IsNull() || !a.CanIterateElements() {
				return stdlib.SetProduct(args...)
			}
			if n *= max(a.LengthInt(), 1); n > maxExpand {
				return cty.NilVal, fmt.Errorf("setproduct of more than %d elements is not evaluated", maxExpand)
			}
		}
		return stdlib.SetProduct(args...)
	},
})

func typesOf(args []cty.Value) []cty.Type {
	out := make([]cty.Type, len(args))
	for i, a := range args {
		out[i] = a.Type()
	}
	return out
}

// lengthFunc is Terraform's length: of a collection, or of a string in characters.
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true}},
	Type: func(args []cty.Value) (cty.Type, error) {
		t := args[0].Type()
		if t == cty.String || t == cty.DynamicPseudoType || t.IsCollectionType() || t.IsTupleType() || t.IsObjectType() {
			return cty.Number, nil
		}
		return cty.NilType, errors.New("argument must be a string, a collection type, or a structural type")
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if v.Type() == cty.String {
			return stdlib.Strlen(v)
		}
		return stdlib.Length(v)
	},
})

// evalCtx is the context of an expression evaluated outside any module scope: functions only.
var evalCtx = &hcl.EvalContext{Functions: functions}

// maxExpand bounds the instances one count or for_each makes; past it the block stands for
// one instance with its count unresolved, as an unknown count does.
const maxExpand = 10000

// maxInstances bounds the resource and module instances one configuration expands to, so
// that nested counts cannot multiply without end.
const maxInstances = 200000

// variable is one variable block of a module.
type variable struct {
	def       cty.Value
	hasDef    bool
	ty        cty.Type           // cty.DynamicPseudoType when the block gives no type bulkhead reads
	defaults  *typeexpr.Defaults // optional(type, default) attributes of ty
	sensitive bool
	nullable  bool
	// literal: a value given as text (TF_VAR_name) is the string itself, as Terraform
	// takes it for a variable with no type or a primitive one; otherwise the text is an
	// HCL expression (a list, a map, an object, any).
	literal bool
}

// variables reads the variable blocks of a module's bodies.
func variables(bodies []*hclsyntax.Body) map[string]*variable {
	out := map[string]*variable{}
	for _, body := range bodies {
		for _, blk := range body.Blocks {
			if blk.Type != "variable" || len(blk.Labels) != 1 {
				continue
			}
			v := &variable{ty: cty.DynamicPseudoType, nullable: true, literal: true}
			if a, ok := blk.Body.Attributes["default"]; ok {
				if d, diags := a.Expr.Value(nil); !diags.HasErrors() && d.IsWhollyKnown() {
					v.def, v.hasDef = d, true
				}
			}
			if a, ok := blk.Body.Attributes["type"]; ok {
				v.literal = false
				if ty, defs, diags := typeexpr.TypeConstraintWithDefaults(a.Expr); !diags.HasErrors() {
					v.ty, v.defaults = ty, defs
					v.literal = ty.IsPrimitiveType()
				} else if q, d := a.Expr.Value(nil); !d.HasErrors() && q.Type() == cty.String && q.IsKnown() && !q.IsNull() && q.AsString() == "string" {
					v.literal = true // the type hint of Terraform 0.11, type = "string"
				}
			}
			if a, ok := blk.Body.Attributes["sensitive"]; ok {
				// Only a literal false says the value is not sensitive.
				s, diags := a.Expr.Value(nil)
				v.sensitive = diags.HasErrors() || !s.IsKnown() || s.IsNull() || s.Type() != cty.Bool || s.True()
			}
			if a, ok := blk.Body.Attributes["nullable"]; ok {
				if n, diags := a.Expr.Value(nil); !diags.HasErrors() && n.IsKnown() && !n.IsNull() && n.Type() == cty.Bool {
					v.nullable = n.True()
				}
			}
			// A value that holds a secret never enters the evaluation, whatever the block says.
			if tfmap.IsSecretAttr("", blk.Labels[0]) {
				v.sensitive = true
			}
			out[blk.Labels[0]] = v
		}
	}
	return out
}

// resolveVars gives every declared variable its value: the given one (a tfvars file or
// the module call's input), else its default, else unknown. A sensitive variable is
// always unknown: its value is never read into the graph. A value that does not convert to
// the variable's type is unknown (Terraform would refuse it).
func resolveVars(decls map[string]*variable, given map[string]cty.Value) map[string]cty.Value {
	out := make(map[string]cty.Value, len(decls))
	for name, d := range decls {
		v, ok := given[name]
		if ok && v.IsNull() && !d.nullable && d.hasDef {
			v = d.def
		}
		if !ok {
			v, ok = d.def, d.hasDef
		}
		if !ok || d.sensitive {
			out[name] = cty.DynamicVal
			continue
		}
		if d.ty != cty.DynamicPseudoType && v.IsKnown() {
			if d.defaults != nil {
				v = d.defaults.Apply(v)
			}
			c, err := convert.Convert(v, d.ty)
			if err != nil {
				out[name] = cty.DynamicVal
				continue
			}
			v = c
		}
		out[name] = v
	}
	return out
}

// envPrefix starts the name of an environment variable that gives a root module variable
// its value (TF_VAR_region gives var.region).
const envPrefix = "TF_VAR_"

// envValues are the root module's variables given by TF_VAR_<name> in env ("NAME=value",
// as os.Environ), parsed as Terraform does: the text itself for a variable with no type or
// a primitive one, an HCL expression of constants otherwise (unknown when it is not one).
// A name no variable block declares is ignored, as Terraform ignores it. A sensitive
// variable, or one whose name holds a secret, is never read. names are the variables read,
// sorted (names only: their values are never reported).
func envValues(decls map[string]*variable, env []string) (vals map[string]cty.Value, names []string) {
	vals = map[string]cty.Value{}
	for _, kv := range env {
		rest, ok := strings.CutPrefix(kv, envPrefix)
		if !ok {
			continue
		}
		name, text, ok := strings.Cut(rest, "=")
		if !ok {
			continue
		}
		d := decls[name]
		if d == nil || d.sensitive {
			continue
		}
		if _, dup := vals[name]; !dup {
			names = append(names, name)
		}
		if d.literal {
			vals[name] = cty.StringVal(text)
			continue
		}
		v := cty.DynamicVal
		if e, diags := hclsyntax.ParseExpression([]byte(text), "<value for var."+name+">", hcl.InitialPos); !diags.HasErrors() {
			if x, diags := e.Value(nil); !diags.HasErrors() {
				v = x
			}
		}
		vals[name] = v
	}
	sort.Strings(names)
	return vals, names
}

// varFileNames lists the variable files Terraform reads for a root module in dir, in its
// order of precedence (later wins): terraform.tfvars, terraform.tfvars.json, then
// *.auto.tfvars and *.auto.tfvars.json in lexical order, then each --var-file as given.
func varFileNames(dir string, extra []string) []string {
	var out []string
	for _, n := range []string{"terraform.tfvars", "terraform.tfvars.json"} {
		if st, err := os.Stat(filepath.Join(dir, n)); err == nil && st.Mode().IsRegular() {
			out = append(out, filepath.Join(dir, n))
		}
	}
	a, _ := filepath.Glob(filepath.Join(dir, "*.auto.tfvars"))
	j, _ := filepath.Glob(filepath.Join(dir, "*.auto.tfvars.json"))
	auto := append(a, j...)
	sort.Strings(auto)
	out = append(out, auto...)
	return append(out, extra...)
}

// readVarFiles reads variable files (HCL, or JSON for a name ending in .json) into one
// map, later files overriding earlier ones. A value that is not a constant is unknown.
func readVarFiles(p *hclparse.Parser, files []string) (map[string]cty.Value, error) {
	out := map[string]cty.Value{}
	var diags hcl.Diagnostics
	for _, f := range files {
		src, err := input.ReadAll(f, MaxConfigFileSize)
		if err != nil {
			if errors.Is(err, input.ErrTooLarge) {
				return nil, fmt.Errorf("%w: %w; a variable file larger than %d MiB is not one bulkhead reads", tfmap.ErrNotTerraform, err, MaxConfigFileSize>>20)
			}
			return nil, fmt.Errorf("variable file: %w", err)
		}
		if d := hclguard.Diagnose(src, f); d != nil {
			diags = append(diags, d...)
			continue
		}
		var file *hcl.File
		var d hcl.Diagnostics
		if strings.HasSuffix(f, ".json") {
			file, d = p.ParseJSON(src, f)
		} else {
			file, d = p.ParseHCL(src, f)
		}
		diags = append(diags, d...)
		if file == nil || d.HasErrors() {
			continue
		}
		attrs, d := file.Body.JustAttributes()
		diags = append(diags, d...)
		for _, name := range sortedAttrNames(attrs) {
			v, vd := attrs[name].Expr.Value(nil)
			if vd.HasErrors() {
				v = cty.DynamicVal
			}
			out[name] = v
		}
	}
	if diags.HasErrors() {
		return nil, &ConfigError{Diags: diags, Files: p.Files()}
	}
	return out, nil
}

func sortedAttrNames(attrs hcl.Attributes) []string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// scope is what a module's expressions see.
type scope struct {
	vars   map[string]cty.Value
	locals map[string]cty.Value
	types  []string  // the resource types the module declares
	tf     cty.Value // terraform: its workspace when the source names one, else unknown
}

// ctx is the module's context. Resources, data sources, module outputs, path and
// terraform are unknown (known only at apply, or not read): a value that uses one is
// unknown, while the rest of an expression still evaluates (a for_each map's keys may be
// known though some of its values refer to resources).
func (s *scope) ctx() *hcl.EvalContext {
	v := map[string]cty.Value{"var": cty.ObjectVal(s.vars), "local": cty.ObjectVal(s.locals)}
	for _, r := range append([]string{"data", "module", "path", "terraform", "self"}, s.types...) {
		v[r] = cty.DynamicVal
	}
	if s.tf != cty.NilVal {
		v["terraform"] = s.tf
	}
	return &hcl.EvalContext{Functions: functions, Variables: v}
}

// newScope evaluates a module's locals given its variables' values: a local is evaluated
// once the locals it uses are, round after round until none is left or no more can be
// (a cycle, which stays unknown). A local that fails to evaluate (it uses a resource, a
// module output, an unsupported function) is unknown.
func newScope(bodies []*hclsyntax.Body, vars map[string]cty.Value, workspace string) *scope {
	s := &scope{vars: vars, locals: map[string]cty.Value{}}
	// A variable or local the module refers to but does not declare is unknown, not an
	// error: Terraform refuses such a module, and an error would let try and can take
	// their fallback (try(var.undeclared.x, null) == null ? 0 : 1 would drop the block).
	undeclared := func(root string, declared func(string) bool) []string {
		var names []string
		for _, body := range bodies {
			hclsyntax.VisitAll(body, func(n hclsyntax.Node) hcl.Diagnostics {
				e, ok := n.(*hclsyntax.ScopeTraversalExpr)
				if !ok || e.Traversal.RootName() != root || len(e.Traversal) < 2 {
					return nil
				}
				if a, ok := e.Traversal[1].(hcl.TraverseAttr); ok && !declared(a.Name) && !slices.Contains(names, a.Name) {
					names = append(names, a.Name)
				}
				return nil
			})
		}
		return names
	}
	if missing := undeclared("var", func(n string) bool { _, ok := vars[n]; return ok }); len(missing) > 0 {
		s.vars = maps.Clone(vars)
		if s.vars == nil {
			s.vars = map[string]cty.Value{}
		}
		for _, n := range missing {
			s.vars[n] = cty.DynamicVal
		}
	}
	if workspace != "" {
		s.tf = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal(workspace)})
	}
	pending := map[string]hclsyntax.Expression{}
	types := map[string]bool{}
	for _, body := range bodies {
		for _, blk := range body.Blocks {
			if blk.Type == "resource" && len(blk.Labels) == 2 && !types[blk.Labels[0]] {
				types[blk.Labels[0]] = true
				s.types = append(s.types, blk.Labels[0])
			}
			if blk.Type != "locals" {
				continue
			}
			for name, a := range blk.Body.Attributes {
				pending[name] = a.Expr
			}
		}
	}
	for _, n := range undeclared("local", func(n string) bool { _, ok := pending[n]; return ok }) {
		s.locals[n] = cty.DynamicVal
	}
	for len(pending) > 0 {
		ready := []string{}
		for name, e := range pending {
			ok := true
			for _, t := range e.Variables() {
				if t.RootName() != "local" || len(t) < 2 {
					continue
				}
				if a, isAttr := t[1].(hcl.TraverseAttr); isAttr {
					if _, waiting := pending[a.Name]; waiting {
						ok = false
						break
					}
				}
			}
			if ok {
				ready = append(ready, name)
			}
		}
		if len(ready) == 0 {
			for name := range pending {
				s.locals[name] = cty.DynamicVal // a cycle
			}
			break
		}
		sort.Strings(ready)
		ctx := s.ctx()
		vals := make([]cty.Value, len(ready))
		for i, name := range ready {
			v, d := pending[name].Value(ctx)
			if d.HasErrors() {
				v = cty.DynamicVal
			}
			vals[i] = v
		}
		for i, name := range ready {
			s.locals[name] = vals[i]
			delete(pending, name)
		}
	}
	return s
}

// instance is one instance a resource or module block stands for: its key (nil, an int
// for count, a string for for_each) and the context its expressions are evaluated in.
type instance struct {
	key  any
	ctx  *hcl.EvalContext
	pctx *hcl.EvalContext // for the policy attribute of an IAM policy type (hcl_policy.go)
	refs outputRefs       // the module outputs that are references (hcl_outputs.go)
}

// expand returns the instances of a block: none for count = 0 or an empty for_each, one
// per index or key when they are known, else one instance standing for them all with
// unresolved naming the meta-argument ("count" or "for_each") bulkhead could not resolve.
func expand(body *hclsyntax.Body, base *hcl.EvalContext) (out []instance, unresolved string) {
	if a, ok := body.Attributes["count"]; ok {
		v, d := a.Expr.Value(base)
		if n, ok := wholeCount(v, d); ok {
			for i := range n {
				out = append(out, instance{key: i, ctx: child(base, "count", cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(i))}))})
			}
			return out, ""
		}
		return []instance{{ctx: child(base, "count", cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)}))}}, "count"
	}
	if a, ok := body.Attributes["for_each"]; ok {
		v, d := a.Expr.Value(base)
		if keys, vals, ok := forEachKeys(v, d); ok {
			for i, k := range keys {
				out = append(out, instance{key: k, ctx: child(base, "each", cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(k), "value": vals[i]}))})
			}
			return out, ""
		}
		return []instance{{ctx: child(base, "each", cty.ObjectVal(map[string]cty.Value{"key": cty.UnknownVal(cty.String), "value": cty.DynamicVal}))}}, "for_each"
	}
	return []instance{{ctx: base}}, ""
}

func child(base *hcl.EvalContext, name string, v cty.Value) *hcl.EvalContext {
	c := base.NewChild()
	c.Variables = map[string]cty.Value{name: v}
	return c
}

// wholeCount is a count's value when it is a known whole number from 0 to maxExpand.
func wholeCount(v cty.Value, d hcl.Diagnostics) (int, bool) {
	if d.HasErrors() || !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	v, err := convert.Convert(v, cty.Number)
	if err != nil || !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	f := v.AsBigFloat()
	if !f.IsInt() || f.Sign() < 0 || f.Cmp(big.NewFloat(maxExpand)) > 0 {
		return 0, false
	}
	n, _ := f.Int64()
	return int(n), true
}

// forEachKeys are the keys and values of a known for_each: a map or object (keys are its
// keys), or a set of strings (each element is key and value). A list, a set with unknown
// elements, null or more than maxExpand entries is not resolved.
func forEachKeys(v cty.Value, d hcl.Diagnostics) ([]string, []cty.Value, bool) {
	if d.HasErrors() || !v.IsKnown() || v.IsNull() || v.LengthInt() > maxExpand {
		return nil, nil, false
	}
	t := v.Type()
	var keys []string
	var vals []cty.Value
	switch {
	case t.IsMapType() || t.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, x := it.Element()
			keys, vals = append(keys, k.AsString()), append(vals, x)
		}
	case t.IsSetType():
		if !v.IsWhollyKnown() {
			return nil, nil, false
		}
		for it := v.ElementIterator(); it.Next(); {
			_, x := it.Element()
			if x.IsNull() {
				return nil, nil, false
			}
			s, err := convert.Convert(x, cty.String)
			if err != nil {
				return nil, nil, false
			}
			keys, vals = append(keys, s.AsString()), append(vals, x)
		}
	default:
		return nil, nil, false
	}
	if !slices.IsSorted(keys) {
		// Terraform orders instances by key; keep the same order whatever the collection's.
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
		k2, v2 := make([]string, len(keys)), make([]cty.Value, len(keys))
		for i, j := range idx {
			k2[i], v2[i] = keys[j], vals[j]
		}
		keys, vals = k2, v2
	}
	return keys, vals, true
}

// dynamicBlocks expands a dynamic block whose for_each is known: one content body per
// element, with the iterator (the block's label, or its iterator argument) bound to the
// element's key and value. ok is false when the for_each or the block's shape cannot be
// read; the block's attribute is then unknown.
func dynamicBlocks(blk *hclsyntax.Block, ctx *hcl.EvalContext) (label string, bodies []*hclsyntax.Body, ctxs []*hcl.EvalContext, ok bool) {
	if len(blk.Labels) != 1 {
		return "", nil, nil, false
	}
	label = blk.Labels[0]
	iter := label
	if a, has := blk.Body.Attributes["iterator"]; has {
		t, d := hcl.AbsTraversalForExpr(a.Expr)
		if d.HasErrors() || len(t) != 1 {
			return label, nil, nil, false
		}
		iter = t.RootName()
	}
	var content *hclsyntax.Body
	for _, c := range blk.Body.Blocks {
		if c.Type == "content" {
			content = c.Body
		}
	}
	fe, has := blk.Body.Attributes["for_each"]
	if content == nil || !has {
		return label, nil, nil, false
	}
	v, d := fe.Expr.Value(ctx)
	if d.HasErrors() || !v.IsKnown() || v.IsNull() || !v.CanIterateElements() || v.LengthInt() > maxExpand {
		return label, nil, nil, false
	}
	for it := v.ElementIterator(); it.Next(); {
		k, x := it.Element()
		bodies = append(bodies, content)
		ctxs = append(ctxs, child(ctx, iter, cty.ObjectVal(map[string]cty.Value{"key": k, "value": x})))
	}
	return label, bodies, ctxs, true
}

// markUnresolved records on each resource of an instance whose count or for_each (its own
// or a calling module's) could not be resolved that bulkhead took it as existing.
func markUnresolved(g *graph.Graph, unresolved map[string][]string) {
	if len(unresolved) == 0 {
		return
	}
	n := 0
	for _, r := range g.Resources() {
		addr, _ := r.Attr(graph.AttrAddress)
		notes, ok := unresolved[addr]
		if !ok {
			continue
		}
		list := r.List(graph.AttrUnresolved)
		for _, note := range notes {
			if !slices.Contains(list, note) {
				list = append(list, note)
				n++
			}
		}
		slices.Sort(list)
		r.SetAttr(graph.AttrUnresolved, strings.Join(list, ","))
	}
	if n > 0 && len(g.Sources) > 0 {
		g.Sources[0].Counts["unresolved_values"] += n
	}
}
