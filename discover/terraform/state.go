package terraform

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

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
type stateResource struct {
	Module   string `json:"module"`
	Mode     string `json:"mode"`
	Type     string `json:"type"`
	Name     string `json:"name"`
	Provider string `json:"provider"`
}

// ReadState reads a raw state file (format version 4) from r as a stream: top-level keys
// by tokens, one resource at a time, and of each instance only the attributes b wants.
// Sensitive attributes (sensitive_attributes paths, and attributes that hold secrets in
// common providers) are never decoded.
func ReadState(ctx context.Context, r io.Reader, b *tfmap.Builder) (*StateInfo, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4)
	if len(head) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", tfmap.ErrNotTerraform)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonErr(dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("%w: it does not start with a JSON object", tfmap.ErrNotTerraform)
	}
	info := &StateInfo{Version: -1}
	var skip json.RawMessage
	var res json.RawMessage
	sr := &stateReader{b: b}
	sawResources := false
	for dec.More() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonErr(dec, err)
		}
		key, _ := tok.(string)
		switch key {
		case "version":
			var v json.Number
			if err := dec.Decode(&v); err != nil {
				return nil, jsonErr(dec, err)
			}
			n, err := v.Int64()
			if err != nil {
				return nil, fmt.Errorf("%w: state \"version\" is %s, not an integer", tfmap.ErrNotTerraform, v)
			}
			info.Version = int(n)
			if n != 4 {
				return nil, versionErr(info.Version)
			}
		case "format_version":
			return nil, errShowJSON
		case "terraform_version":
			if err := dec.Decode(&info.TerraformVersion); err != nil {
				return nil, jsonErr(dec, err)
			}
		case "serial":
			_ = dec.Decode(&info.Serial)
		case "lineage":
			_ = dec.Decode(&info.Lineage)
		case "modules":
			// Format versions 1-3 keep resources under "modules".
			if info.Version == -1 {
				return nil, fmt.Errorf("%w: the state has \"modules\" and no \"resources\": a state format older than version 4 (Terraform before 0.12); bulkhead reads version 4: run any `terraform plan` with Terraform 0.12 or later to upgrade it", ErrUnsupportedFormat)
			}
			if err := dec.Decode(&skip); err != nil {
				return nil, jsonErr(dec, err)
			}
		case "resources":
			sawResources = true
			tok, err := dec.Token()
			if err != nil {
				return nil, jsonErr(dec, err)
			}
			if tok == nil { // "resources": null
				continue
			}
			if d, ok := tok.(json.Delim); !ok || d != '[' {
				return nil, fmt.Errorf("%w: \"resources\" is not an array", tfmap.ErrNotTerraform)
			}
			for dec.More() {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				if err := dec.Decode(&res); err != nil {
					return nil, jsonErr(dec, err)
				}
				if err := sr.resource(res); err != nil {
					return nil, fmt.Errorf("resource ending at byte %d: %w", dec.InputOffset(), err)
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, jsonErr(dec, err)
			}
		default:
			if err := dec.Decode(&skip); err != nil {
				return nil, jsonErr(dec, err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonErr(dec, err)
	}
	switch {
	case info.Version == -1 && !sawResources:
		return nil, fmt.Errorf("%w: no \"version\" or \"resources\" key: not a Terraform state", tfmap.ErrNotTerraform)
	case info.Version == -1:
		return nil, fmt.Errorf("%w: the state has no \"version\"", tfmap.ErrNotTerraform)
	}
	return info, nil
}

func versionErr(v int) error {
	if v < 4 {
		return fmt.Errorf("%w: state format version %d (Terraform before 0.12); bulkhead reads version 4: run any `terraform plan` with Terraform 0.12 or later to upgrade it", ErrUnsupportedFormat, v)
	}
	return fmt.Errorf("%w: state format version %d is newer than version 4, the one bulkhead reads; use `terraform show -json` output instead", ErrUnsupportedFormat, v)
}

// jsonErr makes decoder errors say where and what.
func jsonErr(dec *json.Decoder, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("%w: the JSON ends early: the value starting at byte %d is cut off (truncated file?)", tfmap.ErrNotTerraform, dec.InputOffset())
	case errors.As(err, &se):
		return fmt.Errorf("%w: invalid JSON at byte %d: %v", tfmap.ErrNotTerraform, se.Offset, se)
	case errors.As(err, &te):
		return fmt.Errorf("%w: at byte %d, %q has the wrong type: %v", tfmap.ErrNotTerraform, te.Offset, te.Field, te.Value)
	}
	return fmt.Errorf("read state: %w", err)
}

type stateReader struct {
	b *tfmap.Builder
}

// resource maps one "resources" element.
func (sr *stateReader) resource(raw []byte) error {
	var r stateResource
	var instances []byte
	err := eachMember(raw, func(key string, val []byte) error {
		var dst *string
		switch key {
		case "module":
			dst = &r.Module
		case "mode":
			dst = &r.Mode
		case "type":
			dst = &r.Type
		case "name":
			dst = &r.Name
		case "provider":
			dst = &r.Provider
		case "instances":
			instances = val
			return nil
		default:
			return nil
		}
		return json.Unmarshal(val, dst)
	})
	if err != nil {
		return err
	}
	if r.Type == "" || r.Name == "" {
		return fmt.Errorf("%w: a resource without type or name", tfmap.ErrNotTerraform)
	}
	if r.Mode == "" {
		r.Mode = tfmap.Managed
	}
	return eachElement(instances, func(val []byte) error { return sr.instance(&r, val) })
}

func (sr *stateReader) instance(r *stateResource, raw []byte) error {
	in := &tfmap.Instance{Module: r.Module, Mode: r.Mode, Type: r.Type, Name: r.Name, Provider: r.Provider}
	var attrs, flat, sensitive []byte
	err := eachMember(raw, func(key string, val []byte) error {
		switch key {
		case "index_key":
			var k any
			if err := json.Unmarshal(val, &k); err != nil {
				return err
			}
			if n, ok := k.(json.Number); ok {
				k, _ = strconv.Atoi(string(n))
			}
			in.Index = k
		case "status":
			var s string
			_ = json.Unmarshal(val, &s)
			in.Tainted = s == "tainted"
		case "deposed":
			return json.Unmarshal(val, &in.Deposed)
		case "attributes":
			attrs = val
		case "attributes_flat":
			flat = val
		case "sensitive_attributes":
			sensitive = val
		case "dependencies", "depends_on":
			var deps []string
			if err := json.Unmarshal(val, &deps); err != nil {
				return err
			}
			in.DependsOn = append(in.DependsOn, deps...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if in.Mode == tfmap.Data {
		sr.b.Add(in)
		return nil
	}
	hidden := sensitiveTop(sensitive)
	in.Attrs = map[string]any{}
	if attrs == nil && flat != nil {
		// Early 0.12 states keep attributes in the 0.11 "flatmap" form.
		err = eachMember(flat, func(key string, val []byte) error {
			top, rest, nested := strings.Cut(key, ".")
			if hidden[top] || !sr.b.Wants(r.Type, top) || tfmap.IsSecretAttr(r.Type, top) {
				return nil
			}
			var s string
			if err := json.Unmarshal(val, &s); err != nil {
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
	err = eachMember(attrs, func(key string, val []byte) error {
		if hidden[key] || !sr.b.Wants(r.Type, key) || tfmap.IsSecretAttr(r.Type, key) {
			return nil
		}
		var v any
		if err := json.Unmarshal(val, &v); err != nil {
			return err
		}
		in.Attrs[key] = normalise(v)
		return nil
	})
	if err != nil {
		return err
	}
	in.DependsOn = resourceAddrs(in.DependsOn)
	sr.b.Add(in)
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

// normalise turns json.Number into float64 so the mapping sees one numeric type.
func normalise(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return x.String()
		}
		return f
	case map[string]any:
		for k, y := range x {
			x[k] = normalise(y)
		}
	case []any:
		for i, y := range x {
			x[i] = normalise(y)
		}
	}
	return v
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
