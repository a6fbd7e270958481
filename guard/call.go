package guard

import (
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"mvdan.cc/sh/v3/syntax"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// Op is one destructive operation recognised in a tool call.
type Op struct {
	// Name says what was recognised: "railway volume delete", "GraphQL volumeDelete".
	Name string `json:"operation"`
	// Targets are what it deletes, as the call names them.
	Targets []Target `json:"targets,omitempty"`
	// Whole is set for an operation on everything a tool manages (terraform destroy with
	// no -target): every Terraform-managed data resource in the graph is a target.
	Whole bool `json:"whole,omitempty"`
	// NoData, when set, says why the operation deletes no data (railway down removes a
	// deployment, not a volume).
	NoData string `json:"no_data,omitempty"`
}

// Recognize returns the destructive operations in a tool call: the tool's name as the
// agent reports it (Bash, mcp__railway__volume_delete, ...) and its JSON input. A call
// with none returns nil: it is none of bulkhead's business.
func Recognize(tool string, input json.RawMessage) []Op {
	var in map[string]any
	_ = json.Unmarshal(input, &in) // a tool input that is not an object has no named fields
	if cmd, ok := in["command"].(string); ok && isShellTool(tool) {
		return RecognizeShell(cmd)
	}
	if server, name, ok := mcpTool(tool); ok {
		if server == "bulkhead" {
			return nil // our own tools only read
		}
		return recognizeMCP(name, in)
	}
	// Any other tool carrying a GraphQL document (an HTTP client tool).
	if q, ok := in["query"].(string); ok {
		vars, _ := in["variables"].(map[string]any)
		return recognizeGraphQL(q, vars)
	}
	return nil
}

func isShellTool(tool string) bool {
	switch strings.ToLower(tool) {
	case "bash", "shell", "run_terminal_cmd", "terminal", "exec", "run_shell_command", "":
		return true
	}
	return false
}

// mcpTool splits mcp__<server>__<tool>.
func mcpTool(tool string) (server, name string, ok bool) {
	rest, ok := strings.CutPrefix(tool, "mcp__")
	if !ok {
		return "", "", false
	}
	server, name, ok = strings.Cut(rest, "__")
	return server, name, ok
}

var destructiveWord = regexp.MustCompile(`(?i)(delete|destroy|remove|drop|wipe|purge|erase|teardown|tear_down)`)

// recognizeMCP reads an MCP tool call: a tool whose name says it deletes, with the target
// in its arguments. The Railway MCP server's tools and any other follow the same shape.
func recognizeMCP(name string, in map[string]any) []Op {
	if !destructiveWord.MatchString(name) {
		return nil
	}
	lname := strings.ToLower(name)
	var kinds []graph.Kind
	switch {
	case strings.Contains(lname, "backup"):
		kinds = []graph.Kind{graph.Backup}
	case strings.Contains(lname, "volume"):
		kinds = []graph.Kind{graph.Volume}
	case strings.Contains(lname, "environment"):
		kinds = []graph.Kind{graph.Environment}
	case strings.Contains(lname, "project"):
		kinds = []graph.Kind{graph.Project}
	case strings.Contains(lname, "database") || strings.Contains(lname, "db"):
		kinds = []graph.Kind{graph.Database}
	case strings.Contains(lname, "bucket"):
		kinds = []graph.Kind{graph.Bucket}
	}
	op := Op{Name: "MCP tool " + name}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		nk := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
		if !strings.HasSuffix(nk, "id") && !strings.HasSuffix(nk, "name") && nk != "volume" && nk != "project" &&
			nk != "environment" && nk != "target" && nk != "arn" && nk != "ref" && nk != "address" {
			continue
		}
		s, ok := in[k].(string)
		if !ok || s == "" {
			continue
		}
		op.Targets = append(op.Targets, Target{Ref: s, Kinds: kinds})
	}
	return []Op{op}
}

// RecognizeShell returns the destructive operations in a shell command line. It parses the
// line as a shell would (quotes, pipes, &&, subshells, bash -c), without expanding
// anything; a variable in a target stays as written and resolves to nothing.
func RecognizeShell(cmd string) []Op {
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(cmd), "")
	if err != nil {
		// Not a command line a shell would run either; look for the words alone.
		return RecognizeArgs(strings.Fields(cmd))
	}
	var ops []Op
	syntax.Walk(f, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok {
			return true
		}
		args := make([]string, 0, len(call.Args))
		for _, w := range call.Args {
			args = append(args, wordText(w))
		}
		ops = append(ops, RecognizeArgs(args)...)
		return true
	})
	return ops
}

// wordText is a word's literal text: quotes removed, expansions kept as written.
func wordText(w *syntax.Word) string {
	var b strings.Builder
	var part func(p syntax.WordPart)
	part = func(p syntax.WordPart) {
		switch x := p.(type) {
		case *syntax.Lit:
			b.WriteString(x.Value)
		case *syntax.SglQuoted:
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			for _, q := range x.Parts {
				part(q)
			}
		case *syntax.ParamExp:
			b.WriteString("$" + x.Param.Value)
		default:
			b.WriteString("$(…)")
		}
	}
	for _, p := range w.Parts {
		part(p)
	}
	return b.String()
}

// wrappers run the command that follows them.
var wrappers = map[string]bool{"sudo": true, "env": true, "time": true, "nohup": true, "command": true, "exec": true,
	"npx": true, "bunx": true, "pnpx": true, "doas": true, "nice": true, "timeout": true, "xargs": true}

// RecognizeArgs returns the destructive operations in one command's words (what
// `bulkhead guard -- CMD ARGS…` is given).
func RecognizeArgs(args []string) []Op {
	for len(args) > 0 {
		base := path.Base(args[0])
		switch {
		case wrappers[base]:
			args = args[1:]
			for len(args) > 0 && (strings.HasPrefix(args[0], "-") || strings.Contains(args[0], "=") || isNumber(args[0])) {
				args = args[1:] // wrapper flags, VAR=value, timeout's duration
			}
			continue
		case (base == "sh" || base == "bash" || base == "zsh" || base == "dash") && len(args) > 2 && args[1] == "-c":
			return RecognizeShell(args[2])
		}
		break
	}
	if len(args) == 0 {
		return nil
	}
	switch path.Base(args[0]) {
	case "railway":
		return railwayCLI(args[1:])
	case "curl", "wget", "http", "https", "xh":
		return httpClient(args[1:])
	case "terraform", "tofu", "terragrunt":
		return terraformCLI(args[1:])
	case "aws":
		return awsCLI(args[1:])
	case "gcloud":
		return gcloudCLI(args[1:])
	case "supabase":
		return supabaseCLI(args[1:])
	case "neonctl", "neon":
		return neonCLI(args[1:])
	}
	return nil
}

func isNumber(s string) bool {
	return s != "" && strings.Trim(s, "0123456789.smh") == ""
}

// flags is a command's words split into flags and positional arguments. A flag's value is
// the next word unless the flag is known to take none or is written --flag=value.
type flags struct {
	vals map[string][]string
	pos  []string
}

func parseFlags(args []string, boolean ...string) flags {
	isBool := map[string]bool{}
	for _, b := range boolean {
		isBool[b] = true
	}
	f := flags{vals: map[string][]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			f.pos = append(f.pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			f.pos = append(f.pos, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		if k, v, ok := strings.Cut(name, "="); ok {
			f.vals[k] = append(f.vals[k], v)
			continue
		}
		if isBool[name] || i+1 >= len(args) || (strings.HasPrefix(args[i+1], "-") && len(args[i+1]) > 1) {
			f.vals[name] = append(f.vals[name], "")
			continue
		}
		f.vals[name] = append(f.vals[name], args[i+1])
		i++
	}
	return f
}

func (f flags) get(names ...string) string {
	for _, n := range names {
		if v := f.vals[n]; len(v) > 0 && v[len(v)-1] != "" {
			return v[len(v)-1]
		}
	}
	return ""
}

func (f flags) has(names ...string) bool {
	for _, n := range names {
		if _, ok := f.vals[n]; ok {
			return true
		}
	}
	return false
}

func targets(kinds []graph.Kind, refs ...string) []Target {
	var out []Target
	for _, r := range refs {
		if r != "" {
			out = append(out, Target{Ref: r, Kinds: kinds})
		}
	}
	return out
}

var (
	volumeKinds = []graph.Kind{graph.Volume}
	envKinds    = []graph.Kind{graph.Environment}
	projKinds   = []graph.Kind{graph.Project}
	dbKinds     = []graph.Kind{graph.Database}
	bucketKinds = []graph.Kind{graph.Bucket, graph.BackupVault} // an S3 bucket can be either
	backupKinds = []graph.Kind{graph.Backup}
)

func isDelete(verb string) bool {
	switch verb {
	case "delete", "remove", "rm", "destroy":
		return true
	}
	return false
}

// railwayCLI: the Railway CLI (railwayapp/cli src/commands: volume.rs "delete" with
// --volume/-v and aliases remove/rm; environment delete; delete for a project; down).
func railwayCLI(args []string) []Op {
	f := parseFlags(args, "y", "yes", "json")
	if len(f.pos) == 0 {
		return nil
	}
	switch {
	case f.pos[0] == "volume" && len(f.pos) > 1 && isDelete(f.pos[1]):
		return []Op{{Name: "railway volume delete", Targets: targets(volumeKinds, f.get("volume", "v"))}}
	case (f.pos[0] == "environment" || f.pos[0] == "env") && len(f.pos) > 1 && isDelete(f.pos[1]):
		ref := f.get("environment", "e")
		if ref == "" && len(f.pos) > 2 {
			ref = f.pos[2]
		}
		return []Op{{Name: "railway environment delete", Targets: targets(envKinds, ref)}}
	case f.pos[0] == "delete":
		return []Op{{Name: "railway delete (project)", Targets: targets(projKinds, f.get("project", "p"))}}
	case f.pos[0] == "down":
		return []Op{{Name: "railway down", NoData: "railway down removes the latest deployment of a service; it deletes no volume and no backup"}}
	}
	return nil
}

// httpClient: a GraphQL mutation sent by curl, wget or HTTPie.
func httpClient(args []string) []Op {
	f := parseFlags(args, "s", "S", "sS", "k", "v", "L", "i", "f", "silent", "compressed", "insecure", "fail", "location")
	var bodies []string
	for _, k := range []string{"d", "data", "data-raw", "data-binary", "data-ascii", "json", "post-data", "body-data", "raw"} {
		bodies = append(bodies, f.vals[k]...)
	}
	railwayURL := false
	for _, p := range f.pos {
		if strings.Contains(p, "railway.app") || strings.Contains(p, "railway.com") {
			railwayURL = true
		}
		// HTTPie: query=… or query:=… items.
		if k, v, ok := strings.Cut(p, "="); ok && strings.TrimSuffix(k, ":") == "query" {
			bodies = append(bodies, `{"query":`+jsonString(strings.TrimPrefix(v, "="))+`}`)
		}
	}
	var ops []Op
	unreadable := false
	for _, b := range bodies {
		if strings.HasPrefix(b, "@") {
			unreadable = true
			continue
		}
		ops = append(ops, recognizeBody(b)...)
	}
	if len(ops) == 0 && railwayURL && unreadable {
		return []Op{{Name: "a request to Railway's API with a body bulkhead cannot read"}}
	}
	return ops
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// recognizeBody reads an HTTP body: a GraphQL request ({"query", "variables"}, or a batch
// of them), or a bare document.
func recognizeBody(body string) []Op {
	body = strings.TrimSpace(body)
	type req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	var one req
	if json.Unmarshal([]byte(body), &one) == nil && one.Query != "" {
		return recognizeGraphQL(one.Query, one.Variables)
	}
	var batch []req
	if json.Unmarshal([]byte(body), &batch) == nil {
		var ops []Op
		for _, r := range batch {
			ops = append(ops, recognizeGraphQL(r.Query, r.Variables)...)
		}
		return ops
	}
	if v, err := url.ParseQuery(body); err == nil && v.Get("query") != "" {
		return recognizeGraphQL(v.Get("query"), nil)
	}
	return recognizeGraphQL(body, nil)
}

// graphqlDeletes are the Railway mutations that delete data or what contains it
// (cli-schema.graphql), with the argument naming the target and its kind.
var graphqlDeletes = map[string]struct {
	arg   string
	kinds []graph.Kind
}{
	"volumeDelete":               {"volumeId", volumeKinds},
	"projectDelete":              {"id", projKinds},
	"environmentDelete":          {"id", envKinds},
	"workspaceDelete":            {"id", []graph.Kind{graph.Workspace}},
	"volumeInstanceBackupDelete": {"volumeInstanceBackupId", backupKinds},
	"serviceDelete":              {"id", []graph.Kind{graph.Service}},
	"bucketDelete":               {"id", bucketKinds},
}

var mutationWord = regexp.MustCompile(`\bmutation\b`)

// recognizeGraphQL reads a GraphQL document for deleting mutations.
func recognizeGraphQL(q string, vars map[string]any) []Op {
	if !mutationWord.MatchString(q) {
		return nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: q})
	if err != nil {
		if destructiveWord.MatchString(q) {
			return []Op{{Name: "a GraphQL mutation bulkhead cannot parse"}}
		}
		return nil
	}
	var ops []Op
	for _, o := range doc.Operations {
		if o.Operation != ast.Mutation {
			continue
		}
		for _, sel := range o.SelectionSet {
			field, ok := sel.(*ast.Field)
			if !ok {
				continue
			}
			spec, known := graphqlDeletes[field.Name]
			if !known {
				if destructiveWord.MatchString(field.Name) {
					ops = append(ops, Op{Name: "GraphQL " + field.Name, NoData: ""})
					ops[len(ops)-1].Targets = argTargets(field, vars, nil)
				}
				continue
			}
			op := Op{Name: "GraphQL " + field.Name}
			for _, a := range field.Arguments {
				if a.Name == spec.arg {
					op.Targets = targets(spec.kinds, argValue(a.Value, vars))
				}
			}
			ops = append(ops, op)
		}
	}
	return ops
}

// argTargets are the string arguments of an unknown deleting mutation.
func argTargets(f *ast.Field, vars map[string]any, kinds []graph.Kind) []Target {
	var out []Target
	for _, a := range f.Arguments {
		if s := argValue(a.Value, vars); s != "" {
			out = append(out, Target{Ref: s, Kinds: kinds})
		}
	}
	return out
}

func argValue(v *ast.Value, vars map[string]any) string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case ast.Variable:
		if s, ok := vars[v.Raw].(string); ok {
			return s
		}
		return ""
	case ast.StringValue, ast.BlockValue, ast.IntValue:
		return v.Raw
	}
	return ""
}

// terraformCLI: terraform destroy, apply -destroy, with -target.
func terraformCLI(args []string) []Op {
	f := parseFlags(args, "auto-approve", "destroy", "refresh-only", "compact-warnings", "no-color", "json", "input", "lock")
	if len(f.pos) == 0 {
		return nil
	}
	sub := f.pos[0]
	if strings.HasPrefix(sub, "-chdir") && len(f.pos) > 1 {
		sub = f.pos[1]
	}
	destroy := sub == "destroy" || (sub == "apply" && f.has("destroy"))
	if sub == "apply" && !destroy {
		// What an apply deletes or replaces is in its plan, which bulkhead cannot read from
		// the command line: the call is unverifiable here (bulkhead check --plan judges it).
		return []Op{{Name: "terraform apply (its plan may delete or replace data; check it first with: terraform show -json PLAN > plan.json && bulkhead check --plan plan.json)"}}
	}
	if !destroy {
		return nil
	}
	op := Op{Name: "terraform " + sub}
	if sub == "apply" {
		op.Name += " -destroy"
	}
	for _, t := range f.vals["target"] {
		if t != "" {
			op.Targets = append(op.Targets, Target{Ref: t, Address: true})
		}
	}
	if len(op.Targets) == 0 {
		op.Whole = true
	}
	return []Op{op}
}

// awsCLI: the AWS CLI's deleting commands for data and its copies.
func awsCLI(args []string) []Op {
	f := parseFlags(args, "recursive", "force", "skip-final-snapshot", "no-skip-final-snapshot", "delete-automated-backups", "no-delete-automated-backups", "dryrun", "quiet")
	if len(f.pos) < 2 {
		return nil
	}
	svc, cmd := f.pos[0], f.pos[1]
	name := "aws " + svc + " " + cmd
	switch svc + " " + cmd {
	case "rds delete-db-instance":
		return []Op{{Name: name, Targets: targets(dbKinds, f.get("db-instance-identifier"))}}
	case "rds delete-db-cluster":
		return []Op{{Name: name, Targets: targets(dbKinds, f.get("db-cluster-identifier"))}}
	case "rds delete-db-snapshot", "rds delete-db-cluster-snapshot":
		return []Op{{Name: name, Targets: targets(backupKinds, f.get("db-snapshot-identifier", "db-cluster-snapshot-identifier"))}}
	case "s3 rb":
		return []Op{{Name: name, Targets: targets(bucketKinds, bucketOf(f.pos[2:]))}}
	case "s3 rm":
		if !f.has("recursive") {
			return nil // one object
		}
		return []Op{{Name: name + " --recursive", Targets: targets(bucketKinds, bucketOf(f.pos[2:]))}}
	case "s3api delete-bucket":
		return []Op{{Name: name, Targets: targets(bucketKinds, f.get("bucket"))}}
	case "ec2 delete-volume":
		return []Op{{Name: name, Targets: targets(volumeKinds, f.get("volume-id"))}}
	case "ec2 delete-snapshot":
		return []Op{{Name: name, Targets: targets(backupKinds, f.get("snapshot-id"))}}
	case "backup delete-recovery-point":
		return []Op{{Name: name, Targets: targets(backupKinds, f.get("recovery-point-arn"))}}
	case "backup delete-backup-vault":
		return []Op{{Name: name, Targets: targets([]graph.Kind{graph.BackupVault}, f.get("backup-vault-name"))}}
	case "dynamodb delete-table":
		return []Op{{Name: name, Targets: targets(dbKinds, f.get("table-name"))}}
	}
	return nil
}

func bucketOf(pos []string) string {
	for _, p := range pos {
		if rest, ok := strings.CutPrefix(p, "s3://"); ok {
			b, _, _ := strings.Cut(rest, "/")
			return b
		}
	}
	return ""
}

// gcloudCLI: gcloud sql instances delete NAME.
func gcloudCLI(args []string) []Op {
	f := parseFlags(args, "quiet", "q", "async")
	p := f.pos
	if len(p) >= 4 && p[0] == "sql" && p[1] == "instances" && p[2] == "delete" {
		return []Op{{Name: "gcloud sql instances delete", Targets: targets(dbKinds, p[3:]...)}}
	}
	if len(p) >= 3 && p[0] == "sql" && p[1] == "instances" && p[2] == "delete" {
		return []Op{{Name: "gcloud sql instances delete"}}
	}
	return nil
}

// supabaseCLI: supabase projects delete REF.
func supabaseCLI(args []string) []Op {
	f := parseFlags(args)
	p := f.pos
	if len(p) >= 2 && p[0] == "projects" && p[1] == "delete" {
		ref := f.get("project-ref")
		if ref == "" && len(p) > 2 {
			ref = p[2]
		}
		return []Op{{Name: "supabase projects delete", Targets: targets(nil, ref)}}
	}
	return nil
}

// neonCLI: neonctl projects delete ID, branches delete ID.
func neonCLI(args []string) []Op {
	f := parseFlags(args)
	p := f.pos
	if len(p) >= 2 && (p[0] == "projects" || p[0] == "project") && isDelete(p[1]) {
		ref := f.get("project-id", "id")
		if ref == "" && len(p) > 2 {
			ref = p[2]
		}
		return []Op{{Name: "neonctl projects delete", Targets: targets(nil, ref)}}
	}
	if len(p) >= 2 && (p[0] == "branches" || p[0] == "branch") && isDelete(p[1]) {
		var ref string
		if len(p) > 2 {
			ref = p[2]
		}
		return []Op{{Name: "neonctl branches delete", Targets: targets(nil, ref)}}
	}
	return nil
}

// String describes an op for logs.
func (o Op) String() string {
	var refs []string
	for _, t := range o.Targets {
		refs = append(refs, t.Ref)
	}
	if len(refs) == 0 {
		return o.Name
	}
	return fmt.Sprintf("%s %s", o.Name, strings.Join(refs, ", "))
}
