package railway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// An item is one root field of a query, written with %[1]s standing for its alias, so that
// many items share one request ("aliased batching"). Its handler gets the alias's data.
type item struct {
	queue string            // which batch it joins
	field string            // e.g. `project(id: $%[1]s_id) { id name }`
	vars  map[string]any    // variable values, names without the alias prefix
	types map[string]string // variable GraphQL types
	what  string            // for gaps: "project shop (p1)"
	// resource is the canonical ID of the resource whose part the item reads (a volume
	// instance's backups), when there is one: its gap names it.
	resource string
	// whenRefused, when set, is added to the gap's reason when every error on the item is a
	// refusal (Not Authorized): why this credential cannot read it, and what to run instead.
	whenRefused string
	handle      func(json.RawMessage) error
}

// queueSpec is one kind of batch: its operation name and how many items fit in a request.
type queueSpec struct {
	op    string
	max   int
	eager bool // on the critical path (next pages): sent as soon as pumped, idle slot or not
}

// batcher groups items into requests. A full batch goes at once; a partial batch goes only
// when the client has an idle slot, so batching never costs wall time and idle capacity
// never waits for a batch to fill.
type batcher struct {
	ctx    context.Context
	client *Client
	specs  map[string]queueSpec
	onGap  func(it *item, reason string)
	onDone func(op string, n int)

	mu      sync.Mutex
	pending map[string][]*item
	busy    int
	slots   int
	wg      sync.WaitGroup
}

func newBatcher(ctx context.Context, c *Client, specs map[string]queueSpec, slots int) *batcher {
	return &batcher{ctx: ctx, client: c, specs: specs, pending: map[string][]*item{}, slots: slots}
}

func (b *batcher) add(it *item) {
	b.wg.Add(1)
	b.mu.Lock()
	b.pending[it.queue] = append(b.pending[it.queue], it)
	full := len(b.pending[it.queue]) >= b.specs[it.queue].max
	b.mu.Unlock()
	if full {
		b.launch(false)
	}
}

// pump sends every full batch, then partial batches while slots are idle. It runs after
// each answer has been handled (and after the start), never per added item, so that the
// items one answer yields travel together.
func (b *batcher) pump() { b.launch(true) }

func (b *batcher) launch(partial bool) {
	b.mu.Lock()
	var launch [][]*item
	names := make([]string, 0, len(b.pending))
	for q := range b.pending {
		names = append(names, q)
	}
	sort.Strings(names)
	for _, q := range names {
		max := b.specs[q].max
		for len(b.pending[q]) >= max {
			launch = append(launch, b.pending[q][:max:max])
			b.pending[q] = b.pending[q][max:]
			b.busy++
		}
	}
	for _, q := range names {
		if partial && b.specs[q].eager && len(b.pending[q]) > 0 {
			launch = append(launch, b.pending[q])
			b.pending[q] = nil
			b.busy++
		}
	}
	for partial && b.busy < b.slots {
		best := ""
		for _, q := range names {
			if len(b.pending[q]) > 0 && (best == "" || len(b.pending[q]) > len(b.pending[best])) {
				best = q
			}
		}
		if best == "" {
			break
		}
		launch = append(launch, b.pending[best])
		b.pending[best] = nil
		b.busy++
	}
	b.mu.Unlock()
	for _, batch := range launch {
		go b.run(batch)
	}
}

func (b *batcher) wait() { b.wg.Wait() }

func (b *batcher) finish(n int) {
	b.mu.Lock()
	b.busy--
	b.mu.Unlock()
	b.pump()
}

// run sends one batch. An answer with no data at all (a non-null root field failed and
// nulled the whole response) is split in halves and retried, so one unreadable project
// costs only its own gap.
func (b *batcher) run(items []*item) {
	defer b.finish(len(items))
	b.send(items)
}

func (b *batcher) send(items []*item) {
	op := b.specs[items[0].queue].op
	doc, vars := buildDoc(op, items)
	resp, err := b.client.Do(b.ctx, op, doc, vars)
	if err != nil {
		var re *RequestError
		if errors.As(err, &re) && !re.Transient && len(items) > 1 && !errors.Is(err, ErrNotReadOnly) && !errors.Is(err, ErrInvalidDocument) {
			b.split(items)
			return
		}
		b.failAll(items, reasonOf(err))
		return
	}
	if b.onDone != nil {
		b.onDone(op, len(items))
	}
	if !resp.HasData() {
		if len(items) > 1 {
			b.split(items)
			return
		}
		b.failAll(items, errorsText(resp.Errors, items[0]))
		return
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		b.failAll(items, "malformed data: "+err.Error())
		return
	}
	// An error whose path names no item of the batch (no path at all, as the GraphQL spec
	// allows for request-level errors, or an unknown root) may concern any of them: each
	// item gets it as a gap. Nothing here proves an error harmless.
	aliases := make(map[string]bool, len(items))
	for i := range items {
		aliases[aliasOf(i)] = true
	}
	var unowned []GQLError
	for _, e := range resp.Errors {
		if a, ok := rootOf(e); !ok || !aliases[a] {
			unowned = append(unowned, e)
		}
	}
	for i, it := range items {
		alias := aliasOf(i)
		var mine []GQLError
		for _, e := range resp.Errors {
			if a, ok := rootOf(e); ok && a == alias {
				mine = append(mine, e)
			}
		}
		mine = append(mine, unowned...)
		raw, ok := data[alias]
		switch {
		case len(mine) > 0:
			b.onGap(it, errorsText(mine, it))
			if ok && string(raw) != "null" {
				_ = it.handle(raw) // keep what was read; the gap says what was not
			}
		case !ok || string(raw) == "null":
			b.onGap(it, "no data in the answer")
		default:
			if err := it.handle(raw); err != nil {
				b.onGap(it, err.Error())
			}
		}
		b.wg.Done()
	}
}

// rootOf is the root field (an alias) an error's path starts with.
func rootOf(e GQLError) (string, bool) {
	if len(e.Path) == 0 {
		return "", false
	}
	a, ok := e.Path[0].(string)
	return a, ok
}

func (b *batcher) split(items []*item) {
	mid := len(items) / 2
	b.send(items[:mid])
	b.send(items[mid:])
}

func (b *batcher) failAll(items []*item, reason string) {
	for _, it := range items {
		b.onGap(it, reason)
		b.wg.Done()
	}
}

func aliasOf(i int) string { return fmt.Sprintf("a%d", i) }

// buildDoc writes one query with an aliased root field per item.
func buildDoc(op string, items []*item) (string, map[string]any) {
	var decl []string
	var body strings.Builder
	vars := map[string]any{}
	for i, it := range items {
		alias := aliasOf(i)
		names := make([]string, 0, len(it.types))
		for n := range it.types {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			decl = append(decl, fmt.Sprintf("$%s_%s: %s", alias, n, it.types[n]))
			if v, ok := it.vars[n]; ok && v != nil {
				vars[alias+"_"+n] = v
			}
		}
		fmt.Fprintf(&body, "  %s: "+it.field+"\n", alias)
	}
	doc := "query " + op
	if len(decl) > 0 {
		doc += "(" + strings.Join(decl, ", ") + ")"
	}
	return doc + " {\n" + body.String() + "}\n", vars
}

func errorsText(errs []GQLError, it *item) string {
	if len(errs) == 0 {
		return "no data and no error in the answer"
	}
	var parts []string
	for _, e := range errs {
		p := e.PathString()
		if i := strings.IndexAny(p, ".["); i >= 0 && strings.HasPrefix(p, "a") {
			p = rootName(it.field) + p[i:]
		} else if p != "" {
			p = rootName(it.field)
		}
		if p != "" {
			parts = append(parts, fmt.Sprintf("GraphQL error at %s: %s", p, e.Message))
		} else {
			parts = append(parts, "GraphQL error: "+e.Message)
		}
	}
	sort.Strings(parts)
	refused := it.whenRefused != ""
	for _, e := range errs {
		refused = refused && e.Refusal()
	}
	if refused {
		parts = append(parts, it.whenRefused)
	}
	return strings.Join(parts, "; ")
}

func rootName(field string) string {
	if i := strings.IndexAny(field, "( {"); i > 0 {
		return field[:i]
	}
	return field
}

func reasonOf(err error) string {
	var re *RequestError
	if errors.As(err, &re) {
		if re.Attempts > 1 {
			return fmt.Sprintf("%s after %d attempts", re.Reason, re.Attempts)
		}
		return re.Reason
	}
	return err.Error()
}
