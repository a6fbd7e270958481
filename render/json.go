package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/internal/jsonstream"
)

// JSON writes the report as indented JSON ("schema": "bulkhead.report/v1"). Field order
// is fixed by the structs and map keys are sorted, so the same report gives the same bytes.
//
// The findings are written one at a time: a report of a large estate runs to tens of
// megabytes of JSON, and encoding it whole would hold all of it (and the copies its growing
// buffer leaves behind) in memory at once. The bytes are those of encoding the report whole.
func JSON(w io.Writer, rep *analyze.Report, _ Options) error {
	head := *rep
	head.Findings = []analyze.Finding{}
	return withElements(w, rep, &head, rep.Schema, "findings", len(rep.Findings), func(i int) any { return &rep.Findings[i] })
}

// withElements writes doc, whose second member (after "schema") is the array named member,
// as encoding/json indents it whole, but with the array's n elements encoded one at a time.
// head is doc with that array empty.
func withElements(w io.Writer, doc, head any, schema, member string, n int, at func(int) any) error {
	var env bytes.Buffer
	if err := jsonstream.Encode(&env, "", head); err != nil {
		return err
	}
	sch, err := json.Marshal(schema)
	if err != nil {
		return err
	}
	open := []byte("{\n  \"schema\": " + string(sch) + ",\n  \"" + member + "\": []")
	if n == 0 || !bytes.HasPrefix(env.Bytes(), open) {
		return jsonstream.Encode(w, "", doc)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(open[:len(open)-1]) // up to and including "["
	if err := jsonstream.Elements(bw, "  ", n, at); err != nil {
		return err
	}
	bw.Write(env.Bytes()[len(open):])
	return bw.Flush()
}
