package terraform

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

// The stream finds each value's end wherever the reads cut it: in the middle of a string,
// right after a backslash, between the two bytes of an escaped quote.
func TestStreamValueBoundaries(t *testing.T) {
	vals := []string{
		`"plain"`,
		`"esc\"aped \\" `,
		`{"a":"x\\\"}y","b":["]",{"c":"\\"}]}`,
		`[` + `"` + strings.Repeat(`ab\"`, 30000) + `"` + `]`, // longer than the first buffer
		`123`,
		`{"k":"` + strings.Repeat("x", 70000) + `\\"}`,
	}
	doc := strings.Join(vals, " , ")
	for name, mk := range map[string]func() *stream{
		"whole":    func() *stream { return newStream(strings.NewReader(doc)) },
		"one byte": func() *stream { return newStream(iotest.OneByteReader(strings.NewReader(doc))) },
		"halves":   func() *stream { return newStream(iotest.HalfReader(strings.NewReader(doc))) },
	} {
		s := mk()
		for i, want := range vals {
			got, err := s.value()
			if err != nil {
				t.Fatalf("%s: value %d: %v", name, i, err)
			}
			if !bytes.Equal(got, []byte(strings.TrimSpace(want))) {
				t.Fatalf("%s: value %d: got %.80q, want %.80q", name, i, got, want)
			}
			if i < len(vals)-1 {
				if err := s.expect(','); err != nil {
					t.Fatalf("%s: after value %d: %v", name, i, err)
				}
			}
		}
		if !s.atEnd() {
			t.Fatalf("%s: not at the end", name)
		}
	}
}
