package jsonstream

import (
	"bufio"
	"bytes"
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
