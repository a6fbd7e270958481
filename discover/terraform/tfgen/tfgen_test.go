package tfgen

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// The default output is what the published benchmarks and docs were measured on: its bytes
// must not change (hashes of the output before the shapes were added).
func TestDefaultBytes(t *testing.T) {
	for _, c := range []struct {
		n    int
		seed int64
		sum  string
	}{
		{1, 1, "af2635e62324b185120968ee89d74d7801e2709596c8a5f40e0005342f0bdf0d"},
		{7, 1, "a3f852af640cf70ed67f06a5b90c8de212d23f42cfaba8b080d3ef54f7846710"},
		{22, 1, "3f8181d33cceb532461faee129aba288a93468c6ccda7a1d0050ea2a6ab6b7b2"},
		{1000, 1, "b7b626607c6eafffd823655cfe5a0e43b312d2a1de8df465af4b50a9b43f76f5"},
		{10000, 1, "f7e0ef77edc1f3484bab4a920416f5c86e1687027c7009ced23755d855349f97"},
		{1000, 7, "e1bb37d2bdc104eb3602afc53cb9c05039b97296ca4e806761e7e4d2ed880d4f"},
	} {
		h := sha256.New()
		if err := Write(h, c.n, c.seed); err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != c.sum {
			t.Errorf("Write(n=%d, seed=%d): sha256 %s, want %s", c.n, c.seed, got, c.sum)
		}
	}
}
