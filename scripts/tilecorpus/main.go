// Command tilecorpus builds a large Terraform estate out of real files written by others
// (discover/terraform/testdata/corpus), so that bulkhead can be benchmarked on shapes its own
// generator (discover/terraform/tfgen) did not design.
//
// Usage:
//
//	tilecorpus -kind tfstate|showjson|plan -n N -o OUT FILE...
//
// It takes copies of the input files round-robin (copy j is a copy of FILE[j mod len]) until
// the output holds at least N resource instances, and writes them as one file of the same kind:
// a raw version 4 state (tfstate), a `terraform show -json` state (showjson), or a
// `terraform show -json PLANFILE` plan (plan: prior_state, planned_values, resource_changes and
// resource_drift tiled together; no configuration, variables or outputs).
//
// Each copy is made distinct, so that bulkhead's graph does not merge it with the others:
//   - its resources move into module "module.tileJ" (the "module" field of a raw v4 state,
//     a child module for show-json values; addresses, module addresses and v4 dependencies are
//     prefixed, so an existing module.x becomes module.tileJ.module.x);
//   - every identity-bearing string (the top-level values of attributes named id, arn, name,
//     bucket, identifier, self_link... in the input file) gets the suffix "-tJ" wherever it
//     occurs in the copy's values: as a whole string, and, for identities of 8 characters or
//     more, inside longer strings too (ARNs, JSON policy documents), longest first, so the
//     references between the resources of one copy stay consistent.
//
// Key order and numbers are kept as in the inputs; a raw state is written indented by two
// spaces as terraform writes one, show-json and plan output compact as terraform show -json.
// The output is deterministic. Raw v3 states are refused; a UTF-16 input (with a byte-order
// mark) is decoded.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// kv and obj keep a JSON object's members in their order.
type kv struct {
	k string
	v any
}
type obj []kv

func (o obj) get(k string) any {
	for _, m := range o {
		if m.k == k {
			return m.v
		}
	}
	return nil
}

func (o *obj) set(k string, v any) {
	for i := range *o {
		if (*o)[i].k == k {
			(*o)[i].v = v
			return
		}
	}
	*o = append(*o, kv{k, v})
}

// write writes v as JSON (HTML characters not escaped): compact when indent is "", else one
// member a line with that indent per level, as terraform writes a raw state.
func write(w *bufio.Writer, v any, indent, prefix string) {
	nl := func(p string) {
		if indent != "" {
			w.WriteByte('\n')
			w.WriteString(p)
		}
	}
	switch x := v.(type) {
	case obj:
		if len(x) == 0 {
			w.WriteString("{}")
			return
		}
		w.WriteByte('{')
		for i, m := range x {
			if i > 0 {
				w.WriteByte(',')
			}
			nl(prefix + indent)
			write(w, m.k, indent, "")
			w.WriteByte(':')
			if indent != "" {
				w.WriteByte(' ')
			}
			write(w, m.v, indent, prefix+indent)
		}
		nl(prefix)
		w.WriteByte('}')
	case []any:
		if len(x) == 0 {
			w.WriteString("[]")
			return
		}
		w.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				w.WriteByte(',')
			}
			nl(prefix + indent)
			write(w, e, indent, prefix+indent)
		}
		nl(prefix)
		w.WriteByte(']')
	case json.Number:
		w.WriteString(string(x))
	default:
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		if err := e.Encode(x); err != nil {
			panic(err)
		}
		w.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	}
}

// decode reads one JSON value keeping key order (obj) and numbers (json.Number).
func decode(d *json.Decoder) (any, error) {
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		o := obj{}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decode(d)
			if err != nil {
				return nil, err
			}
			o = append(o, kv{k.(string), v})
		}
		_, err = d.Token()
		return o, err
	case json.Delim('['):
		a := []any{}
		for d.More() {
			v, err := decode(d)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err = d.Token()
		return a, err
	}
	return t, nil
}

func readFile(path string) (obj, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		u := make([]uint16, (len(b)-2)/2)
		for i := range u {
			lo, hi := b[2+2*i], b[3+2*i]
			if b[0] == 0xFE {
				lo, hi = hi, lo
			}
			u[i] = uint16(lo) | uint16(hi)<<8
		}
		b = []byte(string(utf16.Decode(u)))
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := decode(d)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	o, ok := v.(obj)
	if !ok {
		return nil, fmt.Errorf("%s: not a JSON object", path)
	}
	return o, nil
}

// identityKeys are the attributes whose string values name a resource.
var identityKeys = map[string]bool{
	"id": true, "arn": true, "name": true, "bucket": true, "identifier": true,
	"cluster_identifier": true, "self_link": true, "unique_id": true, "fqdn": true,
	"user": true, "role": true,
}

// collect adds the identity strings among the top-level members of one resource's values.
func collect(ids map[string]bool, values any) {
	o, ok := values.(obj)
	if !ok {
		return
	}
	for _, m := range o {
		s, ok := m.v.(string)
		if !ok || !identityKeys[m.k] || len(s) < 3 || s == "true" || s == "false" {
			continue
		}
		if _, err := strconv.Atoi(s); err == nil && len(s) < 6 {
			continue
		}
		ids[s] = true
	}
}

// renamer suffixes one copy's identity strings.
type renamer struct {
	whole  map[string]string
	substr *strings.Replacer
}

func newRenamer(ids map[string]bool, suffix string) *renamer {
	r := &renamer{whole: map[string]string{}}
	var long []string
	for s := range ids {
		r.whole[s] = s + suffix
		if len(s) >= 8 {
			long = append(long, s)
		}
	}
	sort.Slice(long, func(i, j int) bool {
		if len(long[i]) != len(long[j]) {
			return len(long[i]) > len(long[j])
		}
		return long[i] < long[j]
	})
	var pairs []string
	for _, s := range long {
		pairs = append(pairs, s, s+suffix)
	}
	r.substr = strings.NewReplacer(pairs...)
	return r
}

// apply returns a renamed deep copy of v.
func (r *renamer) apply(v any) any {
	switch x := v.(type) {
	case obj:
		o := make(obj, len(x))
		for i, m := range x {
			o[i] = kv{m.k, r.apply(m.v)}
		}
		return o
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = r.apply(e)
		}
		return a
	case string:
		if s, ok := r.whole[x]; ok {
			return s
		}
		return r.substr.Replace(x)
	}
	return v
}

// copyObj returns a shallow copy of o (members can then be set without touching o).
func copyObj(o obj) obj { return append(obj{}, o...) }

func prefixAddr(mod, addr string) string {
	if addr == "" {
		return mod
	}
	return mod + "." + addr
}

// ---- raw v4 state ----

func v4Instances(st obj) int {
	n := 0
	res, _ := st.get("resources").([]any)
	for _, r := range res {
		ins, _ := r.(obj).get("instances").([]any)
		n += len(ins)
	}
	return n
}

func v4IDs(st obj) map[string]bool {
	ids := map[string]bool{}
	res, _ := st.get("resources").([]any)
	for _, r := range res {
		ins, _ := r.(obj).get("instances").([]any)
		for _, in := range ins {
			collect(ids, in.(obj).get("attributes"))
		}
	}
	return ids
}

func v4Copy(st obj, j int, ids map[string]bool) []any {
	mod := fmt.Sprintf("module.tile%d", j)
	rn := newRenamer(ids, fmt.Sprintf("-t%d", j))
	var out []any
	res, _ := st.get("resources").([]any)
	for _, r := range res {
		ro := copyObj(r.(obj))
		old, _ := ro.get("module").(string)
		nr := obj{{"module", prefixAddr(mod, old)}}
		for _, m := range ro {
			if m.k != "module" {
				nr = append(nr, m)
			}
		}
		ins, _ := ro.get("instances").([]any)
		nins := make([]any, len(ins))
		for i, in := range ins {
			io := copyObj(in.(obj))
			for _, k := range []string{"attributes", "attributes_flat"} {
				if v := io.get(k); v != nil {
					io.set(k, rn.apply(v))
				}
			}
			if deps, ok := io.get("dependencies").([]any); ok {
				nd := make([]any, len(deps))
				for i, d := range deps {
					nd[i] = prefixAddr(mod, d.(string))
				}
				io.set("dependencies", nd)
			}
			nins[i] = io
		}
		nr.set("instances", nins)
		out = append(out, nr)
	}
	return out
}

// ---- show-json values (planned_values, prior_state.values, showjson state values) ----

func modResources(m any, f func(r obj)) {
	mo, ok := m.(obj)
	if !ok {
		return
	}
	rs, _ := mo.get("resources").([]any)
	for _, r := range rs {
		f(r.(obj))
	}
	cs, _ := mo.get("child_modules").([]any)
	for _, c := range cs {
		modResources(c, f)
	}
}

// moveModule returns m (a root_module or child module) as a child of module mod, renamed.
func moveModule(m obj, mod string, rn *renamer) obj {
	old, _ := m.get("address").(string)
	out := obj{{"address", prefixAddr(mod, old)}}
	for _, kvp := range m {
		switch kvp.k {
		case "address":
		case "resources":
			rs, _ := kvp.v.([]any)
			nrs := make([]any, len(rs))
			for i, r := range rs {
				ro := copyObj(r.(obj))
				if a, ok := ro.get("address").(string); ok {
					ro.set("address", prefixAddr(mod, a))
				}
				if v := ro.get("values"); v != nil {
					ro.set("values", rn.apply(v))
				}
				nrs[i] = ro
			}
			out = append(out, kv{"resources", nrs})
		case "child_modules":
			cs, _ := kvp.v.([]any)
			ncs := make([]any, len(cs))
			for i, c := range cs {
				ncs[i] = moveModule(c.(obj), mod, rn)
			}
			out = append(out, kv{"child_modules", ncs})
		default:
			out = append(out, kvp)
		}
	}
	return out
}

func rootOf(values any) obj {
	vo, _ := values.(obj)
	m, _ := vo.get("root_module").(obj)
	return m
}

func valuesIDs(ids map[string]bool, values any) {
	modResources(rootOf(values), func(r obj) { collect(ids, r.get("values")) })
}

func countValues(values any) int {
	n := 0
	modResources(rootOf(values), func(obj) { n++ })
	return n
}

// ---- plan ----

func planIDs(p obj) map[string]bool {
	ids := map[string]bool{}
	valuesIDs(ids, p.get("planned_values"))
	if ps, ok := p.get("prior_state").(obj); ok {
		valuesIDs(ids, ps.get("values"))
	}
	for _, k := range []string{"resource_changes", "resource_drift"} {
		rcs, _ := p.get(k).([]any)
		for _, rc := range rcs {
			ch, _ := rc.(obj).get("change").(obj)
			collect(ids, ch.get("before"))
			collect(ids, ch.get("after"))
		}
	}
	return ids
}

func changesCopy(rcs []any, mod string, rn *renamer) []any {
	out := make([]any, len(rcs))
	for i, rc := range rcs {
		ro := copyObj(rc.(obj))
		for _, k := range []string{"address", "previous_address"} {
			if a, ok := ro.get(k).(string); ok {
				ro.set(k, prefixAddr(mod, a))
			}
		}
		old, _ := ro.get("module_address").(string)
		ro.set("module_address", prefixAddr(mod, old))
		if ch, ok := ro.get("change").(obj); ok {
			ch = copyObj(ch)
			for _, k := range []string{"before", "after"} {
				if v := ch.get(k); v != nil {
					ch.set(k, rn.apply(v))
				}
			}
			ro.set("change", ch)
		}
		out[i] = ro
	}
	return out
}

// ---- main ----

func main() {
	kind := flag.String("kind", "tfstate", "input and output kind: tfstate (raw v4), showjson or plan")
	n := flag.Int("n", 1000, "target resource-instance count (copies are added until it is reached)")
	copies := flag.Int("copies", 0, "exact number of copies instead of -n (each copy is one input file)")
	outPath := flag.String("o", "-", "output file")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: tilecorpus -kind tfstate|showjson|plan -n N -o OUT FILE...")
		os.Exit(2)
	}
	if err := run(*kind, *n, *copies, *outPath, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "tilecorpus:", err)
		os.Exit(1)
	}
}

func run(kind string, n, copies int, outPath string, files []string) error {
	var ins []obj
	var idsets []map[string]bool
	var counts []int
	for _, f := range files {
		o, err := readFile(f)
		if err != nil {
			return err
		}
		var ids map[string]bool
		var c int
		switch kind {
		case "tfstate":
			if v, _ := o.get("version").(json.Number); v.String() != "4" {
				return fmt.Errorf("%s: not a version 4 raw state", f)
			}
			ids, c = v4IDs(o), v4Instances(o)
		case "showjson":
			ids = map[string]bool{}
			valuesIDs(ids, o.get("values"))
			c = countValues(o.get("values"))
		case "plan":
			rcs, _ := o.get("resource_changes").([]any)
			ids, c = planIDs(o), len(rcs)
		default:
			return fmt.Errorf("unknown -kind %q", kind)
		}
		if c == 0 {
			fmt.Fprintf(os.Stderr, "tilecorpus: %s: no resource instance, skipped\n", f)
			continue
		}
		ins, idsets, counts = append(ins, o), append(idsets, ids), append(counts, c)
	}
	if len(ins) == 0 {
		return errors.New("no input with resources")
	}
	total := 0
	var plan []int // input index of each copy
	for j := 0; ; j++ {
		if copies > 0 && j >= copies || copies == 0 && total >= n {
			break
		}
		plan = append(plan, j%len(ins))
		total += counts[j%len(ins)]
	}

	var out obj
	first := ins[0]
	switch kind {
	case "tfstate":
		var res []any
		for j, i := range plan {
			res = append(res, v4Copy(ins[i], j, idsets[i])...)
		}
		out = obj{{"version", json.Number("4")}, {"terraform_version", first.get("terraform_version")},
			{"serial", json.Number("1")}, {"lineage", first.get("lineage")}, {"outputs", obj{}}, {"resources", res}}
	case "showjson":
		var mods []any
		for j, i := range plan {
			rn := newRenamer(idsets[i], fmt.Sprintf("-t%d", j))
			mods = append(mods, moveModule(rootOf(ins[i].get("values")), fmt.Sprintf("module.tile%d", j), rn))
		}
		out = obj{{"format_version", first.get("format_version")}, {"terraform_version", first.get("terraform_version")},
			{"values", obj{{"root_module", obj{{"child_modules", mods}}}}}}
	case "plan":
		var pv, ps, rcs, rd []any
		for j, i := range plan {
			p := ins[i]
			mod := fmt.Sprintf("module.tile%d", j)
			rn := newRenamer(idsets[i], fmt.Sprintf("-t%d", j))
			if m := rootOf(p.get("planned_values")); m != nil {
				pv = append(pv, moveModule(m, mod, rn))
			}
			if pst, ok := p.get("prior_state").(obj); ok {
				if m := rootOf(pst.get("values")); m != nil {
					ps = append(ps, moveModule(m, mod, rn))
				}
			}
			c, _ := p.get("resource_changes").([]any)
			rcs = append(rcs, changesCopy(c, mod, rn)...)
			d, _ := p.get("resource_drift").([]any)
			rd = append(rd, changesCopy(d, mod, rn)...)
		}
		if pv == nil {
			pv = []any{}
		}
		if ps == nil {
			ps = []any{}
		}
		out = obj{{"format_version", first.get("format_version")}}
		if tv := first.get("terraform_version"); tv != nil {
			out = append(out, kv{"terraform_version", tv})
		}
		out = append(out,
			kv{"planned_values", obj{{"root_module", obj{{"child_modules", pv}}}}},
			kv{"prior_state", obj{{"format_version", first.get("format_version")},
				{"values", obj{{"root_module", obj{{"child_modules", ps}}}}}}})
		if len(rd) > 0 {
			out = append(out, kv{"resource_drift", rd})
		}
		if rcs == nil {
			rcs = []any{}
		}
		out = append(out, kv{"resource_changes", rcs})
	}

	var w io.Writer = os.Stdout
	if outPath != "-" {
		f, err := os.Create(outPath)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	indent := ""
	if kind == "tfstate" {
		indent = "  " // terraform writes raw states indented, show -json output compact
	}
	write(bw, out, indent, "")
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "tilecorpus: %d copies of %d file(s), %d resource instances\n", len(plan), len(ins), total)
	return nil
}
