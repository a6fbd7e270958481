package render

import (
	"encoding/json"
	"io"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// JSON writes the report as indented JSON ("schema": "bulkhead.report/v1"). Field order
// is fixed by the structs and map keys are sorted, so the same report gives the same bytes.
func JSON(w io.Writer, rep *analyze.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
