// Command gentree writes the benchmark tree of docs/bench-workdir.md: a monorepo-like
// directory of generated source, data and dependency files with fake credentials
// sprinkled in the files credentials are kept in (.env, tfvars, compose, CI, MCP config)
// and, for the secret scanner to find, in some source files. By default the generated text
// is dense in the words secret scanners key on (token, key, secret, password), which makes
// their rules run on nearly every file; -plain leaves those words out. It is deterministic: the
// same flags write the same bytes.
//
//	go run ./discover/workdir/internal/gentree -dir /tmp/bh-tree -files 100000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	dir := flag.String("dir", "", "directory to write (must not exist)")
	files := flag.Int("files", 100000, "number of files")
	seed := flag.Int64("seed", 1, "random seed")
	plain := flag.Bool("plain", false, "leave secret-scanner keywords (token, key, secret, password, ...) out of the generated text")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "gentree: -dir is required")
		os.Exit(2)
	}
	if _, err := os.Stat(*dir); err == nil {
		fmt.Fprintf(os.Stderr, "gentree: %s exists\n", *dir)
		os.Exit(2)
	}
	if *plain {
		var kept []string
		for _, w := range words {
			switch w {
			case "token", "key", "secret", "password", "account", "user":
				continue
			}
			kept = append(kept, w)
		}
		words = kept
	}
	n, bytes, creds, err := generate(*dir, *files, *seed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d files, %.2f GB, %d credentials in credential files, %d in source files\n", n, float64(bytes)/1e9, creds[0], creds[1])
}

var words = strings.Fields(`func return if else for range var const type struct interface map string int error nil
import package defer go select case switch default break continue make new append len cap copy delete
client server request response handler config options context cancel timeout retry backoff logger
user account project environment service volume backup snapshot token key secret password cache
query mutation schema field value name id created updated deleted status result items count total`)

// corpus is 4 MiB of code-like text that file contents are cut from.
func corpus(r *rand.Rand) string {
	var b strings.Builder
	for b.Len() < 4<<20 {
		indent := strings.Repeat("\t", r.Intn(4))
		n := 3 + r.Intn(10)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[r.Intn(len(words))]
		}
		b.WriteString(indent + strings.Join(ws, " ") + "\n")
	}
	return b.String()
}

func sizeOf(r *rand.Rand) int {
	switch p := r.Intn(100); {
	case p < 40:
		return 1<<10 + r.Intn(2<<10)
	case p < 70:
		return 6<<10 + r.Intn(8<<10)
	case p < 90:
		return 20<<10 + r.Intn(20<<10)
	case p < 99:
		return 60<<10 + r.Intn(40<<10)
	}
	return 300<<10 + r.Intn(500<<10)
}

// Fake credentials: shapes real detectors recognise, values never issued.
func uuid(r *rand.Rand) string {
	const hex = "0123456789abcdef"
	b := []byte("xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx")
	for i := range b {
		if b[i] == 'x' {
			b[i] = hex[r.Intn(16)]
		}
	}
	return string(b)
}

func randStr(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

func akid(r *rand.Rand) string { return "AKIA" + randStr(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) }
func awsSecret(r *rand.Rand) string {
	return randStr(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40)
}
func ghp(r *rand.Rand) string {
	return "ghp_" + randStr(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36)
}

func generate(root string, total int, seed int64) (files int, bytes int64, creds [2]int, err error) {
	r := rand.New(rand.NewSource(seed))
	text := corpus(r)
	write := func(rel, content string) {
		if err != nil {
			return
		}
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err = os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return
		}
		var f *os.File
		if f, err = os.Create(p); err != nil {
			return
		}
		w := bufio.NewWriterSize(f, 64<<10)
		_, err = w.WriteString(content)
		if e := w.Flush(); err == nil {
			err = e
		}
		if e := f.Close(); err == nil {
			err = e
		}
		files++
		bytes += int64(len(content))
	}
	cut := func(n int) string {
		start := r.Intn(len(text) - n - 1)
		if i := strings.IndexByte(text[start:], '\n'); i >= 0 {
			start += i + 1
		}
		if start+n > len(text) {
			start = len(text) - n
		}
		return text[start : start+n]
	}
	services := max(total/500, 1)
	exts := []string{".go", ".ts", ".py", ".md", ".json", ".yaml", ".txt", ".sql"}
	for s := 0; s < services && err == nil; s++ {
		svc := fmt.Sprintf("services/svc-%03d", s)
		// The files credentials are kept in.
		env := "staging"
		if s%3 == 0 {
			env = "production"
		}
		write(svc+"/.env", fmt.Sprintf("RAILWAY_ENVIRONMENT=%s\nRAILWAY_API_TOKEN=%s\nDATABASE_URL=${{Postgres.DATABASE_URL}}\n", env, uuid(r)))
		write(svc+"/.env."+env, fmt.Sprintf("AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n", akid(r), awsSecret(r)))
		write(svc+"/deploy/"+env+".tfvars", fmt.Sprintf("region = \"us-east-1\"\nrailway_token = \"%s\"\n", uuid(r)))
		write(svc+"/docker-compose.yml", fmt.Sprintf("services:\n  app:\n    environment:\n      - RAILWAY_TOKEN=%s\n", uuid(r)))
		write(svc+"/.github/workflows/deploy.yml", "jobs:\n  deploy:\n    steps:\n      - run: railway up\n        env:\n          RAILWAY_TOKEN: ${{ secrets.RAILWAY_TOKEN }}\n")
		write(svc+"/.mcp.json", fmt.Sprintf("{\"mcpServers\":{\"gh\":{\"env\":{\"GITHUB_PERSONAL_ACCESS_TOKEN\":\"%s\"}}}}\n", ghp(r)))
		creds[0] += 5
	}
	fixed := files
	for i := 0; i < total-fixed && err == nil; i++ {
		s := r.Intn(services)
		var rel string
		if r.Intn(5) == 0 { // a fifth of the files are dependencies
			rel = fmt.Sprintf("services/svc-%03d/node_modules/dep%02d/lib/f%05d.js", s, r.Intn(30), i)
		} else {
			rel = fmt.Sprintf("services/svc-%03d/src/pkg%02d/f%05d%s", s, r.Intn(20), i, exts[r.Intn(len(exts))])
		}
		content := cut(sizeOf(r))
		if r.Intn(200) == 0 { // a hard-coded key in source: the secret scanner's job
			content = "const awsKey = \"" + akid(r) + "\"\nconst ghToken = \"" + ghp(r) + "\"\n" + content
			creds[1] += 2
		}
		write(rel, content)
	}
	return files, bytes, creds, err
}
