package terraform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// withDecoders runs f with n decoding goroutines, whatever the machine's cores (CI has
// two, which gives one decoder: the ordering below is only tested with several).
func withDecoders(t *testing.T, n int) {
	t.Helper()
	old := decoders
	decoders = func() int { return n }
	t.Cleanup(func() { decoders = old })
}

// TestParallelDecodeSameGraph: a state decoded by one goroutine and by several gives the
// same snapshot, byte for byte (instances reach the builder in the file's order).
func TestParallelDecodeSameGraph(t *testing.T) {
	o, err := tfgen.ParseShape("realistic")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tfgen.WriteOptions(&buf, 3000, 7, o); err != nil {
		t.Fatal(err)
	}
	p := writeTemp(t, "terraform.tfstate", buf.Bytes())
	snap := func(n int) []byte {
		withDecoders(t, n)
		g, err := LoadState(context.Background(), p, "")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := graph.WriteSnapshot(&out, g); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	want := snap(1)
	// One batch in flight at a time (the budget is one byte): the same graph, no deadlock.
	old := maxDecodeInFlight
	maxDecodeInFlight = 1
	if got := snap(4); !bytes.Equal(got, want) {
		t.Fatal("one batch in flight: snapshot differs from one decoder's")
	}
	maxDecodeInFlight = old
	for _, n := range []int{2, 3, 8} {
		for range 3 {
			if got := snap(n); !bytes.Equal(got, want) {
				t.Fatalf("%d decoders: snapshot differs from one decoder's (%d bytes against %d)", n, len(got), len(want))
			}
		}
	}
}

// TestParallelDecodeFirstError: with several decoders, the error reported is the first
// bad resource's in the file, every time, and nothing after it is mapped.
func TestParallelDecodeFirstError(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"version": 4, "resources": [`)
	var firstBad, cut int
	for i := range 400 {
		if i == 160 {
			cut = sb.Len()
		}
		if i > 0 {
			sb.WriteString(",\n")
		}
		switch i {
		case 150:
			firstBad = sb.Len() - 1 // the offset before the value's leading white space
			sb.WriteString(`{"mode": "managed", "name": "no_type", "instances": []}`)
		case 151, 390:
			sb.WriteString(`{"mode": "managed", "type": "aws_s3_bucket", "instances": []}`)
		default:
			fmt.Fprintf(&sb, `{"mode": "managed", "type": "aws_s3_bucket", "name": "b%d", "instances": [{"attributes": {"bucket": "b%d", "arn": "arn:aws:s3:::b%d"}}]}`, i, i, i)
		}
	}
	good := sb.String() + "]}"
	// The first 160 elements, then bytes that are no JSON: the bad element before them
	// still gives the error (the reader stops at the syntax error, but judges what came
	// first, also when it shares the syntax error's batch).
	broken := sb.String()[:cut] + `, {"mode": "managed", "type": ]}`
	want := fmt.Sprintf("resource at byte %d:", firstBad)
	for _, data := range []string{good, broken} {
		p := filepath.Join(t.TempDir(), "terraform.tfstate")
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 4} {
			withDecoders(t, n)
			for range 20 {
				_, err := LoadState(context.Background(), p, "")
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("%d decoders: error %v, want one containing %q", n, err, want)
				}
			}
		}
	}
}

// TestParallelDecodeCancel: a cancelled context stops the reader, whatever the number of
// decoders, with the context's error.
func TestParallelDecodeCancel(t *testing.T) {
	var buf bytes.Buffer
	if err := tfgen.Write(&buf, 2000, 1); err != nil {
		t.Fatal(err)
	}
	p := writeTemp(t, "terraform.tfstate", buf.Bytes())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	withDecoders(t, 4)
	if _, err := LoadState(ctx, p, ""); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}
