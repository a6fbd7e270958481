package tfmap

import (
	"sort"
	"strings"
)

// selectionIndex answers AWS Backup selections (backupSelectionLink) without a scan of
// every node per selection: a (tag key, value) → data nodes index, built on the first
// selection by tag, and the targets sorted by ARN, built on the first selection by ARN
// wildcard, where a pattern's literal prefix bounds the range it is matched against.
type selectionIndex struct {
	tags    map[tagKV][]*Node  // data nodes by tag, in node order
	hasKey  map[string][]*Node // data nodes with the key set to a value other than "", in node order
	data    []*Node            // every data node, in node order
	byARN   []int32            // positions in aws.targets with an ARN, sorted by ARN then position
	indexed int                // len(aws.targets) when byARN was built, -1 before
	hasSet  map[*Node]struct{} // scratch for taggedWith(key, "")
	matched []int32            // scratch for targetsMatching
}

type tagKV struct{ key, val string }

// taggedWith returns the data nodes whose tag key has value val, in node order. A node
// without the key reads as "" (as the selection's matching always has).
func (b *Builder) taggedWith(key, val string) []*Node {
	x := b.selIndex()
	if x.tags == nil {
		x.tags, x.hasKey = map[tagKV][]*Node{}, map[string][]*Node{}
		for _, c := range b.nodes {
			if c.Res == nil || !c.Res.Kind.IsData() {
				continue
			}
			x.data = append(x.data, c)
			for k, v := range c.In.Map("tags") {
				x.tags[tagKV{k, v}] = append(x.tags[tagKV{k, v}], c)
				if v != "" {
					x.hasKey[k] = append(x.hasKey[k], c)
				}
			}
		}
	}
	if val != "" {
		return x.tags[tagKV{key, val}]
	}
	// Value "": the nodes with the key set to "" and those without it.
	with := x.hasKey[key]
	if len(with) == 0 {
		return x.data
	}
	clear(x.hasSet)
	if x.hasSet == nil {
		x.hasSet = make(map[*Node]struct{}, len(with))
	}
	for _, c := range with {
		x.hasSet[c] = struct{}{}
	}
	out := make([]*Node, 0, len(x.data)-len(with))
	for _, c := range x.data {
		if _, ok := x.hasSet[c]; !ok {
			out = append(out, c)
		}
	}
	return out
}

// targetsMatching returns the positions in aws.targets whose ARN matches the wildcard
// pattern (globMatch), in registration order.
func (b *Builder) targetsMatching(pattern string) []int32 {
	x := b.selIndex()
	ts := b.aws.targets
	if x.indexed != len(ts) {
		x.byARN = x.byARN[:0]
		for i := range ts {
			if ts[i].arn != "" {
				x.byARN = append(x.byARN, int32(i))
			}
		}
		sort.Slice(x.byARN, func(i, j int) bool {
			a, c := ts[x.byARN[i]].arn, ts[x.byARN[j]].arn
			if a != c {
				return a < c
			}
			return x.byARN[i] < x.byARN[j]
		})
		x.indexed = len(ts)
	}
	prefix := pattern
	if i := strings.IndexAny(pattern, "*?"); i >= 0 {
		prefix = pattern[:i]
	}
	lo := sort.Search(len(x.byARN), func(i int) bool { return ts[x.byARN[i]].arn >= prefix })
	x.matched = x.matched[:0]
	for _, p := range x.byARN[lo:] {
		arn := ts[p].arn
		if !strings.HasPrefix(arn, prefix) {
			break
		}
		if globMatch(pattern, arn) {
			x.matched = append(x.matched, p)
		}
	}
	sort.Slice(x.matched, func(i, j int) bool { return x.matched[i] < x.matched[j] })
	return x.matched
}

func (b *Builder) selIndex() *selectionIndex {
	if b.aws.sel == nil {
		b.aws.sel = &selectionIndex{indexed: -1}
	}
	return b.aws.sel
}
