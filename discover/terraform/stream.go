package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/internal/jsonscan"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/internal/input"
)

// stream reads one JSON document from an io.Reader value by value, with its own buffer:
// it finds the end of each value with a byte scan (strings, escapes, nesting), hands out
// the value's bytes in a reused buffer, and validates them with json.Valid. The state
// reader uses it to read the top level and one resource at a time, so memory stays
// bounded by the largest resource, not the file.
type stream struct {
	r    io.Reader
	buf  []byte
	pos  int
	end  int
	off  int64 // file offset of buf[0]
	eof  bool
	rerr error
	val  []byte
}

func newStream(r io.Reader) *stream { return &stream{r: r, buf: make([]byte, 1<<16)} }

// offset is the file offset of the next unread byte.
func (s *stream) offset() int64 { return s.off + int64(s.pos) }

func (s *stream) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.off += int64(s.pos)
		s.pos, s.end = 0, n
	}
	if s.end == len(s.buf) {
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

func (s *stream) errEOF() error {
	if errors.Is(s.rerr, input.ErrNotJSON) {
		return fmt.Errorf("%w: %w", tfmap.ErrNotTerraform, s.rerr)
	}
	if s.rerr != nil {
		return fmt.Errorf("read state: %w", s.rerr)
	}
	return fmt.Errorf("%w: the JSON ends early at byte %d (truncated file?)", tfmap.ErrNotTerraform, s.offset())
}

func (s *stream) syntax(what string) error {
	return fmt.Errorf("%w: invalid JSON at byte %d: %s", tfmap.ErrNotTerraform, s.offset(), what)
}

// peek skips whitespace and returns the next byte without consuming it.
func (s *stream) peek() (byte, error) {
	for {
		for s.pos < s.end {
			switch c := s.buf[s.pos]; c {
			case ' ', '\n', '\r', '\t':
				s.pos++
			default:
				return c, nil
			}
		}
		if !s.fill() {
			return 0, s.errEOF()
		}
	}
}

// expect consumes the next non-space byte, which must be c.
func (s *stream) expect(c byte) error {
	got, err := s.peek()
	if err != nil {
		return err
	}
	if got != c {
		return s.syntax(fmt.Sprintf("expected %q, found %q", c, got))
	}
	s.pos++
	return nil
}

// atEnd reports whether only whitespace remains.
func (s *stream) atEnd() bool {
	_, err := s.peek()
	return err != nil && s.rerr == nil
}

// value reads the next value and returns its bytes (valid until the next call).
func (s *stream) value() ([]byte, error) {
	if _, err := s.peek(); err != nil {
		return nil, err
	}
	start := s.offset()
	s.val = s.val[:0]
	depth, inStr, esc := 0, false, false
	first := s.buf[s.pos]
	scalar := first != '{' && first != '[' && first != '"'
	for {
		i := s.pos
		for ; i < s.end; i++ {
			c := s.buf[i]
			if inStr {
				if !esc && c != '\\' && c != '"' {
					// Jump to the next quote or backslash: strings are most of a state's
					// bytes, and IndexByte scans them many bytes at a time.
					j := bytes.IndexByte(s.buf[i:s.end], '"')
					if j < 0 {
						j = s.end - i
					}
					if k := bytes.IndexByte(s.buf[i:i+j], '\\'); k >= 0 {
						j = k
					}
					i += j - 1 // the loop's i++ lands on the quote or backslash (or the end)
					continue
				}
				switch {
				case esc:
					esc = false
				case c == '\\':
					esc = true
				case c == '"':
					inStr = false
					if depth == 0 {
						s.val = append(s.val, s.buf[s.pos:i+1]...)
						s.pos = i + 1
						return s.check(start)
					}
				}
				continue
			}
			if scalar {
				switch c {
				case ',', '}', ']', ' ', '\n', '\r', '\t':
					s.val = append(s.val, s.buf[s.pos:i]...)
					s.pos = i
					return s.check(start)
				}
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.val = append(s.val, s.buf[s.pos:i+1]...)
					s.pos = i + 1
					return s.check(start)
				}
				if depth < 0 {
					return nil, s.syntax("unbalanced brackets")
				}
			}
		}
		s.val = append(s.val, s.buf[s.pos:s.end]...)
		s.pos = s.end
		if !s.fill() {
			if s.rerr != nil { // a read error (or the input guard's refusal), not the end
				return nil, s.errEOF()
			}
			if scalar && len(s.val) > 0 {
				return s.check(start)
			}
			return nil, fmt.Errorf("%w: the JSON ends early: the value starting at byte %d is cut off (truncated file?)", tfmap.ErrNotTerraform, start)
		}
	}
}

func (s *stream) check(start int64) ([]byte, error) {
	if !jsonscan.Valid(s.val) {
		var x any
		err := json.Unmarshal(s.val, &x)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: invalid JSON at byte %d: %v", tfmap.ErrNotTerraform, start+se.Offset, se)
		}
		return nil, fmt.Errorf("%w: invalid JSON in the value starting at byte %d", tfmap.ErrNotTerraform, start)
	}
	return s.val, nil
}

// key reads an object key and the colon after it.
func (s *stream) key() (string, error) {
	c, err := s.peek()
	if err != nil {
		return "", err
	}
	if c != '"' {
		return "", s.syntax(fmt.Sprintf("expected a key, found %q", c))
	}
	v, err := s.value()
	if err != nil {
		return "", err
	}
	var k string
	if err := json.Unmarshal(v, &k); err != nil {
		return "", s.syntax("bad key")
	}
	return k, s.expect(':')
}

// next consumes the separator after a member or element: it reports false at the closing
// byte close.
func (s *stream) next(close byte) (bool, error) {
	c, err := s.peek()
	if err != nil {
		return false, err
	}
	s.pos++
	switch c {
	case ',':
		return true, nil
	case close:
		return false, nil
	}
	return false, s.syntax(fmt.Sprintf("expected ',' or %q, found %q", close, c))
}
