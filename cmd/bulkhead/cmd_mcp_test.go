package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/bulkhead-dev/bulkhead/discover/railway"
)

// mcpText is a tool result's text content and structured content, as JSON.
func mcpText(t *testing.T, res *mcp.CallToolResult) (string, string) {
	t.Helper()
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
			b.WriteString("\n")
		}
	}
	sc, _ := json.Marshal(res.StructuredContent)
	return b.String(), string(sc)
}

func callTool(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (string, string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	txt, sc := mcpText(t, res)
	return txt, sc, res.IsError
}

// TestMCPStdio runs `bulkhead mcp --demo` as a process and talks to it over stdio with
// the SDK's own client: the incident's delete is denied with the production instance and
// its three backups named, a staging-only delete is allowed, an unknown target asks.
func TestMCPStdio(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "BULKHEAD_HELPER_ARGS="+strings.Join([]string{"mcp", "--demo"}, "\x1f"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "bulkhead-test", Version: "1"}, nil)
	cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v; stderr: %s", err, stderr.String())
	}
	defer cs.Close()

	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
		if tl.Annotations == nil || !tl.Annotations.ReadOnlyHint {
			t.Errorf("%s is not marked read-only", tl.Name)
		}
		if tl.Name == "explain_delete" && !strings.Contains(tl.Description, "BEFORE any delete, detach, wipe, destroy or restore") {
			t.Errorf("explain_delete does not say when to call it: %s", tl.Description)
		}
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "blast_radius,credentials_here,explain_delete,findings" {
		t.Fatalf("tools: %v", names)
	}

	txt, sc, isErr := callTool(t, cs, "explain_delete", map[string]any{"target": "vol-pgdata"})
	for _, m := range []string{"DENY", `volume instance "pg-data" (shop/production, production) and all 3 of its recovery points`, "railway:backup:bk-1", "railway:backup:bk-2", "railway:backup:bk-3", "no recovery point survives"} {
		if !strings.Contains(txt, m) {
			t.Errorf("explain_delete lacks %q:\n%s", m, txt)
		}
	}
	if isErr || !strings.Contains(sc, `"decision":"deny"`) || !strings.Contains(sc, `"unrecoverable_production":1`) {
		t.Errorf("structured: %s", sc)
	}
	if txt, _, _ := callTool(t, cs, "explain_delete", map[string]any{"target": "vol-scratch"}); !strings.HasPrefix(txt, "ALLOW") {
		t.Errorf("staging-only volume: %s", txt)
	}
	if txt, _, _ := callTool(t, cs, "explain_delete", map[string]any{"target": "vol-nope"}); !strings.HasPrefix(txt, "ASK") || !strings.Contains(txt, "could not verify") {
		t.Errorf("unknown target: %s", txt)
	}
	if txt, _, _ := callTool(t, cs, "explain_delete", map[string]any{"target": "railway_service.postgres.volume"}); !strings.HasPrefix(txt, "ASK") {
		t.Errorf("a Terraform address the demo does not hold: %s", txt)
	}
	txt, _, _ = callTool(t, cs, "blast_radius", map[string]any{"credential": "RAILWAY_API_TOKEN"})
	if !strings.Contains(txt, `token "domains-cli"`) || !strings.Contains(txt, "no recovery point survives") || !strings.Contains(txt, `volume instance "pg-data" (shop/production, 3 recovery points lost)`) {
		t.Errorf("blast_radius: %s", txt)
	}
	if _, _, isErr := callTool(t, cs, "blast_radius", map[string]any{"credential": "nope"}); !isErr {
		t.Error("an unknown credential is not an error")
	}
	txt, sc, _ = callTool(t, cs, "credentials_here", map[string]any{})
	if !strings.Contains(sc, `"fingerprint":"3f8211ea07e9cae63b08e59b"`) || !strings.Contains(txt, "single worst thing") {
		t.Errorf("credentials_here: %s\n%s", txt, sc)
	}
	txt, sc, _ = callTool(t, cs, "findings", map[string]any{"rule": "BH004"})
	if !strings.Contains(txt, "BH004") || strings.Contains(sc, `"rule":"BH001"`) {
		t.Errorf("findings: %s", txt)
	}
	if _, _, isErr := callTool(t, cs, "findings", map[string]any{"severity": "urgent"}); !isErr {
		t.Error("a bad severity is not an error")
	}
}

// startMCP runs `bulkhead mcp ARGS` in process (through Main, so flags and logging are
// the CLI's) over an in-memory transport. Tests using it must not run in parallel.
func startMCP(t *testing.T, args ...string) (*mcp.ClientSession, *syncBuffer) {
	t.Helper()
	st, ct := mcp.NewInMemoryTransports()
	mcpTransport = st
	t.Cleanup(func() { mcpTransport = nil })
	errOut := &syncBuffer{}
	io := &IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: errOut, ColorMode: "never", TermWidth: 100}
	done := make(chan exitCode, 1)
	go func() { done <- Main(append([]string{"mcp"}, args...), io) }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	type conn struct {
		cs  *mcp.ClientSession
		err error
	}
	connected := make(chan conn, 1)
	go func() {
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "bulkhead-test", Version: "1"}, nil).Connect(ctx, ct, nil)
		connected <- conn{cs, err}
	}()
	var c conn
	select {
	case code := <-done:
		t.Fatalf("bulkhead mcp exited %d before serving: %s", code, errOut.String())
	case c = <-connected:
	}
	if c.err != nil {
		t.Fatal(c.err)
	}
	t.Cleanup(func() {
		c.cs.Close()
		<-done
	})
	return c.cs, errOut
}

type syncBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

// TestMCPProbeCanary: over a working directory with the incident's tokens and --probe
// against the fake Railway, the tools name the production volume, no token value crosses
// the protocol or reaches the log, and not one mutation reaches the fake.
func TestMCPProbeCanary(t *testing.T) {
	dir, values := canaryDir(t)
	srv, url := wdFake(t)
	cs, errOut := startMCP(t, "--workdir", dir, "--probe", "--railway-endpoint", url, "--log-level", "debug")
	var all strings.Builder
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"blast_radius", map[string]any{"credential": "domains-cli"}},
		{"credentials_here", map[string]any{}},
		{"credentials_here", map[string]any{"dir": dir}},
		{"explain_delete", map[string]any{"target": "vol-pgdata"}},
		{"explain_delete", map[string]any{"target": values[0]}},
		{"blast_radius", map[string]any{"credential": values[0]}},
		{"findings", map[string]any{}},
	} {
		txt, sc, _ := callTool(t, cs, c.tool, c.args)
		all.WriteString(txt + sc)
		if c.tool == "blast_radius" && c.args["credential"] == "domains-cli" &&
			(!strings.Contains(txt, "no recovery point survives") || !strings.Contains(txt, `volume instance "pg-data" (shop/production`)) {
			t.Errorf("the probed token's blast: %s", txt)
		}
		if c.tool == "explain_delete" && c.args["target"] == "vol-pgdata" && !strings.HasPrefix(txt, "DENY") {
			t.Errorf("explain_delete over the probe: %s", txt)
		}
	}
	// Not even a value the agent pasted as a target is repeated.
	for _, v := range values {
		if strings.Contains(errOut.String(), v) {
			t.Errorf("a credential value is in the log")
		}
		if strings.Contains(all.String(), v) {
			t.Errorf("a credential value crossed the protocol: %s", v[:6])
		}
	}
	reqs := srv.Requests()
	if len(reqs) == 0 {
		t.Fatal("--probe sent nothing")
	}
	for _, r := range reqs {
		if _, err := railway.Guard(r.Query); r.OpType != "query" || err != nil {
			t.Errorf("request %s: type %q, guard: %v", r.Op, r.OpType, err)
		}
	}
}

// TestMCPNothingSentWithoutProbe: with a working directory and no --probe, no request
// reaches the fake, whatever the tools are asked.
func TestMCPNothingSentWithoutProbe(t *testing.T) {
	dir, _ := canaryDir(t)
	srv, url := wdFake(t)
	cs, _ := startMCP(t, "--workdir", dir, "--railway-endpoint", url)
	callTool(t, cs, "blast_radius", map[string]any{"credential": "RAILWAY_API_TOKEN"})
	callTool(t, cs, "credentials_here", map[string]any{"dir": dir})
	callTool(t, cs, "explain_delete", map[string]any{"target": "vol-pgdata"})
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests without --probe", n)
	}
}

// TestMCPLoadFailure: a graph that cannot be loaded is an error answer, never an allow.
func TestMCPLoadFailure(t *testing.T) {
	cs, _ := startMCP(t, "--snapshot", "/nonexistent/snap.json")
	txt, _, isErr := callTool(t, cs, "explain_delete", map[string]any{"target": "vol-pgdata"})
	if !isErr || !strings.Contains(txt, "cannot verify") {
		t.Fatalf("load failure: %v %s", isErr, txt)
	}
}
