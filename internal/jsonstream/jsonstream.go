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
	"sync"
)

// Encode encodes v as the documents' encoder does, each line after the first starting
// with prefix, followed by a newline.
func Encode(w io.Writer, prefix string, v any) error {
	b := bufs.Get().(*buffers)
	defer bufs.Put(b)
	b.compact.Reset()
	enc := json.NewEncoder(&b.compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.indented = appendIndent(b.indented[:0], b.compact.Bytes(), prefix, "  ")
	_, err := w.Write(b.indented)
	return err
}

type buffers struct {
	compact  bytes.Buffer
	indented []byte
}

var bufs = sync.Pool{New: func() any { return new(buffers) }}

// appendIndent indents src, the compact output of encoding/json (no space outside
// strings), as json.Indent would: the same bytes, at a fraction of the cost, because it
// steps over a string with IndexByte where json.Indent runs its scanner over every byte
// (a fifth of writing a large report went there). TestIndentAsEncodingJSON and
// FuzzIndent hold it to json.Indent.
func appendIndent(dst, src []byte, prefix, indent string) []byte {
	needIndent, depth := false, 0
	newline := func(depth int) {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for i := 0; i < depth; i++ {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline(depth)
		}
		switch c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end+1]...)
			i = end
		case '{', '[':
			needIndent = true // "{}" and "[]" stay empty
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline(depth)
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline(depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd is the position of the quote that closes the string opened at src[open]:
// the first quote after it that an even number of backslashes precedes. Without one
// (which encoding/json never writes) it is the last byte.
func stringEnd(src []byte, open int) int {
	for j := open + 1; j < len(src); {
		k := bytes.IndexByte(src[j:], '"')
		if k < 0 {
			break
		}
		q := j + k
		n := 0
		for p := q - 1; p > open && src[p] == '\\'; p-- {
			n++
		}
		if n%2 == 0 {
			return q
		}
		j = q + 1
	}
	return len(src) - 1
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
