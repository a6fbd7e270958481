package tfgen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
)

// PlanOptions say what WritePlan changes.
type PlanOptions struct {
	// Every: of the RDS instances, S3 buckets and EBS volumes (each type counted apart),
	// the first of every Every is replaced (what is computed, ARN and ID among it, unknown
	// until apply, as Terraform plans it), the second deleted, the third updated (RDS:
	// deletion protection off; S3: force_destroy on; EBS: resized); every other instance is
	// a no-op. Below 4 (and 0): 4.
	Every int
}

// WritePlan writes plan JSON (`terraform show -json PLANFILE`, format 1.2) over the state
// WriteOptions writes for n, seed and o: the state is the prior state, every managed
// instance has a resource change (most of them no-ops, as Terraform lists them), and p
// says which change. Deterministic for the same arguments.
func WritePlan(w io.Writer, n int, seed int64, o Options, p PlanOptions) error {
	if p.Every < 4 {
		p.Every = 4
	}
	var st bytes.Buffer
	if err := WriteOptions(&st, n, seed, o); err != nil {
		return err
	}
	var state struct {
		TerraformVersion string `json:"terraform_version"`
		Resources        []struct {
			Module, Mode, Type, Name string
			Instances                []struct {
				IndexKey     any            `json:"index_key"`
				Attributes   map[string]any `json:"attributes"`
				Dependencies []string       `json:"dependencies"`
			}
		}
	}
	dec := json.NewDecoder(&st)
	dec.UseNumber()
	if err := dec.Decode(&state); err != nil {
		return fmt.Errorf("tfgen: read the generated state: %w", err)
	}
	var insts []*inst
	seen := map[string]int{}
	for _, r := range state.Resources {
		for _, in := range r.Instances {
			addr := r.Type + "." + r.Name
			if r.Mode == "data" {
				addr = "data." + addr
			}
			if r.Module != "" {
				addr = r.Module + "." + addr
			}
			switch k := in.IndexKey.(type) {
			case json.Number:
				addr += "[" + k.String() + "]"
			case string:
				addr += fmt.Sprintf("[%q]", k)
			}
			rec := map[string]any{"address": addr, "mode": r.Mode, "type": r.Type, "name": r.Name,
				"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 1, "sensitive_values": map[string]any{}}
			if in.IndexKey != nil {
				rec["index"] = in.IndexKey
			}
			if len(in.Dependencies) > 0 {
				rec["depends_on"] = in.Dependencies
			}
			x := &inst{module: r.Module, address: addr, rec: rec, before: in.Attributes, after: in.Attributes, actions: []string{"no-op"},
				mode: r.Mode, typ: r.Type, name: r.Name, index: in.IndexKey, rc: r.Mode == "managed"}
			if x.rc {
				x.plan(seen, p.Every)
			}
			insts = append(insts, x)
		}
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var err error
	put := func(s string) {
		if err == nil {
			_, err = bw.WriteString(s)
		}
	}
	val := func(v any) {
		if err != nil {
			return
		}
		var b []byte
		if b, err = json.Marshal(v); err == nil {
			_, err = bw.Write(b)
		}
	}
	// modules writes a value tree: the root module's resources, then one child module per
	// module address, in order of first appearance.
	modules := func(planned bool) {
		var order []string
		by := map[string][]*inst{}
		for _, x := range insts {
			if planned && (x.deleted || x.mode == "data") {
				continue
			}
			if _, ok := by[x.module]; !ok && x.module != "" {
				order = append(order, x.module)
			}
			by[x.module] = append(by[x.module], x)
		}
		list := func(xs []*inst) {
			put(`"resources": [`)
			for i, x := range xs {
				if i > 0 {
					put(",")
				}
				put("\n      ")
				values := x.before
				if planned {
					values = x.after
				}
				val(maps1(x.rec, "values", values))
			}
			put("]")
		}
		put(`{"root_module": {`)
		list(by[""])
		put(`, "child_modules": [`)
		for i, m := range order {
			if i > 0 {
				put(",")
			}
			put(fmt.Sprintf("\n    {\"address\": %q, ", m))
			list(by[m])
			put("}")
		}
		put("]}}")
	}
	put(`{"format_version": "1.2", "terraform_version": "1.9.5", "errored": false,` + "\n")
	put(`"prior_state": {"format_version": "1.0", "terraform_version": "1.9.5", "values": `)
	modules(false)
	put("},\n" + `"planned_values": `)
	modules(true)
	put(",\n" + `"resource_changes": [`)
	first := true
	for _, x := range insts {
		if !x.rc {
			continue
		}
		if !first {
			put(",")
		}
		first = false
		put("\n  ")
		rc := map[string]any{"address": x.address, "mode": x.mode, "type": x.typ, "name": x.name,
			"provider_name": "registry.terraform.io/hashicorp/aws"}
		if x.module != "" {
			rc["module_address"] = x.module
		}
		if x.index != nil {
			rc["index"] = x.index
		}
		var after any = x.after
		if x.deleted {
			after = nil
		}
		unknown := map[string]any{}
		for k := range x.unknown {
			unknown[k] = true
		}
		rc["change"] = map[string]any{"actions": x.actions, "before": x.before, "after": after, "after_unknown": unknown,
			"before_sensitive": map[string]any{}, "after_sensitive": map[string]any{}}
		val(rc)
	}
	put("\n]}\n")
	if err != nil {
		return err
	}
	return bw.Flush()
}

// maps1 is m with one more key.
func maps1(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// computed are the attributes a replaced instance knows only after apply.
var computed = map[string][]string{
	"aws_db_instance": {"address", "arn", "endpoint", "id", "resource_id"},
	"aws_s3_bucket":   {"arn", "bucket_domain_name", "bucket_regional_domain_name", "hosted_zone_id", "id"},
	"aws_ebs_volume":  {"arn", "id"},
}

// inst is one instance of the generated state, with its planned change.
type inst struct {
	module, address string
	rec             map[string]any // the value tree's record, without "values"
	before, after   map[string]any
	actions         []string
	unknown         map[string]bool
	mode, typ, name string
	index           any
	deleted         bool
	rc              bool // managed: has a resource change
}

// plan picks the change of one managed instance: seen counts the instances of its type so far.
func (x *inst) plan(seen map[string]int, every int) {
	keep, ok := computed[x.typ]
	if !ok {
		return
	}
	k := seen[x.typ]
	seen[x.typ]++
	switch k % every {
	case 0: // replace
		x.actions = []string{"delete", "create"}
		x.after = map[string]any{}
		x.unknown = map[string]bool{}
		for a, v := range x.before {
			if slices.Contains(keep, a) {
				x.unknown[a] = true
				continue
			}
			x.after[a] = v
		}
	case 1:
		x.actions, x.deleted = []string{"delete"}, true
	case 2:
		x.actions = []string{"update"}
		x.after = maps.Clone(x.before)
		switch x.typ {
		case "aws_db_instance":
			x.after["deletion_protection"] = false
		case "aws_s3_bucket":
			x.after["force_destroy"] = true
		case "aws_ebs_volume":
			x.after["size"] = json.Number("200")
		}
	}
}
