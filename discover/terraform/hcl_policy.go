package terraform

import (
	"encoding/json"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
)

// References inside IAM policies. A policy written in configuration names what it covers
// by reference (Resource = aws_s3_bucket.web.arn, "${aws_s3_bucket.web.arn}/*", or a
// data "aws_iam_policy_document" block); the ARN is known only after apply. The policy
// attributes of the IAM policy types are evaluated with each resource's arn standing for
// itself as tfmap.PolicyRef text ("${aws_s3_bucket.web.arn}"), which the mapping resolves
// to the resource it names, with each aws_iam_policy_document's json built from its
// statement blocks, and with the outputs of the module calls (module.db.db_instance_arn)
// evaluated the same way in the called module. Any other attribute of a resource, or a document bulkhead cannot build,
// leaves the policy unknown, as before.

// policyTypes are the types whose policy attribute is an IAM policy document.
var policyTypes = map[string]bool{"aws_iam_policy": true, "aws_iam_user_policy": true, "aws_iam_group_policy": true, "aws_iam_role_policy": true}

// policyVars are the variables a policy attribute of a module sees besides the module's
// own: every resource type of the module as an object of its blocks, each with its arn,
// and data, with the module's aws_iam_policy_document documents.
func policyVars(bodies []*hclsyntax.Body, module string, ctx *hcl.EvalContext) map[string]cty.Value {
	types := map[string]map[string]cty.Value{}
	dataTypes := map[string]bool{}
	var docs []*hclsyntax.Block
	for _, body := range bodies {
		for _, blk := range body.Blocks {
			if len(blk.Labels) != 2 {
				continue
			}
			if blk.Type == "data" {
				dataTypes[blk.Labels[0]] = true
				if blk.Labels[0] == "aws_iam_policy_document" {
					docs = append(docs, blk)
				}
				continue
			}
			if blk.Type != "resource" {
				continue
			}
			if types[blk.Labels[0]] == nil {
				types[blk.Labels[0]] = map[string]cty.Value{}
			}
			types[blk.Labels[0]][blk.Labels[1]] = refValue(blk, module, ctx)
		}
	}
	out := map[string]cty.Value{}
	for t, names := range types {
		out[t] = cty.ObjectVal(names)
	}
	if len(dataTypes) == 0 {
		return out
	}
	// Documents see the resources' arns (and the module's variables) but not each other:
	// one that includes another (source_policy_documents) is not built.
	pctx := ctx.NewChild()
	pctx.Variables = out
	data := map[string]cty.Value{}
	for t := range dataTypes {
		data[t] = cty.DynamicVal
	}
	if len(docs) > 0 {
		built := map[string]cty.Value{}
		for _, blk := range docs {
			built[blk.Labels[1]] = docValue(blk, pctx)
		}
		data["aws_iam_policy_document"] = cty.ObjectVal(built)
	}
	out["data"] = cty.ObjectVal(data)
	return out
}

// docValue is a data "aws_iam_policy_document" block as a policy sees it: an object with
// its json (unknown when it cannot be built), a tuple of them for a known count, an object
// of them by key for a known for_each.
func docValue(blk *hclsyntax.Block, ctx *hcl.EvalContext) cty.Value {
	_, counted := blk.Body.Attributes["count"]
	_, each := blk.Body.Attributes["for_each"]
	insts, unresolved := expand(blk.Body, ctx)
	if unresolved != "" {
		return cty.DynamicVal
	}
	one := func(in instance) cty.Value {
		if doc, ok := policyDocument(blk.Body, in.ctx); ok {
			return cty.ObjectVal(map[string]cty.Value{"json": cty.StringVal(doc)})
		}
		return cty.DynamicVal
	}
	switch {
	case counted:
		if len(insts) == 0 {
			return cty.EmptyTupleVal
		}
		var l []cty.Value
		for _, in := range insts {
			l = append(l, one(in))
		}
		return cty.TupleVal(l)
	case each:
		m := map[string]cty.Value{}
		for _, in := range insts {
			m[in.key.(string)] = one(in)
		}
		return cty.ObjectVal(m)
	}
	return one(insts[0])
}

// refValue is a resource block as a policy sees it: an object with its arn, a tuple of
// them for a known count, an object of them by key for a known for_each, else unknown.
func refValue(blk *hclsyntax.Block, module string, ctx *hcl.EvalContext) cty.Value {
	_, counted := blk.Body.Attributes["count"]
	_, each := blk.Body.Attributes["for_each"]
	insts, unresolved := expand(blk.Body, ctx)
	if unresolved != "" {
		return cty.DynamicVal
	}
	arn := func(key any) cty.Value {
		addr := tfmap.InstanceAddress(module, tfmap.Managed, blk.Labels[0], blk.Labels[1], key)
		return cty.ObjectVal(map[string]cty.Value{"arn": cty.StringVal(tfmap.PolicyRef(addr))})
	}
	switch {
	case counted:
		if len(insts) == 0 {
			return cty.EmptyTupleVal
		}
		var l []cty.Value
		for _, in := range insts {
			l = append(l, arn(in.key))
		}
		return cty.TupleVal(l)
	case each:
		m := map[string]cty.Value{}
		for _, in := range insts {
			m[in.key.(string)] = arn(in.key)
		}
		return cty.ObjectVal(m)
	}
	return arn(nil)
}

// policyDocument builds the JSON of a data "aws_iam_policy_document" from its statement
// blocks (dynamic ones expanded), as the provider does, when every value in them is known.
// Principals do not matter to an identity policy and are left out; a condition block, or a
// dynamic one bulkhead cannot expand, makes its statement conditional. A document that
// merges others (source_policy_documents, override_policy_documents) is built only when
// those are empty.
func policyDocument(body *hclsyntax.Body, ctx *hcl.EvalContext) (string, bool) {
	for name, a := range body.Attributes {
		switch name {
		case "version", "policy_id", "count", "for_each", "provider", "depends_on":
			continue
		}
		v, d := a.Expr.Value(ctx)
		if d.HasErrors() || !v.IsKnown() || !(v.IsNull() || v.CanIterateElements() && v.LengthInt() == 0) {
			return "", false
		}
	}
	type statement struct {
		Sid         string              `json:"Sid,omitempty"`
		Effect      string              `json:"Effect"`
		Action      []string            `json:"Action,omitempty"`
		NotAction   []string            `json:"NotAction,omitempty"`
		Resource    []string            `json:"Resource,omitempty"`
		NotResource []string            `json:"NotResource,omitempty"`
		Condition   map[string][]string `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string      `json:"Version"`
		Statement []statement `json:"Statement"`
	}{Version: "2012-10-17"}
	var bodies []*hclsyntax.Body
	var ctxs []*hcl.EvalContext
	for _, blk := range body.Blocks {
		switch {
		case blk.Type == "statement":
			bodies, ctxs = append(bodies, blk.Body), append(ctxs, ctx)
		case blk.Type == "dynamic" && len(blk.Labels) == 1 && blk.Labels[0] == "statement":
			_, bs, cs, ok := dynamicBlocks(blk, ctx)
			if !ok {
				return "", false
			}
			bodies, ctxs = append(bodies, bs...), append(ctxs, cs...)
		default:
			return "", false
		}
	}
	for i, sb := range bodies {
		sctx := ctxs[i]
		s := statement{Effect: "Allow"}
		str := func(name string, dst *string) bool {
			a, ok := sb.Attributes[name]
			if !ok {
				return true
			}
			v, d := a.Expr.Value(sctx)
			if d.HasErrors() || !v.IsKnown() {
				return false
			}
			if v.IsNull() {
				return true
			}
			if v.Type() != cty.String {
				return false
			}
			*dst = v.AsString()
			return true
		}
		list := func(name string, dst *[]string) bool {
			a, ok := sb.Attributes[name]
			if !ok {
				return true
			}
			v, d := a.Expr.Value(sctx)
			if d.HasErrors() || !v.IsWhollyKnown() {
				return false
			}
			if v.IsNull() {
				return true
			}
			if !v.CanIterateElements() {
				return false
			}
			for it := v.ElementIterator(); it.Next(); {
				_, x := it.Element()
				if x.IsNull() || x.Type() != cty.String {
					return false
				}
				*dst = append(*dst, x.AsString())
			}
			return true
		}
		if !str("sid", &s.Sid) || !str("effect", &s.Effect) || !list("actions", &s.Action) || !list("not_actions", &s.NotAction) ||
			!list("resources", &s.Resource) || !list("not_resources", &s.NotResource) {
			return "", false
		}
		conditional := false
		for _, c := range sb.Blocks {
			switch {
			case c.Type == "condition":
				conditional = true
			case c.Type == "principals" || c.Type == "not_principals":
			case c.Type == "dynamic" && len(c.Labels) == 1 && (c.Labels[0] == "principals" || c.Labels[0] == "not_principals"):
			case c.Type == "dynamic" && len(c.Labels) == 1 && c.Labels[0] == "condition":
				// Which condition does not matter, only whether there is one; one bulkhead
				// cannot expand may be there.
				if _, bs, _, ok := dynamicBlocks(c, sctx); !ok || len(bs) > 0 {
					conditional = true
				}
			default:
				return "", false
			}
		}
		if conditional {
			s.Condition = map[string][]string{"condition": {"set in configuration"}}
		}
		doc.Statement = append(doc.Statement, s)
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// moduleOutputs are the module calls of a module as a policy sees them: each call's
// outputs, evaluated in the called module with its inputs and its resources' arns
// (module.db.db_instance_arn), a tuple of them for a known count, an object by key for a
// known for_each; unknown for a call bulkhead cannot read. A sensitive output is unknown.
func (r *cfgReader) moduleOutputs(bodies []*hclsyntax.Body, dir, module, key string, ctx *hcl.EvalContext, depth int) cty.Value {
	calls := map[string]cty.Value{}
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
				addr := tfmap.InstanceAddress(module, tfmap.Managed, "module", name, in.key)
				cs := newScope(cbodies, resolveVars(variables(cbodies), moduleInputs(blk, in.ctx)), r.workspace)
				cctx := cs.ctx()
				pc := cctx.NewChild()
				pc.Variables = policyVars(cbodies, addr, cctx)
				pc.Variables["module"] = r.moduleOutputs(cbodies, childDir, addr, childKey, cctx, depth+1)
				outs := map[string]cty.Value{}
				for _, b := range cbodies {
					for _, o := range b.Blocks {
						if o.Type != "output" || len(o.Labels) != 1 {
							continue
						}
						outs[o.Labels[0]] = cty.DynamicVal
						if a, ok := o.Body.Attributes["sensitive"]; ok {
							if s, d := a.Expr.Value(nil); d.HasErrors() || !s.IsKnown() || s.IsNull() || s.Type() != cty.Bool || s.True() {
								continue
							}
						}
						if a, ok := o.Body.Attributes["value"]; ok {
							if v, d := a.Expr.Value(pc); !d.HasErrors() {
								outs[o.Labels[0]] = v
							}
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
	return cty.ObjectVal(calls)
}
