package analyze_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// FuzzReadBaseline: any bytes given as --baseline are read or refused with ErrBaseline,
// never a panic; a baseline that reads has a fingerprint for every entry and writes back
// to a baseline that reads the same.
func FuzzReadBaseline(f *testing.F) {
	f.Add([]byte(`{"schema":"bulkhead.baseline/v1","findings":[{"fingerprint":"abc","rule":"BH002","resource":"r","message":"m"}]}`))
	f.Add([]byte(`{"schema":"bulkhead.baseline/v1","findings":null}`))
	f.Add([]byte(`{"schema":"other"}`))
	f.Add([]byte("\xff\xfe{\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := analyze.ReadBaseline(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, analyze.ErrBaseline) {
				t.Fatalf("error does not wrap ErrBaseline: %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := b.Write(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := analyze.ReadBaseline(&buf)
		if err != nil {
			t.Fatalf("written baseline does not read back: %v", err)
		}
		for _, e := range b.Findings {
			if !again.Has(e.Fingerprint) {
				t.Fatalf("fingerprint %q lost in the round trip", e.Fingerprint)
			}
		}
	})
}
