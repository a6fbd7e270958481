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
	// The report without its findings: everything but the array, in field order.
	head := *rep
	head.Findings = []analyze.Finding{}
	var env bytes.Buffer
	if err := jsonstream.Encode(&env, "", &head); err != nil {
		return err
	}
	schema, err := json.Marshal(rep.Schema)
	if err != nil {
		return err
	}
	open := []byte("{\n  \"schema\": " + string(schema) + ",\n  \"findings\": []")
	if len(rep.Findings) == 0 || !bytes.HasPrefix(env.Bytes(), open) {
		return jsonstream.Encode(w, "", rep)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(open[:len(open)-1]) // up to and including "["
	if err := jsonstream.Elements(bw, "  ", len(rep.Findings), func(i int) any { return &rep.Findings[i] }); err != nil {
		return err
	}
	bw.Write(env.Bytes()[len(open):])
	return bw.Flush()
}
