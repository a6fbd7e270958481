package jsonstream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// TestElementsAsWhole: an array written element by element, at two depths, has the bytes
// of the document encoded whole; so has an empty one.
func TestElementsAsWhole(t *testing.T) {
	type item struct {
		Name string            `json:"name"`
		Tags map[string]string `json:"tags,omitempty"`
		List []int             `json:"list"`
	}
	items := []item{{"a <b> & \"c\"", map[string]string{"z": "1", "a": "2"}, []int{1, 2}}, {"d", nil, nil}}
	for _, n := range []int{0, 1, 2} {
		doc := struct {
			Head  string `json:"head"`
			Inner struct {
				Items []item `json:"items"`
			} `json:"inner"`
		}{Head: "h"}
		doc.Inner.Items = append([]item{}, items[:n]...)
		var whole bytes.Buffer
		if err := Encode(&whole, "", doc); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		bw.WriteString("{\n  \"head\": \"h\",\n  \"inner\": {\n    \"items\": [")
		if err := Elements(bw, "    ", n, func(i int) any { return items[i] }); err != nil {
			t.Fatal(err)
		}
		bw.WriteString("\n  }\n}\n")
		bw.Flush()
		if !bytes.Equal(got.Bytes(), whole.Bytes()) {
			t.Errorf("%d elements:\n--- got\n%s--- want\n%s", n, got.Bytes(), whole.Bytes())
		}
	}
}

// indentCases are documents whose strings hold what trips a hand-written indenter:
// escaped quotes and backslashes, punctuation, empty containers at every depth.
var indentCases = []string{
	`{}`, `[]`, `"x"`, `1`, `null`,
	`{"a":[],"b":{},"c":[{}],"d":[[],[1,{"e":""}]]}`,
	`{"q":"a\"b","bs":"c\\","bsq":"d\\\"e\\\\","p":"{[,:]}","u":"é\u2028<>&"}`,
	`[true,false,null,-1.5e+10,"",{"":""}]`,
}

// TestIndentAsEncodingJSON: appendIndent gives json.Indent's bytes, with and without a
// prefix, for documents encoding/json writes.
func TestIndentAsEncodingJSON(t *testing.T) {
	for _, c := range indentCases {
		checkIndent(t, []byte(c+"\n"))
	}
}

func FuzzIndent(f *testing.F) {
	for _, c := range indentCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v any
		if json.Unmarshal(in, &v) != nil {
			return
		}
		var compact bytes.Buffer
		enc := json.NewEncoder(&compact)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return
		}
		checkIndent(t, compact.Bytes())
	})
}

func checkIndent(t *testing.T, compact []byte) {
	t.Helper()
	for _, prefix := range []string{"", "    "} {
		var want bytes.Buffer
		if err := json.Indent(&want, compact, prefix, "  "); err != nil {
			t.Fatalf("%q: %v", compact, err)
		}
		if got := appendIndent(nil, compact, prefix, "  "); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%q with prefix %q:\n--- got\n%s--- want\n%s", compact, prefix, got, want.Bytes())
		}
	}
}
