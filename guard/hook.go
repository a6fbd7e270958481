package guard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Event is a coding agent's pre-tool-use event, as it arrives on a hook's stdin.
//
// Claude Code's PreToolUse (code.claude.com/docs/en/hooks): hook_event_name "PreToolUse",
// tool_name (Bash, or mcp__<server>__<tool> for an MCP tool), tool_input (the tool's
// arguments: Bash has command), plus session_id, transcript_path, cwd, permission_mode,
// tool_use_id. Cursor (cursor.com/docs/agent/hooks): hook_event_name
// "beforeShellExecution" with command and cwd, or "beforeMCPExecution" with tool_name and
// tool_input (an object, or a JSON string of one).
type Event struct {
	HookEventName string          `json:"hook_event_name"`
	ToolName      string          `json:"tool_name"`
	ToolInput     json.RawMessage `json:"tool_input"`
	Command       string          `json:"command"`
	Cwd           string          `json:"cwd"`
}

// Protocols an answer can be written in.
const (
	ProtocolClaude = "claude"
	ProtocolCursor = "cursor"
)

// ErrBadEvent is returned for a hook input that is not an event bulkhead understands.
var ErrBadEvent = errors.New("not a pre-tool-use event")

// ParseEvent reads one event.
func ParseEvent(b []byte) (*Event, error) {
	var e Event
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadEvent, err)
	}
	if e.ToolName == "" && e.Command == "" {
		return nil, fmt.Errorf("%w: neither tool_name nor command is set", ErrBadEvent)
	}
	// Cursor sends an MCP tool's input as a JSON string.
	var s string
	if len(e.ToolInput) > 0 && e.ToolInput[0] == '"' && json.Unmarshal(e.ToolInput, &s) == nil {
		e.ToolInput = json.RawMessage(s)
	}
	return &e, nil
}

// Protocol is the protocol the event's agent expects the answer in.
func (e *Event) Protocol() string {
	switch e.HookEventName {
	case "beforeShellExecution", "beforeMCPExecution":
		return ProtocolCursor
	}
	return ProtocolClaude
}

// Ops are the destructive operations the event's tool call would perform.
func (e *Event) Ops() []Op {
	switch {
	case e.HookEventName == "beforeShellExecution":
		return RecognizeShell(e.Command)
	case e.HookEventName == "beforeMCPExecution":
		name := e.ToolName
		if !strings.HasPrefix(name, "mcp__") {
			name = "mcp__server__" + name
		}
		return Recognize(name, e.ToolInput)
	}
	return Recognize(e.ToolName, e.ToolInput)
}

// Answer is a verdict in the agent's protocol: the bytes for stdout (exit status 0 in
// every case; the decision is in the JSON). Claude Code gets nothing for allow: bulkhead
// never approves a call on the user's behalf, it only denies or asks, so the agent's own
// permission rules still apply to what it lets through.
func Answer(protocol string, v *Verdict) []byte {
	reason := Inert(v.Reason)
	var out any
	switch protocol {
	case ProtocolCursor:
		out = struct {
			Permission   string `json:"permission"`
			UserMessage  string `json:"user_message,omitempty"`
			AgentMessage string `json:"agent_message,omitempty"`
		}{string(v.Decision), reason, reason}
	default:
		if v.Decision == Allow {
			return nil
		}
		type hso struct {
			HookEventName            string `json:"hookEventName"`
			PermissionDecision       string `json:"permissionDecision"`
			PermissionDecisionReason string `json:"permissionDecisionReason"`
		}
		out = struct {
			HookSpecificOutput hso `json:"hookSpecificOutput"`
		}{hso{"PreToolUse", string(v.Decision), reason}}
	}
	b, _ := json.Marshal(out)
	return append(b, '\n')
}

// Inert makes text from the graph (names a provider or a file gave) safe to show: control
// characters and escape sequences become U+FFFD; newlines stay.
func Inert(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if unicode.IsControl(r) || (r >= 0x200b && r <= 0x200f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return '\uFFFD'
		}
		return r
	}, s)
}
