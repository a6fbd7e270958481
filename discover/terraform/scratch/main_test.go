package scratch
import (
  "context"; "fmt"; "path/filepath"; "testing"
  "github.com/bulkhead-dev/bulkhead/discover/terraform/tfplan"
)
func TestPlans(t *testing.T) {
  fs, _ := filepath.Glob("/work/shared/corpus/plan/*")
  for _, f := range fs {
    p, err := tfplan.Read(context.Background(), f)
    if err != nil { fmt.Println(filepath.Base(f), "ERR", err); continue }
    fmt.Println(filepath.Base(f), p.FormatVersion, p.Before.Len(), p.After.Len(), p.After.EdgeCount(), len(p.Changes), p.After.Sources[0].Counts)
  }
}
