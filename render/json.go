package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// JSON writes the report as indented JSON ("schema": "bulkhead.report/v1"). Field order
// is fixed by the structs and map keys are sorted, so the same report gives the same bytes.
//
// The findings are written one at a time: a report of a large estate runs to tens of
// megabytes of JSON, and encoding it whole would hold all of it (and the copies its growing
// buffer leaves behind) in memory at once. The bytes are those of encoding the report whole.
func JSON(w io.Writer, rep *analyze.Report, _ Options) error {
	// The report without its findings: everything but the array, in field order.
	head := *rep
	head.Findings = []analyze.Finding{}
	var env bytes.Buffer
	if err := encodeIndented(&env, "", &head); err != nil {
		return err
	}
	schema, err := json.Marshal(rep.Schema)
	if err != nil {
		return err
	}
	open := []byte("{\n  \"schema\": " + string(schema) + ",\n  \"findings\": []")
	if len(rep.Findings) == 0 || !bytes.HasPrefix(env.Bytes(), open) {
		return encodeIndented(w, "", rep)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(open[:len(open)-1]) // up to and including "["
	if err := writeElements(bw, "  ", len(rep.Findings), func(i int) any { return &rep.Findings[i] }); err != nil {
		return err
	}
	bw.Write(env.Bytes()[len(open):])
	return bw.Flush()
}

// writeElements writes n values as the elements of an indented JSON array whose "[" is
// written, one encoded at a time, and its "]": the bytes encoding the array whole, at a
// depth whose fields are indented by indent, would give.
func writeElements(bw *bufio.Writer, indent string, n int, at func(int) any) error {
	elem := indent + "  "
	var one bytes.Buffer
	for i := 0; i < n; i++ {
		one.Reset()
		if err := encodeIndented(&one, elem, at(i)); err != nil {
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

// encodeIndented encodes v as the report's encoder does, each line after the first
// starting with prefix, followed by a newline.
func encodeIndented(w io.Writer, prefix string, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
