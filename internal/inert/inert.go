// Package inert makes untrusted strings (resource names, Terraform addresses, policy names,
// messages that quote them) inert in every format bulkhead writes by hand: Markdown (reports,
// PR comments, SARIF messages), terminals and logs, and HCL blocks a user pastes. A plan
// author who names a bucket "[x](https://evil)", "@org/team", "<img src=…>", "\x1b[2J" or
// "${file(\"~/.ssh/id_rsa\")}" gets text, never a link, a mention, markup, an escape
// sequence or an interpolation. (HTML and SVG use html/template and XML escaping.)
//
// Markdown:
// GitHub renders Markdown in two stages: CommonMark with the GFM extensions (autolinks for
// "www." and "scheme://", tables), then its own filters over the text nodes of the result
// (@mentions, #123 references). Backslash escapes only reach the first stage: "\@team" is
// still a mention. So Text escapes Markdown's punctuation with backslashes and breaks the
// second stage's triggers and the autolinks with a zero-width space (U+200B), which reads
// the same and matches nothing. Control characters (newlines, ESC, bidi overrides) become
// U+FFFD or a space, so a name cannot end a list item, a table row or a code fence.
package inert

import (
	"fmt"
	"strings"
)

const zwsp = "\u200b"

// Markdown is s as inert Markdown prose.
func Markdown(s string) string {
	s = clean(s)
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '_', '[', ']', '#', '|', '~':
			b.WriteByte('\\')
			b.WriteByte(c)
			if c == '#' && i+1 < len(s) && s[i+1] != ' ' {
				b.WriteString(zwsp) // "#123", "GH-1"-style references
			}
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			b.WriteString("@" + zwsp) // mentions, team mentions, e-mail autolinks
		case ':':
			b.WriteByte(':')
			if strings.HasPrefix(s[i+1:], "//") {
				b.WriteString(zwsp) // scheme:// autolinks
			}
		case 'w', 'W':
			b.WriteByte(c)
			if i+4 <= len(s) && strings.EqualFold(s[i:i+4], "www.") && (i == 0 || !isWord(s[i-1])) {
				b.WriteString(s[i+1 : i+3])
				b.WriteString(zwsp)
				i += 2 // "www" written; the '.' follows
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// MarkdownCell is s as inert text inside a GFM table cell.
func MarkdownCell(s string) string { return Markdown(s) }

// MarkdownCode is s as one inline code span, backticks included: nothing inside a code span is
// Markdown, so only the span's own delimiters and line breaks need care. inTable escapes
// pipes, which GFM reads as cell separators even inside a code span.
func MarkdownCode(s string, inTable bool) string {
	s = clean(s)
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

// Fence is the backtick fence for a code block holding lines: longer than any run of
// backticks in them, so none can close it.
func Fence(lines ...string) string {
	n := 2
	for _, l := range lines {
		n = max(n, longestRun(l, '`'))
	}
	return strings.Repeat("`", n+1)
}

// Line is s made safe as one line of a code block: control characters replaced.
func Line(s string) string { return clean(s) }

// clean replaces line breaks and tabs with a space, and every other control or bidi
// formatting character with U+FFFD.
func clean(s string) string {
	if !hasUnsafe(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case unsafeRune(r):
			return '\uFFFD'
		}
		return r
	}, s)
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// Terminal is s for a terminal or a CI log: line breaks, escape sequences, other control
// characters and bidi overrides are written as visible escapes (\n, \x1b, \u202e), so a
// name can neither add a line nor move the cursor, recolour or hide text.
func Terminal(s string) string {
	if !hasUnsafe(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unsafeRune(r) {
			b.WriteRune(r)
			continue
		}
		b.WriteString(escapeRune(r))
	}
	return b.String()
}

// TerminalLines is Terminal for text whose line breaks and tabs are its own (an error
// listing candidates one per line, indented): those are kept, every other control, escape
// or bidi character is written as a visible escape.
func TerminalLines(s string) string {
	if !hasUnsafe(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '\n' || r == '\t' || !unsafeRune(r) {
			b.WriteRune(r)
			continue
		}
		b.WriteString(escapeRune(r))
	}
	return b.String()
}

// HCLString is s as a quoted HCL string literal that reads back as s: quotes, backslashes
// and control characters escaped the way HCL's parser accepts them, and "${" and "%{"
// doubled so that pasting the block cannot interpolate or run a template directive.
func HCLString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && strings.HasPrefix(s[i+1:], "{"):
			b.WriteRune(r)
			b.WriteRune(r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hasUnsafe(s string) bool {
	for _, r := range s {
		if unsafeRune(r) {
			return true
		}
	}
	return false
}

func escapeRune(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	if r < 0x100 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
