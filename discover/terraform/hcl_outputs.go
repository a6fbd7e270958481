package terraform

import (
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
)

// Module outputs used by resource attributes (tags = module.labels.tags, kms_key_id =
// module.kms.key_arn). The outputs of a call whose module is on disk are evaluated in the
// called module with the call's inputs, as its resources are: a statically known value is
// the output's value; an output that is a single reference to one of the module's
// resources (value = aws_kms_key.this.arn) is a reference to that resource, as a direct
// reference is; anything else, a sensitive output, or a call bulkhead cannot read is
// unknown, never a default. The calls' inputs are those of the calling module without
// other calls' outputs (a chain of modules stays unknown past its first link).

// outputRefs are the module outputs that are references, by "name.output",
// "name[0].output" or `name["k"].output`, relative to the calling module.
type outputRefs map[string]tfmap.Ref

// callOutputs evaluates the outputs of the module calls in bodies.
func (r *cfgReader) callOutputs(bodies []*hclsyntax.Body, dir, key string, ctx *hcl.EvalContext, depth int) (cty.Value, outputRefs) {
	calls := map[string]cty.Value{}
	refs := outputRefs{}
	for _, body := range bodies {
		for _, blk := range body.Blocks {
			if blk.Type != "module" || len(blk.Labels) != 1 {
				continue
			}
			name := blk.Labels[0]
			calls[name] = cty.DynamicVal
			childKey := name
			if key != "" {
				childKey = key + "." + name
			}
			childDir := r.childDir(blk, dir, childKey, depth)
			if childDir == "" {
				continue
			}
			cbodies, _, err := r.parse(childDir, depth+1)
			if err != nil {
				continue
			}
			insts, unresolved := expand(blk.Body, ctx)
			if unresolved != "" {
				continue
			}
			one := func(in instance) cty.Value {
				if r.outputEvals++; r.outputEvals > maxModuleInstances {
					return cty.DynamicVal
				}
				rel := tfmap.InstanceAddress("", tfmap.Managed, "module", name, in.key)
				refKey := name + indexKey(in.key) + "."
				cs := newScope(cbodies, resolveVars(variables(cbodies), moduleInputs(blk, in.ctx)), r.workspace)
				cctx := cs.ctx().NewChild()
				nested, nestedRefs := r.callOutputs(cbodies, childDir, childKey, cs.ctx(), depth+1)
				cctx.Variables = map[string]cty.Value{"module": nested}
				outs := map[string]cty.Value{}
				for _, b := range cbodies {
					for _, o := range b.Blocks {
						if o.Type != "output" || len(o.Labels) != 1 {
							continue
						}
						oname := o.Labels[0]
						outs[oname] = cty.DynamicVal
						if a, ok := o.Body.Attributes["sensitive"]; ok {
							if s, d := a.Expr.Value(nil); d.HasErrors() || !s.IsKnown() || s.IsNull() || s.Type() != cty.Bool || s.True() {
								continue
							}
						}
						a, ok := o.Body.Attributes["value"]
						if !ok {
							continue
						}
						if ref, ok := singleRef(a.Expr, nestedRefs); ok {
							ref.Address = rel + "." + ref.Address
							refs[refKey+oname] = ref
							continue
						}
						if v, d := a.Expr.Value(cctx); !d.HasErrors() {
							outs[oname] = v
						}
					}
				}
				return cty.ObjectVal(outs)
			}
			_, counted := blk.Body.Attributes["count"]
			_, each := blk.Body.Attributes["for_each"]
			switch {
			case counted:
				var l []cty.Value
				for _, in := range insts {
					l = append(l, one(in))
				}
				if len(l) == 0 {
					calls[name] = cty.EmptyTupleVal
				} else {
					calls[name] = cty.TupleVal(l)
				}
			case each:
				m := map[string]cty.Value{}
				for _, in := range insts {
					m[in.key.(string)] = one(in)
				}
				calls[name] = cty.ObjectVal(m)
			default:
				calls[name] = one(insts[0])
			}
		}
	}
	return cty.ObjectVal(calls), refs
}

func indexKey(k any) string {
	switch k := k.(type) {
	case int:
		return "[" + strconv.Itoa(k) + "]"
	case string:
		return "[" + strconv.Quote(k) + "]"
	}
	return ""
}

// singleRef is the resource an expression names when it is a single reference (possibly
// wrapped in a template): to a resource of the module, or to a module output that is one.
func singleRef(e hclsyntax.Expression, refs outputRefs) (tfmap.Ref, bool) {
	if w, ok := e.(*hclsyntax.TemplateWrapExpr); ok {
		e = w.Wrapped
	}
	s, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return tfmap.Ref{}, false
	}
	if ref, ok := refOf(s.Traversal); ok {
		return ref, true
	}
	k, ok := outputKey(s.Traversal)
	if !ok {
		return tfmap.Ref{}, false
	}
	ref, ok := refs[k]
	return ref, ok
}

// outputKey is the outputRefs key of module.NAME.OUT, module.NAME[0].OUT or
// module.NAME["k"].OUT; false for any other traversal.
func outputKey(t hcl.Traversal) (string, bool) {
	if t.RootName() != "module" || len(t) < 3 {
		return "", false
	}
	name, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return "", false
	}
	k, rest := name.Name, t[2:]
	if idx, ok := rest[0].(hcl.TraverseIndex); ok {
		switch {
		case idx.Key.Type() == cty.String:
			k += indexKey(idx.Key.AsString())
		case idx.Key.Type() == cty.Number && idx.Key.AsBigFloat().IsInt():
			n, _ := idx.Key.AsBigFloat().Int64()
			k += indexKey(int(n))
		default:
			return "", false
		}
		rest = rest[1:]
	}
	if len(rest) != 1 {
		return "", false
	}
	out, ok := rest[0].(hcl.TraverseAttr)
	if !ok {
		return "", false
	}
	return k + "." + out.Name, true
}
