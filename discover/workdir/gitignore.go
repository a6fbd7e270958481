package workdir

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"
)

// ignoreRule is one .gitignore line, compiled. bulkhead uses .gitignore as information
// only: an ignored .env is exactly the file an agent reads, so ignored files are scanned
// like any other and marked "gitignored" (the usual reason a secret sits there).
type ignoreRule struct {
	base    string // directory of the .gitignore, relative to the root ("." at the root)
	re      *regexp.Regexp
	negate  bool
	dirOnly bool
}

// parseGitignore compiles the patterns of one .gitignore in directory base. It supports
// what real files use: negation, anchoring with a slash, trailing-slash directories, *, ?,
// character classes and **. Malformed patterns are dropped.
func parseGitignore(base string, data []byte) []ignoreRule {
	var out []ignoreRule
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{base: base}
		if strings.HasPrefix(line, "!") {
			r.negate, line = true, line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly, line = true, strings.TrimSuffix(line, "/")
		}
		anchored := strings.Contains(line, "/")
		line = strings.TrimPrefix(line, "/")
		if line == "" {
			continue
		}
		expr := globToRegexp(line)
		if !anchored {
			expr = "(?:.*/)?" + expr
		}
		re, err := regexp.Compile("^" + expr + "$")
		if err != nil {
			continue
		}
		r.re = re
		out = append(out, r)
	}
	return out
}

func globToRegexp(g string) string {
	var b strings.Builder
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch {
		case c == '*' && i+1 < len(g) && g[i+1] == '*':
			i++
			if i+1 < len(g) && g[i+1] == '/' {
				i++
				b.WriteString("(?:.*/)?")
			} else {
				b.WriteString(".*")
			}
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			j := strings.IndexByte(g[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := g[i+1 : i+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j
		case c == '\\' && i+1 < len(g):
			i++
			b.WriteString(regexp.QuoteMeta(string(g[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// ignored reports whether rel (a file) is ignored by the rules, checking its parent
// directories first as git does (a file in an ignored directory is ignored).
func ignored(rules []ignoreRule, rel string) bool {
	if len(rules) == 0 {
		return false
	}
	dirs := strings.Split(rel, "/")
	for i := 1; i < len(dirs); i++ {
		if match(rules, strings.Join(dirs[:i], "/"), true) {
			return true
		}
	}
	return match(rules, rel, false)
}

func match(rules []ignoreRule, rel string, isDir bool) bool {
	res := false
	for _, r := range rules {
		if r.dirOnly && !isDir {
			continue
		}
		sub := rel
		if r.base != "." {
			if !strings.HasPrefix(rel, r.base+"/") {
				continue
			}
			sub = strings.TrimPrefix(rel, r.base+"/")
		}
		if r.re.MatchString(sub) {
			res = !r.negate
		}
	}
	return res
}
