// Package hclguard checks HCL source (bulkhead.hcl, .tf files) for shapes that make
// hashicorp/hcl's parser fail badly, before it parses: nesting so deep that its recursive
// descent overflows the stack (100,000 nested parentheses in a 200 KB file end the process),
// and heredocs so long that it takes quadratic time over them (a 10 MB heredoc takes minutes).
//
// The check is a cheap scan, linear in the input: it follows comments, quoted strings,
// heredocs and template interpolations (${ } and %{ }), and counts how deeply brackets and
// interpolations nest outside strings. It does not validate anything else; the parser does.
// Limits are far above what real configuration uses (Terraform configurations nest a few
// levels; their heredocs hold scripts and policies of a few KiB).
package hclguard

import (
	"bytes"
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// Limits.
const (
	MaxDepth   = 256       // brackets, braces, parentheses and interpolations, nested
	MaxHeredoc = 256 << 10 // bytes in one heredoc: parse time grows with its square
)

// Error says where the source exceeds a limit.
type Error struct {
	Line, Column int
	Msg          string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg) }

type frameKind uint8

const (
	exprFrame frameKind = iota // inside ( [ { or ${ %{
	quotedFrame
	heredocFrame
)

type frame struct {
	kind      frameKind
	marker    []byte // heredoc
	start     int    // heredoc: offset of its first content byte
	line, col int    // heredoc: where it starts
}

// Check scans src and returns an *Error for the first limit it exceeds.
func Check(src []byte) error {
	var stack []frame
	line, lineStart := 1, 0
	errAt := func(i int, format string, args ...any) error {
		return &Error{Line: line, Column: i - lineStart + 1, Msg: fmt.Sprintf(format, args...)}
	}
	push := func(i int, f frame) error {
		stack = append(stack, f)
		if len(stack) > MaxDepth {
			return errAt(i, "nested more than %d levels deep (brackets, braces, parentheses or interpolations): not configuration bulkhead reads", MaxDepth)
		}
		return nil
	}
	top := func() frameKind {
		if len(stack) == 0 {
			return exprFrame
		}
		return stack[len(stack)-1].kind
	}
	newline := func(i int) { line, lineStart = line+1, i+1 }
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch top() {
		case quotedFrame:
			switch {
			case c == '\\':
				i++
			case c == '"':
				stack = stack[:len(stack)-1]
			case c == '\n': // an unterminated string: the parser reports it
				stack = stack[:len(stack)-1]
				newline(i)
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == c && i+2 < len(src) && src[i+2] == '{':
				i += 2 // $${ and %%{ are literal
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == '{':
				if err := push(i, frame{kind: exprFrame}); err != nil {
					return err
				}
				i++
			}
			continue
		case heredocFrame:
			f := stack[len(stack)-1]
			switch {
			case c == '\n':
				newline(i)
				rest := src[i+1:]
				end := bytes.IndexByte(rest, '\n')
				if end < 0 {
					end = len(rest)
				}
				if bytes.Equal(bytes.TrimSpace(bytes.TrimSuffix(rest[:end], []byte("\r"))), f.marker) {
					stack = stack[:len(stack)-1]
					i += end // the marker line; its newline is read next
				}
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == c && i+2 < len(src) && src[i+2] == '{':
				i += 2
			case (c == '$' || c == '%') && i+1 < len(src) && src[i+1] == '{':
				if err := push(i, frame{kind: exprFrame}); err != nil {
					return err
				}
				i++
			}
			if len(stack) > 0 && stack[len(stack)-1].kind == heredocFrame && i-f.start > MaxHeredoc {
				return &Error{Line: f.line, Column: f.col, Msg: fmt.Sprintf("a heredoc longer than %d KiB: not configuration bulkhead reads (hashicorp/hcl parses long heredocs in quadratic time)", MaxHeredoc>>10)}
			}
			continue
		}
		// An expression (or the top level).
		switch c {
		case '\n':
			newline(i)
		case '#':
			i = skipLine(src, i) - 1
		case '/':
			if i+1 < len(src) && src[i+1] == '/' {
				i = skipLine(src, i) - 1
			} else if i+1 < len(src) && src[i+1] == '*' {
				j := bytes.Index(src[i+2:], []byte("*/"))
				end := len(src)
				if j >= 0 {
					end = i + 2 + j + 2
				}
				for k := i; k < end; k++ {
					if src[k] == '\n' {
						newline(k)
					}
				}
				i = end - 1
			}
		case '"':
			if err := push(i, frame{kind: quotedFrame}); err != nil {
				return err
			}
		case '(', '[', '{':
			if err := push(i, frame{kind: exprFrame}); err != nil {
				return err
			}
		case ')', ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case '<':
			if marker, n := heredocStart(src[i:]); n > 0 {
				if err := push(i, frame{kind: heredocFrame, marker: marker, start: i + n, line: line, col: i - lineStart + 1}); err != nil {
					return err
				}
				i += n - 2 // stop before the newline, which the heredoc frame reads
			}
		}
	}
	return nil
}

// skipLine returns the offset of the newline ending the line at i (or len(src)).
func skipLine(src []byte, i int) int {
	j := bytes.IndexByte(src[i:], '\n')
	if j < 0 {
		return len(src)
	}
	return i + j
}

// heredocStart recognises <<MARKER or <<-MARKER followed by a newline, and returns the
// marker and the length of the introducer including the newline.
func heredocStart(b []byte) ([]byte, int) {
	if len(b) < 3 || b[0] != '<' || b[1] != '<' {
		return nil, 0
	}
	j := 2
	if j < len(b) && b[j] == '-' {
		j++
	}
	k := j
	for k < len(b) && (b[k] == '_' || b[k] == '-' || b[k] >= 'a' && b[k] <= 'z' || b[k] >= 'A' && b[k] <= 'Z' || b[k] >= '0' && b[k] <= '9' || b[k] >= 0x80) {
		k++
	}
	if k == j {
		return nil, 0
	}
	m := k
	if m < len(b) && b[m] == '\r' {
		m++
	}
	if m >= len(b) || b[m] != '\n' {
		return nil, 0
	}
	return b[j:k], m + 1
}

// Diagnose is Check as HCL diagnostics, pointing at filename:line:column, or nil.
func Diagnose(src []byte, filename string) hcl.Diagnostics {
	err := Check(src)
	if err == nil {
		return nil
	}
	e := err.(*Error)
	pos := hcl.Pos{Line: e.Line, Column: e.Column}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Input too complex to read",
		Detail:   e.Msg + ".",
		Subject:  &hcl.Range{Filename: filename, Start: pos, End: pos},
	}}
}
