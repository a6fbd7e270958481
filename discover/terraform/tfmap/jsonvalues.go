package tfmap

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/bulkhead-dev/bulkhead/internal/input"
)

// ErrUnsupportedFormat marks input in a Terraform format or format version bulkhead does
// not read (state version 3, a plan JSON format_version 2.0, ...). Test with errors.Is.
var ErrUnsupportedFormat = errors.New("unsupported Terraform format")

// ErrNotTerraform marks input that is not Terraform JSON at all.
var ErrNotTerraform = errors.New("not a Terraform JSON document")

// secretAttr reports attribute names that hold secrets in common providers even when a
// file does not mark them sensitive (plans and states before Terraform 0.15 do not).
// Such attributes are never copied.
// IsSecretAttr is exported for readers that filter before decoding.
func IsSecretAttr(typ, name string) bool { return secretAttr(typ, name) }

func secretAttr(typ, name string) bool {
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "password"), strings.Contains(n, "secret"), strings.Contains(n, "private_key"),
		n == "token", n == "access_token", n == "api_token", n == "auth_token", n == "api_key", n == "key_material":
		return true
	case n == "value" && (strings.HasPrefix(typ, "railway_") || typ == "aws_ssm_parameter" || strings.Contains(typ, "secret")):
		return true
	case n == "variables" && typ == "railway_variable_collection":
		return true
	}
	return false
}

// StripSensitive returns a copy of attrs without the values marked in sensitive (the
// before_sensitive/after_sensitive or sensitive_values shape: true leaves) and without
// attributes known to hold secrets. Marked values inside nested blocks are removed where
// they sit.
func StripSensitive(typ string, attrs map[string]any, sensitive any) map[string]any {
	out := make(map[string]any, len(attrs))
	sm, _ := sensitive.(map[string]any)
	for k, v := range attrs {
		if secretAttr(typ, k) {
			continue
		}
		if s, ok := sm[k]; ok {
			if b, isBool := s.(bool); isBool {
				if b {
					continue
				}
			} else {
				v = stripValue(v, s)
			}
		}
		out[k] = v
	}
	return out
}

func stripValue(v, s any) any {
	switch sv := s.(type) {
	case bool:
		if sv {
			return nil
		}
		return v
	case map[string]any:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		c := make(map[string]any, len(m))
		for k, x := range m {
			if ss, ok := sv[k]; ok {
				if b, isBool := ss.(bool); isBool && b {
					continue
				}
				x = stripValue(x, ss)
			}
			c[k] = x
		}
		return c
	case []any:
		l, ok := v.([]any)
		if !ok {
			return v
		}
		c := make([]any, len(l))
		for i, x := range l {
			if i < len(sv) {
				x = stripValue(x, sv[i])
			}
			c[i] = x
		}
		return c
	}
	return v
}

// UnknownPaths flattens an after_unknown value into the dotted paths of its true leaves,
// sorted ("deletion_protection", "settings.0.backup_configuration").
func UnknownPaths(u any) []string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case bool:
			if x && prefix != "" {
				out = append(out, prefix)
			}
		case map[string]any:
			for k, y := range x {
				walk(join(prefix, k), y)
			}
		case []any:
			for i, y := range x {
				walk(join(prefix, strconv.Itoa(i)), y)
			}
		}
	}
	walk("", u)
	sort.Strings(out)
	return out
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// AddStateValues maps the resources of a `terraform show -json` state or plan value tree.
// unknown gives, per instance address, the top-level attributes unknown until apply.
func AddStateValues(b *Builder, v *tfjson.StateValues, unknown map[string]map[string]bool) {
	AddStateValuesWithRefs(b, v, unknown, nil)
}

// AddStateValuesWithRefs is AddStateValues with configuration references (see
// ConfigRefs): an attribute not known in the values but written as a reference to another
// resource becomes a Ref, so a plan links what it will create.
func AddStateValuesWithRefs(b *Builder, v *tfjson.StateValues, unknown map[string]map[string]bool, refs map[string]map[string]Ref) {
	if v == nil || v.RootModule == nil {
		return
	}
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		for _, r := range m.Resources {
			if r == nil {
				continue
			}
			in := &Instance{
				Address: r.Address, Module: m.Address, Mode: string(r.Mode), Type: r.Type, Name: r.Name,
				Index: r.Index, DependsOn: resourceAddrs(r.DependsOn, m.Address),
				Tainted: r.Tainted, Deposed: r.DeposedKey, Unknown: unknown[r.Address],
			}
			if in.Mode == "" {
				in.Mode = Managed
			}
			var sens any
			if len(r.SensitiveValues) > 0 {
				_ = json.Unmarshal(r.SensitiveValues, &sens)
			}
			attrs := StripSensitive(r.Type, r.AttributeValues, sens)
			in.Attrs = make(map[string]any)
			for k, x := range attrs {
				if b.Wants(r.Type, k) {
					in.Attrs[k] = x
				}
			}
			ra := in.ResourceAddress()
			for k, ref := range refs[ra] {
				if _, known := in.Attrs[k]; !known && b.Wants(r.Type, k) {
					in.Attrs[k] = ref
				}
			}
			b.Add(in)
		}
		var children []*tfjson.StateModule // a null child module is skipped, before the sort reads it
		for _, c := range m.ChildModules {
			if c != nil {
				children = append(children, c)
			}
		}
		sort.Slice(children, func(i, j int) bool { return children[i].Address < children[j].Address })
		for _, c := range children {
			walk(c)
		}
	}
	walk(v.RootModule)
}

// resourceAddrs strips instance keys from depends_on entries so they match resource
// addresses, and qualifies module-local ones.
func resourceAddrs(deps []string, module string) []string {
	out := make([]string, 0, len(deps))
	for _, d := range deps {
		if i := strings.IndexByte(d, '['); i > 0 && strings.HasSuffix(d, "]") && !strings.Contains(d[i:], ".") {
			d = d[:i]
		}
		if module != "" && !strings.HasPrefix(d, "module.") {
			d = module + "." + d
		}
		out = append(out, d)
	}
	return out
}

// ReadDocument reads a whole JSON file, transcoding UTF-16 (with a byte-order mark) to
// UTF-8, and checks that it starts like a JSON object. limit bounds the size read.
// A device, FIFO or directory is refused; "-" is standard input.
func ReadDocument(path string, limit int64) ([]byte, error) {
	f, err := input.Open(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadDocumentFrom(f, limit)
}

// ReadDocumentFrom is ReadDocument from a reader.
func ReadDocumentFrom(r io.Reader, limit int64) ([]byte, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(4)
	if err := sniff(head); err != nil {
		return nil, err
	}
	// A file says its size: read it into one buffer of that size, not the doubling
	// copies of io.ReadAll (a tenth of reading a 45 MB plan).
	var buf bytes.Buffer
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() <= limit {
			buf.Grow(int(fi.Size()) + bytes.MinRead)
		}
	}
	if _, err := buf.ReadFrom(io.LimitReader(br, limit+1)); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file is larger than %d MiB; plans and `terraform show -json` output are read whole", limit>>20)
	}
	data, err := ToUTF8(data)
	if err != nil {
		return nil, err
	}
	// One string may be at most input.MaxJSONToken long, as in streamed inputs: a decoder
	// holds several copies of each.
	if _, err := io.Copy(io.Discard, input.JSONGuard(bytes.NewReader(data), input.MaxJSONToken)); err != nil {
		if errors.Is(err, input.ErrNotJSON) {
			err = fmt.Errorf("%w: %w", ErrNotTerraform, err)
		}
		return nil, err
	}
	return data, nil
}

// sniff rejects content that cannot be a JSON object early, before reading a large file.
func sniff(head []byte) error {
	if len(head) >= 2 && (head[0] == 0xFE && head[1] == 0xFF || head[0] == 0xFF && head[1] == 0xFE) {
		return nil
	}
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(head) == 0 {
		return fmt.Errorf("%w: the file is empty", ErrNotTerraform)
	}
	if len(h) > 0 && h[0] != '{' {
		return fmt.Errorf("%w: it does not start with a JSON object (first byte %q)", ErrNotTerraform, h[0])
	}
	return nil
}

// ToUTF8 transcodes UTF-16 with a byte-order mark and drops a UTF-8 BOM.
func ToUTF8(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		return data[3:], nil
	case len(data) >= 2 && (data[0] == 0xFF && data[1] == 0xFE || data[0] == 0xFE && data[1] == 0xFF):
		if len(data)%2 != 0 {
			return nil, fmt.Errorf("%w: UTF-16 file with an odd number of bytes", ErrNotTerraform)
		}
		le := data[0] == 0xFF
		u := make([]uint16, 0, len(data)/2-1)
		for i := 2; i+1 < len(data); i += 2 {
			if le {
				u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
			} else {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			}
		}
		return []byte(string(utf16.Decode(u))), nil
	}
	return data, nil
}

// Sniff is the result of looking at a JSON document's top-level keys.
type Sniff struct {
	Version       *int   // "version" (raw state)
	FormatVersion string // "format_version" (show -json, plan)
	IsPlan        bool   // planned_values or resource_changes present
}

// LineCol converts a byte offset into 1-based line and column.
func LineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	col = int(off) - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

// ConfigRefs collects, from a plan's configuration, the attributes of each resource that
// are written as a reference to another resource: resource address -> attribute -> Ref.
func ConfigRefs(c *tfjson.Config) map[string]map[string]Ref {
	out := map[string]map[string]Ref{}
	if c == nil || c.RootModule == nil {
		return out
	}
	var walk func(m *tfjson.ConfigModule, prefix string, depth int)
	walk = func(m *tfjson.ConfigModule, prefix string, depth int) {
		if m == nil || depth > 16 {
			return
		}
		for _, r := range m.Resources {
			if r == nil {
				continue
			}
			addr := r.Address
			if prefix != "" {
				addr = prefix + "." + addr
			}
			for attr, e := range r.Expressions {
				if e == nil || e.ExpressionData == nil {
					continue
				}
				for _, ref := range e.References {
					if rr, ok := parseRef(ref, prefix); ok {
						if out[addr] == nil {
							out[addr] = map[string]Ref{}
						}
						out[addr][attr] = rr
						break
					}
				}
			}
		}
		for _, name := range slices.Sorted(maps.Keys(m.ModuleCalls)) {
			mc := m.ModuleCalls[name]
			if mc == nil {
				continue
			}
			p := "module." + name
			if prefix != "" {
				p = prefix + "." + p
			}
			walk(mc.Module, p, depth+1)
		}
	}
	walk(c.RootModule, "", 0)
	return out
}

// parseRef reads "aws_ebs_volume.web.id" (or the bare address) as a resource reference.
func parseRef(s, module string) (Ref, bool) {
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return Ref{}, false
	}
	switch parts[0] {
	case "var", "local", "module", "each", "count", "path", "terraform", "self", "data":
		return Ref{}, false
	}
	if !strings.Contains(parts[0], "_") {
		return Ref{}, false
	}
	name := parts[1]
	if i := strings.IndexByte(name, '['); i > 0 {
		name = name[:i]
	}
	r := Ref{Address: parts[0] + "." + name}
	if module != "" {
		r.Address = module + "." + r.Address
	}
	if len(parts) > 2 {
		r.Attr = parts[2]
	}
	return r, true
}
