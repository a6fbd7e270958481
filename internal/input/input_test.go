package input_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"

	"github.com/bulkhead-dev/bulkhead/internal/input"
)

func TestOpenRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	os.Symlink(loop, loop)
	for _, tc := range []struct {
		path string
		want error
		msg  string
	}{
		{"/dev/zero", input.ErrNotRegular, "a device"},
		{fifo, input.ErrNotRegular, "a FIFO"},
		{dir, input.ErrNotRegular, "a directory"},
		{big, input.ErrTooLarge, "more than the 10 bytes"},
		{loop, nil, "too many levels"},
		{filepath.Join(dir, "missing"), os.ErrNotExist, "no such file"},
	} {
		_, err := input.Open(tc.path, 10)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v", tc.path, err)
		}
	}
}

// TestLimitWhileReading: a file that grows past the limit after Stat (or standard input)
// fails the read past it.
func TestLimitWhileReading(t *testing.T) {
	old := input.Stdin
	defer func() { input.Stdin = old }()
	input.Stdin = strings.NewReader(strings.Repeat("x", 11))
	f, err := input.Open("-", 10)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	if !errors.Is(err, input.ErrTooLarge) || len(b) != 10 {
		t.Errorf("read %d bytes, err %v", len(b), err)
	}
	input.Stdin = strings.NewReader(strings.Repeat("x", 10))
	if b, err := input.ReadAll("-", 10); err != nil || len(b) != 10 {
		t.Errorf("at the limit: %d %v", len(b), err)
	}
}

func TestSeek(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, []byte("0123456789"), 0o600)
	f, err := input.Open(p, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for range 3 { // reading it again from the start is not reading past the limit
		b, err := io.ReadAll(f)
		if err != nil || string(b) != "0123456789" {
			t.Fatalf("%q %v", b, err)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
	}
}

func TestJSONGuard(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{`{"a": [1, -2.5e3, true, false, null, "x\"y"]}`, ""},
		{"\xEF\xBB\xBF{}", ""},
		{`{"a": "` + strings.Repeat("x", 100) + `"}`, "a string longer than 64 bytes at byte 71"},
		{`[` + strings.Repeat("1", 100) + `]`, "a value longer than 64 bytes"},
		{"\x00\x00\x00", `not JSON: byte '\x00' at byte 0`},
		{`{"a": 1} xyz`, `not JSON: byte 'x'`},
		{`{"a": "\u00e9 é \x00"}`, ""}, // anything goes inside a string
		// Escapes count as string bytes; the offset is the byte that makes it too long.
		{`{"a": "` + strings.Repeat(`x\"`, 22) + `y"}`, "a string longer than 64 bytes at byte 71"},
		{`{"a": "` + strings.Repeat(`x\\`, 22) + `", "b": 1}`, "a string longer than 64 bytes at byte 71"},
		{`{"a": "` + strings.Repeat(`\"x`, 21) + `", "b": "` + strings.Repeat("z", 64) + `"}`, ""},
	} {
		// Whole, and a byte at a time: the guard's skip over string bytes must not depend
		// on where reads end.
		for _, r := range []io.Reader{strings.NewReader(tc.in), iotest.OneByteReader(strings.NewReader(tc.in)), iotest.HalfReader(strings.NewReader(tc.in))} {
			_, err := io.Copy(io.Discard, input.JSONGuard(r, 64))
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("%.40q: %v, want %q", tc.in, err, tc.want)
			}
		}
	}
	// Seek to the start reads afresh.
	g := input.JSONGuard(bytes.NewReader([]byte(`{"a":1}`)), 64)
	io.Copy(io.Discard, g)
	if _, err := g.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(g); err != nil || string(b) != `{"a":1}` {
		t.Errorf("after seek: %q %v", b, err)
	}
}
