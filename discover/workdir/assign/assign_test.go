package assign

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := strings.Join([]string{
		"# comment",
		"export A_TOKEN=plain",                   // 2
		`B = "quoted value" # trailing`,          // 3
		"C: 'single'",                            // 4
		`  - D=listed`,                           // 5
		`{"E": "json", "F": "two \"per\" line"}`, // 6
		"[profile ci]",                           // 7
		"g = ini # comment",                      // 8
		"H: |",                                   // 9: block scalar, skipped
		"I=",                                     // 10: empty, skipped
		"   J =  spaced  ",                       // 11
	}, "\n")
	got := Parse([]byte(in))
	want := []Assignment{
		{Key: "A_TOKEN", Value: "plain", Line: 2, Col: 16},
		{Key: "B", Value: "quoted value", Line: 3, Col: 6},
		{Key: "C", Value: "single", Line: 4, Col: 5},
		{Key: "D", Value: "listed", Line: 5, Col: 7},
		{Key: "E", Value: "json", Line: 6, Col: 8},
		{Key: "F", Value: `two "per" line`, Line: 6, Col: 21},
		{Key: "g", Value: "ini", Line: 8, Col: 5, Section: "profile ci"},
		{Key: "J", Value: "spaced", Line: 11, Col: 9, Section: "profile ci"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d assignments, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestPlaceholder(t *testing.T) {
	for _, v := range []string{"", "short", "${RAILWAY_TOKEN}", "$RAILWAY_TOKEN", "${{ secrets.X }}", "<your token>",
		"changeme-please", "your_token_here", "xxxxxxxxxxxx", "op://vault/item/field", "********"} {
		if !Placeholder(v) {
			t.Errorf("Placeholder(%q) = false", v)
		}
	}
	for _, v := range []string{"c0ffee00-1111-4a1a-8b1b-0000000ca4a1", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"} {
		if Placeholder(v) {
			t.Errorf("Placeholder(%q) = true", v)
		}
	}
}

// FuzzParseAssignments: any bytes parse without panicking, and every assignment points
// at a line that exists and holds its value.
func FuzzParse(f *testing.F) {
	f.Add([]byte("RAILWAY_API_TOKEN=abc\n"))
	f.Add([]byte(`{"env": {"RAILWAY_TOKEN": "x\"y"}}`))
	f.Add([]byte("[ci]\naws_secret_access_key = k\r\n  - A=\"b\n"))
	f.Add([]byte("\xff\xfe=\x00\n\"\":\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := strings.Split(string(data), "\n")
		lens := make([]int, len(lines))
		for i, l := range lines {
			lens[i] = len(strings.TrimRight(l, "\r"))
		}
		for _, a := range Parse(data) {
			if a.Line < 1 || a.Line > len(lines) {
				t.Fatalf("line %d out of range (%d lines)", a.Line, len(lines))
			}
			if a.Col < 1 || a.Col > lens[a.Line-1]+1 {
				t.Fatalf("column %d outside line %d (%d bytes)", a.Col, a.Line, lens[a.Line-1])
			}
			if a.Key == "" {
				t.Fatalf("empty key at line %d", a.Line)
			}
		}
	})
}
