package terraform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/internal/jsonscan"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
)

// ErrUnsupportedFormat is wrapped by errors about Terraform input bulkhead does not read:
// state format versions other than 4, plan JSON format versions outside 0.x–1.x.
var ErrUnsupportedFormat = tfmap.ErrUnsupportedFormat

// errShowJSON says the document is `terraform show -json` output (format_version), not a
// raw state; Load then reads it with terraform-json.
var errShowJSON = errors.New("format_version document")

// StateInfo is what the state reader learned besides the resources.
type StateInfo struct {
	Version          int
	TerraformVersion string
	Serial           int64
	Lineage          string
}

// stateResource is one element of a v4 state's "resources" array, minus its instances,
// which are walked in place (see readInstances).
type stateResource struct { // decoded by stateReader.resource
	Module string `json:"module"`
	Mode   string `json:"mode"`
	Type   string `json:"type"`
	Name   string `json:"name"`
}

// ReadState reads a raw state file (format version 4) from r as a stream: top-level keys
// by tokens, one resource at a time, and of each instance only the attributes b wants.
// Sensitive attributes (sensitive_attributes paths, and attributes that hold secrets in
// common providers) are never decoded.
func ReadState(ctx context.Context, r io.Reader, b *tfmap.Builder) (*StateInfo, error) {
	st := newStream(r)
	c, err := st.peek()
	if err != nil {
		if st.rerr == nil && st.offset() == 0 {
			return nil, fmt.Errorf("%w: the file is empty", tfmap.ErrNotTerraform)
		}
		return nil, err
	}
	if c != '{' {
		return nil, fmt.Errorf("%w: it does not start with a JSON object (first byte %q)", tfmap.ErrNotTerraform, c)
	}
	st.pos++
	info := &StateInfo{Version: -1}
	sr := &stateReader{b: b}
	sawResources := false
	if c, err := st.peek(); err == nil && c == '}' {
		st.pos++
		return nil, fmt.Errorf("%w: an empty JSON object: no \"version\" or \"resources\"", tfmap.ErrNotTerraform)
	}
	for more := true; more; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		key, err := st.key()
		if err != nil {
			return nil, err
		}
		if key == "resources" {
			sawResources = true
			if err := sr.resources(ctx, st); err != nil {
				return nil, err
			}
		} else {
			v, err := st.value()
			if err != nil {
				return nil, err
			}
			switch key {
			case "version":
				var n json.Number
				if err := json.Unmarshal(v, &n); err != nil {
					return nil, fmt.Errorf("%w: state \"version\" is %s, not a number", tfmap.ErrNotTerraform, v)
				}
				x, err := n.Int64()
				if err != nil {
					return nil, fmt.Errorf("%w: state \"version\" is %s, not an integer", tfmap.ErrNotTerraform, v)
				}
				info.Version = int(x)
				if x != 4 {
					return nil, versionErr(info.Version)
				}
			case "format_version":
				return nil, errShowJSON
			case "terraform_version":
				_ = json.Unmarshal(v, &info.TerraformVersion)
			case "serial":
				_ = json.Unmarshal(v, &info.Serial)
			case "lineage":
				_ = json.Unmarshal(v, &info.Lineage)
			case "modules":
				// Format versions 1-3 keep resources under "modules".
				if info.Version == -1 {
					return nil, fmt.Errorf("%w: the state has \"modules\" and no \"resources\": a state format older than version 4 (Terraform before 0.12); bulkhead reads version 4: run any `terraform plan` with Terraform 0.12 or later to upgrade it", ErrUnsupportedFormat)
				}
			}
		}
		if more, err = st.next('}'); err != nil {
			return nil, err
		}
	}
	if !st.atEnd() {
		if st.rerr != nil {
			return nil, fmt.Errorf("read state: %w", st.rerr)
		}
		return nil, st.syntax("data after the end of the state object")
	}
	switch {
	case info.Version == -1 && !sawResources:
		return nil, fmt.Errorf("%w: no \"version\" or \"resources\" key: not a Terraform state", tfmap.ErrNotTerraform)
	case info.Version == -1:
		return nil, fmt.Errorf("%w: the state has no \"version\"", tfmap.ErrNotTerraform)
	}
	return info, nil
}

// resources reads the "resources" array one element at a time.
func (sr *stateReader) resources(ctx context.Context, st *stream) error {
	c, err := st.peek()
	if err != nil {
		return err
	}
	if c == 'n' { // null
		_, err := st.value()
		return err
	}
	if err := st.expect('['); err != nil {
		return fmt.Errorf("\"resources\" is not an array: %w", err)
	}
	if c, err := st.peek(); err != nil {
		return err
	} else if c == ']' {
		st.pos++
		return nil
	}
	// A producer goroutine finds and validates each element (the byte scan and
	// json.Valid), decoders turn elements into instances side by side, and the caller
	// adds them to the builder in the file's order, so the graph, the counts and the
	// first error reported are those of a single pass. Buffers and result slots go round
	// between them, so nothing is allocated per resource but the instances.
	workers := decoders()
	// Elements travel in batches of about batchBytes: one hand-off per element cost more
	// than the decoding it spread (tens of thousands of small resources).
	const batchBytes, batchMax = 256 << 10, 128
	maxInFlight := maxDecodeInFlight
	type item struct {
		buf    []byte
		starts []int64 // each element's offset in the file
		ends   []int   // and where it ends in buf
		res    chan decoded
	}
	var (
		mu       sync.Mutex
		room     = sync.NewCond(&mu)
		inFlight int
	)
	acquire := func(n int) {
		mu.Lock()
		for inFlight > 0 && inFlight+n > maxInFlight {
			room.Wait() // the caller drains every batch sent, so room comes
		}
		inFlight += n
		mu.Unlock()
	}
	release := func(n int) {
		mu.Lock()
		inFlight -= n
		mu.Unlock()
		room.Broadcast()
	}
	order := make(chan *item, 2*workers+2) // every batch, in the file's order
	work := make(chan *item, 2*workers+2)  // the same batches, for the decoders
	free := make(chan *item, 4*workers+6)
	for i := 0; i < cap(free); i++ {
		free <- &item{res: make(chan decoded, 1)}
	}
	errc := make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		defer close(work)
		defer close(order)
		var it *item
		// send hands the batch on, if there is one.
		send := func() {
			if it != nil {
				acquire(len(it.buf))
				order <- it // never blocks for long: the caller drains order until it is closed
				work <- it
				it = nil
			}
		}
		fail := func(err error) {
			send() // the elements before the failure are judged first: their errors win
			errc <- err
		}
		for more := true; more; {
			if err := ctx.Err(); err != nil {
				fail(err)
				return
			}
			start := st.offset()
			v, err := st.value()
			if err != nil {
				fail(err)
				return
			}
			if it == nil {
				select {
				case it = <-free:
				case <-stop:
					return
				}
				it.buf, it.starts, it.ends = it.buf[:0], it.starts[:0], it.ends[:0]
			}
			it.buf = append(it.buf, v...)
			it.starts, it.ends = append(it.starts, start), append(it.ends, len(it.buf))
			if len(it.buf) >= batchBytes || len(it.ends) >= batchMax {
				send()
			}
			if more, err = st.next(']'); err != nil {
				fail(err)
				return
			}
		}
		send()
		errc <- nil
	}()
	for range workers {
		go func() {
			d := newDecoder()
			for it := range work {
				var r decoded
				from := 0
				for k, end := range it.ends {
					ins, err := d.resource(it.buf[from:end])
					r.ins = append(r.ins, ins...)
					if err != nil {
						r.err = fmt.Errorf("resource at byte %d: %w", it.starts[k], err)
						r.ins = r.ins[:len(r.ins)-len(ins)] // the failed element's are not added
						break
					}
					from = end
				}
				it.res <- r
			}
		}()
	}
	var failed error
	for it := range order {
		r := <-it.res
		if failed == nil {
			for _, in := range r.ins {
				sr.b.Add(in)
			}
			if r.err != nil {
				failed = r.err
				close(stop)
			}
		}
		release(len(it.buf))
		if cap(it.buf) > 4*batchBytes {
			it.buf = nil // a batch of a very large resource: its buffer is not kept for the next
		}
		select {
		case free <- it:
		default:
		}
	}
	if failed != nil {
		return failed
	}
	return <-errc
}

// maxDecodeInFlight bounds the bytes of the batches sent and not yet added (or one batch,
// however large): memory stays bounded by the largest resource, whatever the number of
// cores. A variable for tests.
var maxDecodeInFlight = 32 << 20

// decoded is what a decoder made of one "resources" element.
type decoded struct {
	ins []*tfmap.Instance
	err error
}

// decoders is how many goroutines decode resources beside the producer and the builder:
// one per core past the first, at least one, at most eight (the builder, on one
// goroutine, does not keep up with more).
var decoders = func() int {
	return min(max(runtime.GOMAXPROCS(0)-1, 1), 8)
}

func versionErr(v int) error {
	if v < 4 {
		return fmt.Errorf("%w: state format version %d (Terraform before 0.12); bulkhead reads version 4: run any `terraform plan` with Terraform 0.12 or later to upgrade it", ErrUnsupportedFormat, v)
	}
	return fmt.Errorf("%w: state format version %d is newer than version 4, the one bulkhead reads; use `terraform show -json` output instead", ErrUnsupportedFormat, v)
}

type stateReader struct {
	b *tfmap.Builder
}

// decoder turns "resources" elements into instances. Each decoding goroutine has its own:
// the interner and the scratch are not shared, and the attributes wanted of each type are
// its own copy of the builder's answer.
type decoder struct {
	intern *jsonscan.Interner
	kv     []tfmap.Attr // scratch for one instance's attributes
	wants  map[string]map[string]bool
	out    []*tfmap.Instance
}

func newDecoder() *decoder {
	return &decoder{intern: jsonscan.NewInterner(), wants: map[string]map[string]bool{}}
}

// wantSet is tfmap.WantedAttrs of typ, kept per decoder.
func (d *decoder) wantSet(typ string) map[string]bool {
	w, ok := d.wants[typ]
	if !ok {
		w = tfmap.WantedAttrs(typ)
		d.wants[typ] = w
	}
	return w
}

// resource decodes one "resources" element in a single pass over its bytes, into the
// instances it holds (the slice is the decoder's until its next call).
func (d *decoder) resource(raw []byte) ([]*tfmap.Instance, error) {
	d.out = d.out[:0]
	err := d.resourceInto(raw)
	return d.out, err
}

func (d *decoder) resourceInto(raw []byte) error {
	var r stateResource
	c := &jsonscan.Cursor{B: raw}
	var pending [][]byte // instances seen before the type (keys in an unusual order)
	err := c.Object(func(key string) error {
		var err error
		switch key {
		case "module":
			r.Module, err = c.Str()
		case "mode":
			r.Mode, err = c.Str()
		case "type":
			r.Type, err = c.Str()
		case "name":
			r.Name, err = c.Str()
		case "instances":
			if r.Type == "" || r.Name == "" {
				v, err := c.Skip()
				pending = append(pending, v)
				return err
			}
			return c.Array(func() error { return d.instance(&r, c) })
		default:
			_, err = c.Skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	if r.Type == "" || r.Name == "" {
		return fmt.Errorf("%w: a resource without type or name", tfmap.ErrNotTerraform)
	}
	for _, p := range pending {
		pc := &jsonscan.Cursor{B: p}
		if err := pc.Array(func() error { return d.instance(&r, pc) }); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) instance(r *stateResource, c *jsonscan.Cursor) error {
	mode := r.Mode
	if mode == "" {
		mode = tfmap.Managed
	}
	in := &tfmap.Instance{Module: r.Module, Mode: mode, Type: r.Type, Name: r.Name}
	var attrs, flat, sensitive []byte
	err := c.Object(func(key string) error {
		switch key {
		case "index_key":
			v, err := c.Skip()
			if err != nil {
				return err
			}
			var k any
			if err := json.Unmarshal(v, &k); err != nil {
				return err
			}
			if f, ok := k.(float64); ok {
				k = int(f)
			}
			in.Index = k
		case "status":
			s, err := c.Str()
			in.Tainted = s == "tainted"
			return err
		case "deposed":
			var err error
			in.Deposed, err = c.Str()
			return err
		case "attributes":
			v, err := c.Skip()
			attrs = v
			return err
		case "attributes_flat":
			v, err := c.Skip()
			flat = v
			return err
		case "sensitive_attributes":
			v, err := c.Skip()
			sensitive = v
			return err
		case "dependencies", "depends_on":
			return c.Array(func() error {
				s, err := c.Str()
				in.DependsOn = append(in.DependsOn, d.intern.Str(s))
				return err
			})
		default:
			_, err := c.Skip()
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if in.Mode == tfmap.Data {
		d.out = append(d.out, in)
		return nil
	}
	// Attributes come before sensitive_attributes in Terraform's output, so they are kept
	// as a slice and walked once the sensitive paths are known.
	hidden := sensitiveTop(sensitive)
	if attrs == nil && flat != nil {
		in.Attrs = map[string]any{}
		// Early 0.12 states keep attributes in the 0.11 "flatmap" form.
		fc := &jsonscan.Cursor{B: flat}
		err = fc.Object(func(key string) error {
			top, rest, nested := strings.Cut(key, ".")
			if hidden[top] || !d.wantSet(r.Type)[top] || tfmap.IsSecretAttr(r.Type, top) {
				_, err := fc.Skip()
				return err
			}
			s, err := fc.Str()
			if err != nil {
				return err
			}
			switch {
			case !nested:
				in.Attrs[key] = s
			case rest != "%" && (top == "tags" || top == "labels" || top == "tags_all"):
				m, _ := in.Attrs[top].(map[string]any)
				if m == nil {
					m = map[string]any{}
					in.Attrs[top] = m
				}
				m[rest] = s
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	ac := &jsonscan.Cursor{B: attrs}
	if attrs != nil {
		wants := d.wantSet(r.Type)
		kv := d.kv[:0]
		var tags any
		err = ac.ObjectBytes(func(kb []byte) error {
			v, err := ac.Skip()
			if err != nil || !wants[string(kb)] {
				return err
			}
			key := d.intern.Bytes(kb)
			if hidden[key] || tfmap.IsSecretAttr(r.Type, key) {
				return nil
			}
			if key == "tags_all" && tfmap.HasTierTag(tags) {
				return nil // tags_all repeats tags (plus provider default_tags)
			}
			x, err := jsonscan.Value(v, d.intern)
			if err != nil {
				return err
			}
			if key == "tags" {
				tags = x
			}
			for i := range kv {
				if kv[i].Key == key { // a repeated key: the last one wins, as in a map
					kv[i].Val = x
					return nil
				}
			}
			kv = append(kv, tfmap.Attr{Key: key, Val: x})
			return nil
		})
		if err != nil {
			return err
		}
		in.Compact = slices.Clone(kv)
		clear(kv)
		d.kv = kv[:0]
	}
	in.DependsOn = resourceAddrs(in.DependsOn)
	d.out = append(d.out, in)
	return nil
}

// sensitiveTop returns the top-level attributes that sensitive_attributes paths point into
// ([[{"type":"get_attr","value":"password"}]]): they are skipped whole.
func sensitiveTop(raw []byte) map[string]bool {
	if len(raw) == 0 {
		return nil
	}
	var paths [][]struct {
		Type  string `json:"type"`
		Value any    `json:"value"`
	}
	if json.Unmarshal(raw, &paths) != nil {
		return nil
	}
	out := map[string]bool{}
	for _, p := range paths {
		if len(p) > 0 && p[0].Type == "get_attr" {
			if s, ok := p[0].Value.(string); ok {
				out[s] = true
			}
		}
	}
	return out
}

// resourceAddrs strips instance keys from dependency addresses (state v4 records
// resource addresses already; older files may not).
func resourceAddrs(deps []string) []string {
	for i, d := range deps {
		if j := strings.LastIndexByte(d, '['); j > 0 && strings.HasSuffix(d, "]") && !strings.Contains(d[j:], ".") {
			deps[i] = d[:j]
		}
	}
	return deps
}
