package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

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

// maxModuleInstances bounds the module instances one configuration calls (real ones call
// tens or hundreds).
const maxModuleInstances = 10000

// maxModuleDepth bounds how deep module calls are followed.
const maxModuleDepth = 8

// ConfigOptions are the inputs of a configuration besides its directory.
type ConfigOptions struct {
	// VarFiles are variable files read after terraform.tfvars and *.auto.tfvars, in order,
	// as terraform's -var-file (later files win).
	VarFiles []string
	// Workspace is terraform.workspace (--tf-workspace); unknown when empty, since the
	// configuration may be applied in any workspace.
	Workspace string
	// Env is the environment ("NAME=value", as os.Environ) whose TF_VAR_<name> variables
	// give the root module's variables values, before every variable file as in Terraform.
	// Nil reads none; the CLI passes os.Environ(), so that tests never depend on the
	// process's environment.
	Env []string
}

// Config is what ReadConfig read: the parsed files (for diagnostics) and, by resource
// address, the meta-arguments whose value could not be resolved ("count", "for_each",
// "module.db count"): each such block stands for one instance and findings say so.
type Config struct {
	Files      map[string]*hcl.File
	Unresolved map[string][]string
}

// ReadConfig reads the .tf files of dir (and of the modules they call that are on disk)
// into b, evaluating what is statically known (variables, locals, count, for_each, module
// inputs): resources with their attributes, references between resources (as Ref values
// and depends_on), and each block's source range.
func ReadConfig(ctx context.Context, dir string, b *tfmap.Builder, opts ConfigOptions) (*Config, error) {
	r := &cfgReader{ctx: ctx, p: hclparse.NewParser(), b: b, root: dir, varFiles: opts.VarFiles, workspace: opts.Workspace, env: opts.Env,
		cfg: &Config{Unresolved: map[string][]string{}}}
	r.manifest = readManifest(dir)
	err := r.module(dir, "", "", nil, 0, nil)
	r.cfg.Files = r.p.Files()
	return r.cfg, err
}

// cfgReader reads one configuration: the root module and the modules it calls.
type cfgReader struct {
	ctx             context.Context
	p               *hclparse.Parser
	b               *tfmap.Builder
	root            string
	varFiles        []string
	workspace       string
	env             []string          // "NAME=value": TF_VAR_<name> for the root module
	manifest        map[string]string // module key (db, db.sub) -> directory, from .terraform/modules
	cfg             *Config
	instances       int
	moduleInstances int
	// outputEvals counts module instances evaluated for their outputs (moduleOutputs),
	// bounded as instances are.
	outputEvals int
	noModules   bool
	parsed      map[parsedKey]parsedModule // ParseConfigFile: module calls are counted, not followed
}

type parsedKey struct {
	dir   string
	child bool // read as a called module (a directory without .tf files is errNoModule)
}

type parsedModule struct {
	bodies []*hclsyntax.Body
	single bool
	err    error
}

// errNoModule is a module directory with no .tf files.
var errNoModule = errors.New("no .tf files")

// module reads the module in dir. module is its address prefix ("" for the root, else
// module.db or module.db[0]), key its manifest key (db.sub); inputs are the call's
// arguments (nil for the root, whose variables come from tfvars files); notes are the
// meta-arguments of calling blocks that could not be resolved ("module.db count").
func (r *cfgReader) module(dir, module, key string, inputs map[string]cty.Value, depth int, notes []string) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	bodies, single, err := r.parse(dir, depth)
	if err != nil {
		return err
	}
	decls := variables(bodies)
	given := inputs
	if depth == 0 {
		var names []string
		if single {
			names = r.varFiles
		} else {
			names = varFileNames(dir, r.varFiles)
		}
		files, err := readVarFiles(r.p, names)
		if err != nil {
			return err
		}
		// Terraform reads the environment first, then the files: a file's value wins. The
		// variables whose value came from the environment are counted by name.
		var read []string
		given, read = envValues(decls, r.env)
		for _, n := range read {
			if _, inFile := files[n]; !inFile {
				r.b.Count("variables_from_env", 1)
				r.b.Count("variables_from_env."+n, 1)
			}
		}
		for n, v := range files {
			given[n] = v
		}
	}
	s := newScope(bodies, resolveVars(decls, given), r.workspace)
	return r.blocks(bodies, dir, module, key, s.ctx(), depth, notes)
}

// blocks reads the resource, data and module blocks of a module's bodies.
func (r *cfgReader) blocks(bodies []*hclsyntax.Body, dir, module, key string, ctx *hcl.EvalContext, depth int, notes []string) error {
	var pv map[string]cty.Value // policyVars, made when the module has a policy
	// Resources see the outputs of the module's calls (hcl_outputs.go).
	var refs outputRefs
	if hasCalls(bodies) && !r.noModules {
		var outs cty.Value
		outs, refs = r.callOutputs(bodies, dir, key, ctx, depth)
		c := ctx.NewChild()
		c.Variables = map[string]cty.Value{"module": outs}
		ctx = c
	}
	for _, body := range bodies {
		for _, blk := range body.Blocks {
			switch blk.Type {
			case "resource", "data":
				if len(blk.Labels) != 2 {
					continue
				}
				insts, unresolved := expand(blk.Body, ctx)
				if len(insts) == 0 {
					r.b.Count("disabled_by_count", 1)
					continue
				}
				for _, inst := range insts {
					if r.instances++; r.instances > maxInstances {
						return fmt.Errorf("%w: the configuration expands to more than %d resource and module instances", tfmap.ErrNotTerraform, maxInstances)
					}
					if policyTypes[blk.Labels[0]] && blk.Type == "resource" {
						if pv == nil {
							pv = policyVars(bodies, module, ctx)
							pv["module"] = r.moduleOutputs(bodies, dir, module, key, ctx, depth)
						}
						inst.pctx = inst.ctx.NewChild()
						inst.pctx.Variables = pv
					}
					inst.refs = refs
					in := configInstance(blk, module, inst)
					own := slices.Clone(notes)
					if unresolved != "" {
						own = append(own, unresolved)
					}
					if len(own) > 0 {
						r.cfg.Unresolved[in.Address] = own
					}
					r.b.Add(in)
				}
			case "module":
				if len(blk.Labels) != 1 {
					continue
				}
				if err := r.call(blk, dir, module, key, ctx, depth, notes); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// parse reads and parses the .tf files of a module directory (or, for the root, one
// file); single reports the latter. A module directory without .tf files is errNoModule.
func (r *cfgReader) parse(dir string, depth int) (bodies []*hclsyntax.Body, single bool, err error) {
	// A module called many times (count, for_each, several calls) is read once.
	k := parsedKey{dir, depth > 0}
	if p, ok := r.parsed[k]; ok {
		return p.bodies, p.single, p.err
	}
	defer func() {
		if r.parsed == nil {
			r.parsed = map[parsedKey]parsedModule{}
		}
		if _, isCfg := err.(*ConfigError); !isCfg {
			r.parsed[k] = parsedModule{bodies, single, err}
		}
	}()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, false, err
	}
	if len(files) == 0 {
		st, serr := os.Stat(dir)
		switch {
		case depth > 0 && (serr != nil || !st.IsDir()):
			return nil, false, errNoModule
		case serr != nil:
			return nil, false, serr
		case !st.IsDir():
			files, single = []string{dir}, true // a single .tf file
		case depth > 0:
			return nil, false, errNoModule
		default:
			return nil, false, fmt.Errorf("%w: no .tf files in %s", tfmap.ErrNotTerraform, dir)
		}
	}
	sort.Strings(files)
	var diags hcl.Diagnostics
	for _, f := range files {
		// Read with a bound (a device such as /dev/zero, a FIFO or a huge file is refused),
		// then check nesting and heredoc sizes before the parser sees it.
		src, err := input.ReadAll(f, MaxConfigFileSize)
		if err != nil {
			if errors.Is(err, input.ErrTooLarge) {
				return nil, false, fmt.Errorf("%w: %w; a .tf file larger than %d MiB is not configuration bulkhead reads", tfmap.ErrNotTerraform, err, MaxConfigFileSize>>20)
			}
			return nil, false, err
		}
		if d := hclguard.Diagnose(src, f); d != nil {
			diags = append(diags, d...)
			continue
		}
		file, d := r.p.ParseHCL(src, f)
		diags = append(diags, d...)
		if file == nil {
			continue
		}
		if body, ok := file.Body.(*hclsyntax.Body); ok {
			bodies = append(bodies, body)
		}
	}
	if diags.HasErrors() {
		return nil, false, &ConfigError{Diags: diags, Files: r.p.Files()}
	}
	return bodies, single, nil
}

// moduleMeta are a module block's own arguments, not the module's inputs.
var moduleMeta = map[string]bool{"source": true, "version": true, "count": true, "for_each": true, "providers": true, "depends_on": true}

// call reads a module call: each of its instances, with its inputs as the module's
// variables. A module whose source is not on disk (a registry or git module that
// terraform init has not fetched, or a local path with no .tf files) is counted as not
// understood, never dropped silently.
func (r *cfgReader) call(blk *hclsyntax.Block, dir, module, key string, ctx *hcl.EvalContext, depth int, notes []string) error {
	name := blk.Labels[0]
	childKey := name
	if key != "" {
		childKey = key + "." + name
	}
	insts, unresolved := expand(blk.Body, ctx)
	if len(insts) == 0 {
		r.b.Count("disabled_modules", 1)
		return nil
	}
	addr := "module." + name
	if module != "" {
		addr = module + "." + addr
	}
	notUnderstood := func() {
		r.b.Count("modules_not_understood", 1)
		r.b.Count("modules_not_understood."+addr, 1)
	}
	childDir := r.childDir(blk, dir, childKey, depth)
	if childDir == "" {
		notUnderstood()
		return nil
	}
	childNotes := slices.Clone(notes)
	if unresolved != "" {
		childNotes = append(childNotes, addr+" "+unresolved)
	}
	for _, inst := range insts {
		if r.instances++; r.instances > maxInstances {
			return fmt.Errorf("%w: the configuration expands to more than %d resource and module instances", tfmap.ErrNotTerraform, maxInstances)
		}
		if r.moduleInstances++; r.moduleInstances > maxModuleInstances {
			return fmt.Errorf("%w: the configuration calls more than %d module instances", tfmap.ErrNotTerraform, maxModuleInstances)
		}
		childAddr := tfmap.InstanceAddress(module, tfmap.Managed, "module", name, inst.key)
		err := r.module(childDir, childAddr, childKey, moduleInputs(blk, inst.ctx), depth+1, childNotes)
		if errors.Is(err, errNoModule) {
			notUnderstood()
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// childDir is the directory of a module call's source when it is on disk: a local path,
// or where terraform init put a registry or git module; "" otherwise.
func (r *cfgReader) childDir(blk *hclsyntax.Block, dir, childKey string, depth int) string {
	src, _ := literalString(blk.Body.Attributes["source"])
	switch {
	case r.noModules || depth >= maxModuleDepth:
	case strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../"):
		return filepath.Join(dir, src)
	case r.manifest[childKey] != "":
		return r.manifest[childKey]
	}
	return ""
}

// moduleInputs are a module call's arguments in ctx: the module's variables.
func moduleInputs(blk *hclsyntax.Block, ctx *hcl.EvalContext) map[string]cty.Value {
	inputs := map[string]cty.Value{}
	for n, a := range blk.Body.Attributes {
		if moduleMeta[n] {
			continue
		}
		v, d := a.Expr.Value(ctx)
		if d.HasErrors() {
			v = cty.DynamicVal
		}
		inputs[n] = v
	}
	return inputs
}

// readManifest reads .terraform/modules/modules.json, where terraform init records the
// directory of each module it fetched (registry, git), so those are read as local ones.
// A directory outside the configuration's own is ignored.
func readManifest(root string) map[string]string {
	data, err := input.ReadAll(filepath.Join(root, ".terraform", "modules", "modules.json"), input.TFFile)
	if err != nil {
		return nil
	}
	var m struct {
		Modules []struct{ Key, Dir string }
	}
	if json.Unmarshal(data, &m) != nil {
		return nil
	}
	out := map[string]string{}
	for _, e := range m.Modules {
		if e.Key == "" || e.Dir == "" || !filepath.IsLocal(e.Dir) {
			continue
		}
		out[e.Key] = filepath.Join(root, e.Dir)
	}
	return out
}

// ParseConfigFile reads one .tf file's source into b (the fuzz target's entry point).
// Module calls are counted, not followed.
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
	r := &cfgReader{ctx: context.Background(), b: b, cfg: &Config{Unresolved: map[string][]string{}}, noModules: true}
	bodies := []*hclsyntax.Body{body}
	s := newScope(bodies, resolveVars(variables(bodies), nil), "")
	return r.blocks(bodies, "", "", "", s.ctx(), 0, nil)
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

// metaArgs are Terraform's own arguments, not the resource's.
var metaArgs = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true, "lifecycle": true}

// configInstance is one instance of a resource or data block, its attributes evaluated in
// the instance's context (the module's variables and locals, count.index or each).
func configInstance(blk *hclsyntax.Block, module string, inst instance) *tfmap.Instance {
	mode := tfmap.Managed
	if blk.Type == "data" {
		mode = tfmap.Data
	}
	in := &tfmap.Instance{Module: module, Mode: mode, Type: blk.Labels[0], Name: blk.Labels[1], Index: inst.key, Unknown: map[string]bool{}}
	r := blk.Range()
	in.Range = &graph.Range{File: r.Filename, Line: blk.DefRange().Start.Line, Column: blk.DefRange().Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column}
	in.Address = tfmap.InstanceAddress(module, mode, in.Type, in.Name, inst.key)
	in.Attrs = bodyValues(blk.Body, in.Type, in.Unknown, "", inst.ctx, inst.refs)
	if a, ok := blk.Body.Attributes["policy"]; ok && inst.pctx != nil {
		// An IAM policy that names resources by reference (hcl_policy.go).
		if v, d := a.Expr.Value(inst.pctx); !d.HasErrors() && v.IsWhollyKnown() && !v.IsNull() && v.Type() == cty.String {
			in.Attrs["policy"] = v.AsString()
			delete(in.Unknown, "policy")
		}
	}
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
	self := in.ResourceAddress()
	for d := range deps {
		if d != self {
			in.DependsOn = append(in.DependsOn, d)
		}
	}
	sort.Strings(in.DependsOn)
	qualifyRefs(in.Attrs, module)
	return in
}

// bodyValues converts a block body's attributes and nested blocks to the JSON shapes
// state uses, evaluated in ctx. A single reference to a resource becomes a Ref; a value
// that cannot be resolved is marked unknown under its path ("versioning.0.enabled"), and
// so is a dynamic block whose for_each is unknown; prefix is the body's own path, "" for
// the resource block.
func bodyValues(body *hclsyntax.Body, typ string, unknown map[string]bool, prefix string, ctx *hcl.EvalContext, refs outputRefs) map[string]any {
	top := prefix == ""
	out := map[string]any{}
	for name, a := range body.Attributes {
		if top && metaArgs[name] {
			continue
		}
		if tfmap.IsSecretAttr(typ, name) {
			continue
		}
		if v, ok := exprValue(a.Expr, ctx, refs); ok {
			out[name] = v
		} else if v, ok := partialMap(a.Expr, ctx, unknown, prefix+name); ok {
			out[name] = v
		} else {
			unknown[prefix+name] = true
		}
	}
	for _, blk := range body.Blocks {
		if top && (blk.Type == "lifecycle" || blk.Type == "provisioner" || blk.Type == "connection") {
			continue
		}
		if blk.Type == "dynamic" {
			label, bodies, ctxs, ok := dynamicBlocks(blk, ctx)
			if label == "" {
				continue
			}
			if !ok {
				unknown[prefix+label] = true
				continue
			}
			for i, b := range bodies {
				l, _ := out[label].([]any)
				out[label] = append(l, bodyValues(b, typ, unknown, prefix+label+"."+strconv.Itoa(len(l))+".", ctxs[i], refs))
			}
			continue
		}
		l, _ := out[blk.Type].([]any)
		out[blk.Type] = append(l, bodyValues(blk.Body, typ, unknown, prefix+blk.Type+"."+strconv.Itoa(len(l))+".", ctx, refs))
	}
	return out
}

// exprValue is an expression's value in ctx, when it is wholly known. A single reference
// to a resource is a Ref; references to variables, locals, count and each are evaluated.
func exprValue(e hclsyntax.Expression, ctx *hcl.EvalContext, refs outputRefs) (any, bool) {
	// A single reference, possibly wrapped in a template: "${aws_db_instance.main.id}",
	// or a module output that is one (module.kms.key_arn).
	if ref, ok := singleRef(e, refs); ok {
		return ref, true
	}
	if t, ok := e.(*hclsyntax.TupleConsExpr); ok {
		var out []any
		for _, x := range t.Exprs {
			v, ok := exprValue(x, ctx, refs)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	}
	if ctx == nil {
		ctx = evalCtx
	}
	v, d := e.Value(ctx)
	if d.HasErrors() || !v.IsWhollyKnown() {
		return nil, false
	}
	return ctyToGo(v), true
}

// partialMap is a map or object value some of whose entries are unknown (tags =
// merge(var.tags, { Name = random_pet.this.id })): the known entries, with each unknown
// one marked under its path (tags.Name), so that a known Environment tag still gives the
// tier. A list with unknown elements stays unknown as a whole: reading the known elements
// alone would understate it.
func partialMap(e hclsyntax.Expression, ctx *hcl.EvalContext, unknown map[string]bool, path string) (any, bool) {
	if ctx == nil {
		return nil, false
	}
	v, d := e.Value(ctx)
	if d.HasErrors() || !v.IsKnown() || v.IsNull() || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return nil, false
	}
	return partialGo(v, path, unknown), true
}

func partialGo(v cty.Value, path string, unknown map[string]bool) map[string]any {
	out := map[string]any{}
	for it := v.ElementIterator(); it.Next(); {
		k, x := it.Element()
		p := path + "." + k.AsString()
		switch {
		case x.IsWhollyKnown():
			out[k.AsString()] = ctyToGo(x)
		case x.IsKnown() && !x.IsNull() && (x.Type().IsMapType() || x.Type().IsObjectType()):
			out[k.AsString()] = partialGo(x, p, unknown)
		default:
			unknown[p] = true
		}
	}
	return out
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

// hasCalls says whether bodies hold a module block.
func hasCalls(bodies []*hclsyntax.Body) bool {
	for _, body := range bodies {
		for _, blk := range body.Blocks {
			if blk.Type == "module" {
				return true
			}
		}
	}
	return false
}
