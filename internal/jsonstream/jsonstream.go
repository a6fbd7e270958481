// Package jsonstream writes large indented JSON documents an element at a time, with the
// bytes encoding/json's Encoder gives for the whole document (two-space indent, no HTML
// escaping): bulkhead's reports and snapshots of a large estate run to tens of megabytes,
// and encoding one whole holds all of it, and the copies its growing buffer leaves, in
// memory at once.
package jsonstream

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Encode encodes v as the documents' encoder does, each line after the first starting
// with prefix, followed by a newline.
func Encode(w io.Writer, prefix string, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Elements writes n values as the elements of an array whose "[" is written, one encoded
// at a time, and its closing "]". indent is the indentation of the array's own line (the
// elements are one level deeper). The bytes are those of encoding the array in place.
func Elements(bw *bufio.Writer, indent string, n int, at func(int) any) error {
	elem := indent + "  "
	var one bytes.Buffer
	for i := 0; i < n; i++ {
		one.Reset()
		if err := Encode(&one, elem, at(i)); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n" + elem)
		bw.Write(bytes.TrimSuffix(one.Bytes(), []byte("\n")))
	}
	if n > 0 {
		bw.WriteString("\n" + indent)
	}
	bw.WriteString("]")
	return nil
}
