package terraform

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/analyze"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
)

func TestTmpSplit(t *testing.T) {
	p := os.Getenv("SPLIT")
	if p == "" {
		t.Skip()
	}
	for i := 0; i < 2; i++ {
		t0 := time.Now()
		f, _ := os.Open(p)
		b := tfmap.NewBuilder(tfmap.Options{Source: "tfstate", Target: p})
		if _, err := ReadState(context.Background(), f, b); err != nil {
			t.Fatal(err)
		}
		t1 := time.Now()
		g, err := b.Graph()
		if err != nil {
			t.Fatal(err)
		}
		t2 := time.Now()
		g.Index()
		t3 := time.Now()
		analyze.Run(g, analyze.Options{Now: testNow})
		t4 := time.Now()
		t.Logf("read %v graph %v index %v analyze %v (res %d edges %d)", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), g.Len(), g.EdgeCount())
	}
}
