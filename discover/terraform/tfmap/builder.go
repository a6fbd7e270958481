package tfmap

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Options describe one source being mapped.
type Options struct {
	Source    string // origin name: "tfstate", "tfshow", "tfplan", "tf"
	Target    string // file or directory read (SourceInfo.Target, tier from path, address aliases)
	Workspace string // Terraform workspace, when known ("default" says nothing about a tier)
	// Secrets reports whether the source stores credential secrets (a state file holds the
	// secret of every aws_iam_access_key it manages); such credentials are exposed_in the
	// source's environment.
	Secrets bool
}

// TypeInfo is one row of a provider table: how a Terraform type maps to the vocabulary.
type TypeInfo struct {
	Kind graph.Kind
	// Doc is the provider documentation page that states the type's deletion semantics.
	Doc string
	// Attrs are the attributes the mapping reads, besides the common ones (id, arn, name,
	// tags, labels, self_link, project). Readers skip every other attribute.
	Attrs []string
	// Keys are attributes other resources use to refer to this one (besides id, arn, name).
	Keys []string
	// Relation types add edges or attributes to other resources and get no node of their own.
	Relation bool
	// Names are attributes tried, in order, for the resource's name (default: name, then
	// the Terraform name).
	Names []string
	// ID builds the canonical ID; nil means the provider default.
	ID func(n *Node) (id, native string)
	// Setup sets graph attributes from the instance; Link adds edges and synthesized
	// resources once every instance is known.
	Setup func(b *Builder, n *Node)
	Link  func(b *Builder, n *Node)
	// Late links run after every other link (they look at what the others registered).
	Late bool
	// TagsRead says other types' links read this type's tags (an access key reads its
	// user's). Tags are otherwise dropped once the tier is decided (data kinds keep
	// theirs: AWS Backup selects resources by tag).
	TagsRead bool
	// Read says other types' links, or the credential pass, read this type's attributes
	// (a policy's document, a vault's name, an access key's user): they live until every
	// link is made. Every other type's attributes are released as soon as its own Link
	// has run (at once when it has none), so that the builder's working set does not hold
	// every decoded value until the end.
	Read bool
}

var commonAttrs = []string{"id", "arn", "name", "tags", "tags_all", "labels", "self_link", "project"}

// tables maps every known type to its row; filled by the provider files' init.
var tables = map[string]*TypeInfo{}

func register(rows map[string]*TypeInfo) {
	for k, v := range rows {
		if _, dup := tables[k]; dup {
			panic("tfmap: type registered twice: " + k)
		}
		tables[k] = v
	}
}

// Known reports whether a type has a mapping.
func Known(typ string) bool { _, ok := tables[typ]; return ok }

// KnownTypes lists the mapped types, sorted.
func KnownTypes() []string { return slices.Sorted(maps.Keys(tables)) }

// Doc returns the documentation URL a type's semantics are taken from.
func Doc(typ string) string {
	if t, ok := tables[typ]; ok {
		return t.Doc
	}
	return ""
}

// Node is an instance on its way into the graph.
type Node struct {
	In   *Held
	Res  *graph.Resource // nil for relation types
	T    *TypeInfo
	env  string   // environment label, from tags or the source
	self [1]*Node // the node as a one-element list, for nodeIndex.get
}

// otherType is the row of every type without a mapping.
var otherType = &TypeInfo{Kind: graph.Other}

// nodeIndex maps a key (an address, an ID, an ARN) to the nodes that have it, in the order
// they were added. Entries are appended while instances are added and sorted once, when
// links first look one up: 24 bytes an entry, about half of what a map of strings to
// nodes takes, and no growth left behind in a map's buckets.
type nodeIndex struct {
	entries []indexEntry
	sorted  bool
}

type indexEntry struct {
	key  string
	node int32 // position in Builder.nodes
}

func (x *nodeIndex) add(k string, n int32) {
	x.entries = append(x.entries, indexEntry{k, n})
	x.sorted = false
}

// get returns the nodes of a key; the caller must not modify the list.
func (x *nodeIndex) get(k string, nodes []*Node) []*Node {
	if !x.sorted {
		// Exactly sized (appending left up to half of it spare), then by key, then in
		// the order the nodes were added.
		x.entries = append(make([]indexEntry, 0, len(x.entries)), x.entries...)
		slices.SortFunc(x.entries, func(a, b indexEntry) int {
			if c := strings.Compare(a.key, b.key); c != 0 {
				return c
			}
			return int(a.node - b.node)
		})
		x.sorted = true
	}
	i, _ := slices.BinarySearchFunc(x.entries, k, func(e indexEntry, k string) int { return strings.Compare(e.key, k) })
	j := i
	for j < len(x.entries) && x.entries[j].key == k {
		j++
	}
	switch j - i {
	case 0:
		return nil
	case 1:
		return nodes[x.entries[i].node].self[:]
	}
	out := make([]*Node, j-i)
	for m, e := range x.entries[i:j] {
		out[m] = nodes[e.node]
	}
	return out
}

// Builder turns instances into a graph. It is not safe for concurrent use.
type Builder struct {
	opts    Options
	nodes   []*Node
	byAddr  nodeIndex
	byKey   nodeIndex
	ids     map[string]*graph.Resource
	synth   []*graph.Resource
	edges   edgeList
	counts  map[string]int
	envs    map[string]*graph.Resource
	srcEnv  string
	srcTier graph.Tier
	srcWhy  string

	aws    awsState
	google googleState
	azure  azureState
	wants  map[string]map[string]bool
	resIDs map[instKey]string // ResourceID's index, built on first use
	// linking is set once Graph starts; tagSelections then says whether the source has an
	// AWS Backup selection by tag (until then data resources keep their tags).
	linking, tagSelections bool
	strs                   map[string]string         // intern's table
	byRes                  map[*graph.Resource]*Node // nodeOf's index, built on first use
	done                   []doneNode                // the instances, once Graph has released their nodes
	err                    error                     // the first instance refused (a name over MaxName); Graph returns it
}

// MaxName bounds the names of an instance that the graph keeps (type, name, module path,
// address, index key, deposed key, together): real ones are short identifiers, and each is
// copied into IDs, origins and labels. An instance past it is an input error, not truncated:
// a shortened name could merge two resources into one.
const MaxName = 64 << 10

// NewBuilder starts a mapping for one source.
func NewBuilder(opts Options) *Builder {
	b := &Builder{
		opts:   opts,
		ids:    map[string]*graph.Resource{},
		counts: map[string]int{},
		envs:   map[string]*graph.Resource{},
		wants:  map[string]map[string]bool{},
		strs:   map[string]string{},
	}
	b.aws.nTargets = -1
	b.srcEnv, b.srcTier, b.srcWhy = sourceEnvironment(opts)
	return b
}

// Wants reports whether the mapping reads attribute attr of type typ. Unknown types keep
// only the common attributes.
func (b *Builder) Wants(typ, attr string) bool { return b.WantSet(typ)[attr] }

// HasTierTag reports whether a tags value has a key that names an environment.
func HasTierTag(v any) bool {
	m, _ := v.(map[string]any)
	for k := range m {
		if tierTagKeys[strings.ToLower(k)] {
			return true
		}
	}
	return false
}

// WantSet is the set of attributes Wants accepts for a type (do not modify it).
func (b *Builder) WantSet(typ string) map[string]bool {
	w, ok := b.wants[typ]
	if !ok {
		w = WantedAttrs(typ)
		b.wants[typ] = w
	}
	return w
}

// WantedAttrs is the set of attributes the mapping reads of a type: a new map each call,
// for readers that decode on several goroutines (Builder.WantSet keeps one per builder).
func WantedAttrs(typ string) map[string]bool {
	w := map[string]bool{}
	for _, a := range commonAttrs {
		w[a] = true
	}
	if t, ok := tables[typ]; ok {
		for _, a := range t.Attrs {
			w[a] = true
		}
		for _, a := range t.Keys {
			w[a] = true
		}
		for _, a := range t.Names {
			w[a] = true
		}
	}
	return w
}

// Count adds n to a named count reported in the source's SourceInfo.
func (b *Builder) Count(key string, n int) { b.counts[key] += n }

// Add maps one instance. Data sources are counted and skipped.
func (b *Builder) Add(in *Instance) {
	size := len(in.Type) + len(in.Name) + len(in.Module) + len(in.Address) + len(in.Deposed)
	if key, ok := in.Index.(string); ok {
		size += len(key)
	}
	if size > MaxName {
		if b.err == nil {
			b.err = fmt.Errorf("%w: a resource's type, name and address are %d KiB long, more than the %d KiB bulkhead keeps (starts %.40q)", ErrNotTerraform, size>>10, MaxName>>10, in.Type+"."+in.Name)
		}
		return
	}
	if in.Mode == Data {
		b.counts["data_sources_skipped"]++
		return
	}
	b.counts["resources"]++
	if in.Tainted {
		b.counts["tainted"]++
	}
	if in.Deposed != "" {
		b.counts["deposed"]++
	}
	if in.Address == "" {
		in.Address = InstanceAddress(in.Module, in.Mode, in.Type, in.Name, in.Index)
	}
	t, known := tables[in.Type]
	if !known {
		b.counts["not_understood"]++
		b.counts["not_understood."+in.Type]++
		t = otherType
	}
	h := in.held()
	n := &Node{In: h, T: t}
	n.self[0] = n
	pos := int32(len(b.nodes))
	b.nodes = append(b.nodes, n)
	b.resIDs = nil
	if in.Deposed == "" {
		b.byAddr.add(in.Address, pos)
		if ra := in.ResourceAddress(); ra != in.Address {
			b.byAddr.add(b.intern(ra), pos) // the instances of a resource share it
		}
	}
	if t.Relation {
		b.indexKeys(n, pos)
		b.counts["relations"]++
		dropTags(h)
		return
	}
	b.makeResource(n, in)
	b.indexKeys(n, pos)
	// The tier is decided now, while the instance is at hand, so that its tags can go
	// unless a link reads them later.
	b.tier(n)
	switch {
	case t.TagsRead:
		h.compactTags("tags", "tags_all", "labels")
	case n.Res.Kind.IsData():
		// AWS Backup selections match a data resource's tags (nothing else is read).
		h.drop("tags_all", "labels")
		h.compactTags("tags")
	default:
		dropTags(h)
	}
	if t.Link == nil {
		n.release(!b.linking || b.tagSelections)
	}
}

// indexKeys indexes a node by the values other resources use to refer to it.
func (b *Builder) indexKeys(n *Node, pos int32) {
	for _, k := range [...]string{"id", "arn", "name", "self_link"} {
		if v := n.In.Str(k); v != "" {
			b.byKey.add(v, pos)
		}
	}
	for _, k := range n.T.Keys {
		if v := n.In.Str(k); v != "" {
			b.byKey.add(v, pos)
		}
	}
}

// release drops an instance's attribute values once nothing will read them: its own Link
// has run and its type is not Read by others. A data resource keeps its tags while the
// source may have AWS Backup selections by tag (they are matched last).
func (n *Node) release(keepDataTags bool) {
	if n.T.Read || n.T.TagsRead {
		return
	}
	in := n.In
	if keepDataTags && n.Res != nil && n.Res.Kind.IsData() {
		var tags []Attr
		for _, a := range in.Compact {
			if a.Key == "tags" || a.Key == "tags_all" {
				tags = append(tags, a)
			}
		}
		in.Compact, in.Unknown = tags, nil
		return
	}
	in.Compact, in.Unknown = nil, nil
}

// dropTags releases an instance's tags and labels once nothing will read them.
func dropTags(in *Held) { in.drop("tags", "tags_all", "labels") }

// makeResource makes the node's resource; src is the instance as the reader gave it.
func (b *Builder) makeResource(n *Node, src *Instance) {
	in := n.In
	var id, native string
	if n.T.ID != nil {
		id, native = n.T.ID(n)
	}
	if id == "" {
		id, native = defaultID(in)
	}
	if in.Deposed != "" {
		id += "#deposed:" + in.Deposed
	}
	if _, dup := b.ids[id]; dup {
		id += "#" + in.Address
	}
	// The ID usually ends with the ARN or the provider's ID: keep one copy of those bytes
	// (the attributes, the aliases and the key index then point into the ID).
	native = shareTail(id, native)
	for i := range in.Compact {
		if a := &in.Compact[i]; a.Key == "arn" || a.Key == "id" || a.Key == "self_link" {
			if s, ok := a.Val.(string); ok && s != "" && strings.HasSuffix(id, s) {
				a.Val = shareTail(id, s)
			}
		}
	}
	name := ""
	for _, a := range append(n.T.Names, "name") {
		if name = in.Str(a); name != "" {
			break
		}
	}
	if name == "" {
		name = in.Name
		if src.Index != nil {
			name = strings.TrimPrefix(InstanceAddress("", Managed, "", in.Name, src.Index), ".")
		}
	}
	r := &graph.Resource{
		ID: id, Kind: n.T.Kind, Type: in.Type, NativeID: native, Name: name,
		Origin: graph.Origin{Source: b.opts.Source, Ref: in.Address, Range: in.Range},
	}
	r.SetAttr(graph.AttrAddress, in.Address)
	if arn := in.Str("arn"); arn != "" {
		r.Aliases = append(r.Aliases, arn)
	}
	if src.Tainted {
		r.SetAttr("tainted", "true")
	}
	if in.Deposed != "" {
		r.SetAttr("deposed", in.Deposed)
		r.Name += " (deposed)"
	}
	n.Res = r
	b.ids[id] = r
	if n.T.Setup != nil {
		n.T.Setup(b, n)
	}
	if n.T.Kind == graph.Other && !Known(in.Type) {
		r.SetAttr("not_understood", "true")
	}
}

// shareTail returns s as the tail of id when id ends with it, so that s keeps no bytes of
// its own.
func shareTail(id, s string) string {
	if len(s) > 0 && strings.HasSuffix(id, s) {
		return id[len(id)-len(s):]
	}
	return s
}

func defaultID(in *Held) (id, native string) {
	p := ProviderOf(in.Type)
	native = in.Str("id")
	switch {
	case p == "aws" && in.Str("arn") != "":
		return "aws:" + in.Type + ":" + in.Str("arn"), native
	case p == "google" && in.Str("self_link") != "":
		return "google:" + in.Type + ":" + in.Str("self_link"), native
	case native != "":
		return p + ":" + in.Type + ":" + native, native
	}
	// Not yet created (a plan) or configuration only (.tf): the address is all there is.
	return p + ":" + in.Type + ":" + in.Address, ""
}

// Find returns the mapped nodes of the given types (any type if none) that v refers to: an
// ID, ARN, name or other key, or a configuration reference.
func (b *Builder) Find(v any, types ...string) []*Node {
	var cands []*Node
	switch x := v.(type) {
	case Ref:
		cands = b.byAddr.get(x.Address, b.nodes)
	case string:
		if x == "" {
			return nil
		}
		cands = b.byKey.get(x, b.nodes)
	default:
		return nil
	}
	if len(types) == 0 {
		return cands
	}
	var out []*Node
	for _, c := range cands {
		for _, t := range types {
			if c.In.Type == t {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// FindAttr is Find on the raw value of an attribute path of n.
func (b *Builder) FindAttr(n *Node, path string, types ...string) []*Node {
	v, ok := n.In.raw(path)
	if !ok {
		return nil
	}
	return b.Find(v, types...)
}

// Edge records an edge between two resources (ignored when either is nil or they are equal).
func (b *Builder) Edge(from *graph.Resource, kind graph.EdgeKind, to *graph.Resource, note string, actions ...graph.Action) {
	if from == nil || to == nil || from.ID == to.ID {
		return
	}
	b.edges.add(graph.Edge{From: from.ID, To: to.ID, Kind: kind, Note: note, Actions: actions})
}

// edgeList holds the edges made during the mapping in fixed-size chunks: appending never
// copies what is there (a single slice left every earlier copy behind as garbage, about
// 80 MB for a 100k-resource state). Each edge is kept packed (graph.PackedEdge, 56 bytes
// where a graph.Edge is 88 plus its actions' own slice): at 100k resources the list is the
// builder's largest part (600k edges) and is alive at its peak.
type edgeList struct {
	chunks [][]graph.PackedEdge
	n      int
}

const edgeChunk = 4096

func (l *edgeList) add(e graph.Edge) {
	if l.n%edgeChunk == 0 {
		l.chunks = append(l.chunks, make([]graph.PackedEdge, 0, edgeChunk))
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, e.Pack())
	l.n++
}

// at writes the i-th edge into e (graph.ConnectFunc's form).
func (l *edgeList) at(i int, e *graph.Edge) { l.chunks[i/edgeChunk][i%edgeChunk].Unpack(e) }

// Synth adds a resource the source implies but does not list (RDS automated backups, a
// final snapshot). A second call with the same ID returns the first resource.
// Safeguard reads a boolean safeguard of n's input (Held.Safeguard): its value, or, when
// the input sets it to something bulkhead cannot resolve, unsafe, recorded as unresolved
// on n's resource so that findings say which value it was.
func (b *Builder) Safeguard(n *Node, path string, def, unsafe bool) bool {
	v, known := n.In.Safeguard(path, def)
	if !known {
		b.Unresolved(n.Res, path)
		return unsafe
	}
	return v
}

// Unresolved records that r's input sets attr to a value bulkhead could not resolve and
// that the table took its unsafe value instead: findings about r say so.
func (b *Builder) Unresolved(r *graph.Resource, attr string) {
	list := r.List(graph.AttrUnresolved)
	if slices.Contains(list, attr) {
		return
	}
	list = append(list, attr)
	slices.Sort(list)
	r.SetAttr(graph.AttrUnresolved, strings.Join(list, ","))
	b.counts["unresolved_values"]++
}

func (b *Builder) Synth(r *graph.Resource) *graph.Resource {
	if old, ok := b.ids[r.ID]; ok {
		return old
	}
	if r.Origin.Source == "" {
		r.Origin.Source = b.opts.Source
	}
	if _, ok := r.Attr(graph.AttrAddress); !ok && r.Origin.Ref != "" {
		// A resource the table made for a block (its automated backups, a final snapshot)
		// is configured in that block: its Ref is the block's address and why.
		// A table whose Ref is not of that form sets the address itself.
		addr, _, _ := strings.Cut(r.Origin.Ref, " (")
		r.SetAttr(graph.AttrAddress, addr)
	}
	b.ids[r.ID] = r
	b.synth = append(b.synth, r)
	b.counts["synthesized"]++
	return r
}

// Graph finishes the mapping. Call it once: it releases the instances' attribute values
// as it goes; afterwards only ResourceID and the counts remain meaningful.
func (b *Builder) Graph() (*graph.Graph, error) {
	if b.err != nil {
		return nil, b.err
	}
	b.linking = true
	for _, n := range b.nodes {
		if n.In.Type == "aws_backup_selection" {
			if len(n.In.List("selection_tag")) > 0 {
				b.tagSelections = true
				break
			}
		}
	}
	if !b.tagSelections {
		for _, n := range b.nodes {
			if n.T.Link == nil {
				n.release(false)
			}
		}
	}
	// Relations first (they set attributes such as a bucket's versioning), then the rest,
	// then late links. Each node's attribute values go once its own link has run.
	for phase := 0; phase < 3; phase++ {
		for _, n := range b.nodes {
			p := 1
			switch {
			case n.T.Late:
				p = 2
			case n.T.Relation:
				p = 0
			}
			if n.T.Link != nil && p == phase {
				n.T.Link(b, n)
				n.release(b.tagSelections)
			}
		}
	}
	b.aws.sel = nil
	b.awsCredentials()
	b.googleCredentials()
	b.azureCredentials()
	// The attribute values are read by links and credentials only: release them before
	// the edges of dependencies and environments are made.
	for _, n := range b.nodes {
		n.In.Compact, n.In.Unknown = nil, nil
	}
	for _, n := range b.nodes {
		if n.Res == nil {
			continue
		}
		for _, d := range n.In.DependsOn {
			for _, t := range b.byAddr.get(d, b.nodes) {
				if t.Res != nil {
					b.Edge(n.Res, graph.DependsOn, t.Res, "")
				}
			}
		}
	}
	b.environments()
	// Every link is made: release what only the mapping needed (the decoded attribute
	// values and the key index) before the graph store grows, so that both are not alive
	// at the peak. Afterwards the builder answers ResourceID and nothing else.
	// Of each instance only its address and ID stay, for ResourceID.
	b.done = make([]doneNode, len(b.nodes))
	for i, n := range b.nodes {
		d := doneNode{address: n.In.Address, deposed: n.In.Deposed}
		if n.Res != nil {
			d.id = n.Res.ID
		}
		b.done[i] = d
	}
	b.nodes, b.resIDs, b.byRes = nil, nil, nil
	b.byKey, b.byAddr, b.wants, b.strs = nodeIndex{}, nodeIndex{}, map[string]map[string]bool{}, map[string]string{}
	b.aws = awsState{account: b.aws.account}
	b.google = googleState{}
	b.azure = azureState{}

	g := graph.New()
	info := graph.SourceInfo{Name: b.opts.Source, Target: b.opts.Target, Counts: map[string]int{}}
	for k, v := range b.counts {
		info.Counts[k] = v
	}
	if _, ok := info.Counts["resources"]; !ok {
		info.Counts["resources"] = 0
	}
	g.Sources = []graph.SourceInfo{info}
	all := make([]*graph.Resource, 0, len(b.ids))
	for _, r := range b.ids {
		all = append(all, r)
	}
	b.ids, b.synth, b.envs = nil, nil, nil
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	for _, r := range all {
		r.Aliases = uniqueSorted(r.Aliases)
		if err := g.Add(r); err != nil {
			return nil, fmt.Errorf("%s: %w", b.opts.Target, err)
		}
	}
	// Resources went in sorted by ID, so ConnectAll's order (ends' positions, kind, then
	// the order the edges were made) is (from, to, kind): the first note of duplicate
	// edges wins deterministically.
	if err := g.ConnectFunc(b.edges.n, b.edges.at); err != nil {
		return nil, fmt.Errorf("%s: %w", b.opts.Target, err)
	}
	b.edges = edgeList{}
	return g, nil
}

func uniqueSorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	sort.Strings(s)
	out := s[:1]
	for _, x := range s[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

// --- tiers and environments

var tierTagKeys = map[string]bool{"environment": true, "env": true, "stage": true, "tier": true, "workspace": true, "environment_name": true, "envname": true}

// envLevelDirs are directory names whose child names an environment (envs/prod/...).
var envLevelDirs = map[string]bool{"env": true, "envs": true, "environment": true, "environments": true, "stages": true, "workspaces": true, "terraform.tfstate.d": true, "live": false}

// sourceEnvironment derives an environment from the workspace or the file path.
func sourceEnvironment(o Options) (name string, tier graph.Tier, why string) {
	if o.Workspace != "" && o.Workspace != "default" {
		t, _ := graph.GuessTier(o.Workspace)
		return o.Workspace, t, fmt.Sprintf("workspace %q", o.Workspace)
	}
	if o.Target == "" {
		return "", "", ""
	}
	segs := strings.Split(filepath.ToSlash(filepath.Clean(o.Target)), "/")
	for i := 0; i+1 < len(segs); i++ {
		if envLevelDirs[strings.ToLower(segs[i])] {
			t, _ := graph.GuessTier(segs[i+1])
			return segs[i+1], t, fmt.Sprintf("path %q is under %s/%s", o.Target, segs[i], segs[i+1])
		}
	}
	// The file's own name or its directory, when it is exactly a tier word: prod.tfstate, staging/.
	base := segs[len(segs)-1]
	cands := []string{strings.TrimSuffix(base, filepath.Ext(base))}
	if len(segs) > 1 {
		cands = append(cands, segs[len(segs)-2])
	}
	for _, c := range cands {
		if t, _ := graph.GuessTier(c); t != graph.Unknown && !strings.ContainsAny(c, "-_. ") {
			return c, t, fmt.Sprintf("path %q names %q", o.Target, c)
		}
	}
	return "", "", ""
}

func tagTier(in *Held) (label string, t graph.Tier, why string) {
	for _, attr := range []string{"tags", "labels", "tags_all"} {
		v, _ := in.top(attr)
		m := stringMap(v)
		var keys []string
		for k, v := range m {
			if v != "" && tierTagKeys[strings.ToLower(k)] {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := m[k]
			if t, _ := graph.GuessTier(v); t != graph.Unknown {
				kind := "tag"
				if attr == "labels" {
					kind = "label"
				}
				return v, t, fmt.Sprintf("%s %s = %q", kind, k, v)
			}
		}
	}
	return "", "", ""
}

func (b *Builder) tier(n *Node) {
	r := n.Res
	switch r.Kind {
	case graph.Environment, graph.Project, graph.Workspace, graph.Account:
		return
	}
	if ProviderOf(n.In.Type) == "railway" {
		return // Railway resources live in Railway's own environments
	}
	if label, t, why := tagTier(n.In); t != "" {
		r.Tier, r.TierWhy, n.env = t, b.intern(why), label
		return
	}
	if b.srcEnv != "" {
		n.env = b.srcEnv
		return
	}
	if t, why := graph.GuessTier(r.Name); t != graph.Unknown {
		r.Tier, r.TierWhy = t, why
	}
}

// intern returns one copy of each distinct string (tier reasons repeat across thousands
// of resources tagged alike).
func (b *Builder) intern(s string) string {
	if v, ok := b.strs[s]; ok {
		return v
	}
	b.strs[s] = s
	return s
}

// envResource returns the synthesized environment for a label.
func (b *Builder) envResource(label string, t graph.Tier, why string) *graph.Resource {
	key := strings.ToLower(label)
	if e, ok := b.envs[key]; ok {
		return e
	}
	if t == "" {
		t, _ = graph.GuessTier(label)
	}
	e := b.Synth(&graph.Resource{
		ID: "terraform:environment:" + key, Kind: graph.Environment, Type: "terraform.Environment",
		Name: label, Tier: t, TierWhy: why,
	})
	b.envs[key] = e
	return e
}

// SourceEnv is the environment of the whole source (workspace or path), or nil.
func (b *Builder) SourceEnv() *graph.Resource {
	if b.srcEnv == "" {
		return nil
	}
	return b.envResource(b.srcEnv, b.srcTier, b.srcWhy)
}

// EnvOf returns the synthesized environment of a node (from tags or the source), or nil.
func (b *Builder) EnvOf(n *Node) *graph.Resource {
	if n.env == "" {
		return nil
	}
	if n.env == b.srcEnv && (n.Res == nil || n.Res.TierWhy == "") {
		return b.SourceEnv()
	}
	return b.envResource(n.env, n.Res.Tier, n.Res.TierWhy)
}

func (b *Builder) environments() {
	for _, n := range b.nodes {
		if n.Res == nil || n.env == "" {
			continue
		}
		switch n.Res.Kind {
		case graph.Token, graph.Principal, graph.Policy, graph.Environment, graph.Project, graph.Workspace, graph.Account:
			continue
		}
		b.Edge(b.EnvOf(n), graph.Contains, n.Res, "")
	}
}

// ResourceID returns the canonical ID given to an instance address (and deposed key), or
// "" when the instance has no node of its own (relations, data sources).
// The first call indexes every instance (one map for all later calls: a plan asks once per
// change, and scanning the nodes each time was quadratic).
func (b *Builder) ResourceID(address, deposed string) string {
	if b.resIDs == nil {
		b.resIDs = make(map[instKey]string, len(b.nodes)+len(b.done))
		for _, n := range b.nodes {
			k := instKey{n.In.Address, n.In.Deposed}
			if _, seen := b.resIDs[k]; !seen && n.Res != nil {
				b.resIDs[k] = n.Res.ID
			}
		}
		for _, d := range b.done {
			k := instKey{d.address, d.deposed}
			if _, seen := b.resIDs[k]; !seen && d.id != "" {
				b.resIDs[k] = d.id
			}
		}
	}
	return b.resIDs[instKey{address, deposed}]
}

type instKey struct{ address, deposed string }

// doneNode is what Graph keeps of an instance for ResourceID: its address, deposed key,
// and the ID of its resource ("" for relations and data sources).
type doneNode struct{ address, deposed, id string }

// idTail strips "<provider>:<type>:" from a canonical ID, leaving the native part, for
// the IDs of resources synthesized from another.
func idTail(id string) string {
	parts := strings.SplitN(id, ":", 3)
	if len(parts) == 3 {
		return parts[2]
	}
	return id
}
