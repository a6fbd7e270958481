package tfplan

import (
	"fmt"
	"testing"
)

// TestWeakened: a safeguard is weakened when its value before protects and its value after
// does not, or is known only after apply; an unchanged, absent or strengthened one is not.
func TestWeakened(t *testing.T) {
	for _, tc := range []struct {
		before, after map[string]any
		unknown       []string
		want          string
	}{
		{map[string]any{"deletion_protection": true, "skip_final_snapshot": false, "backup_retention_period": 7.0},
			map[string]any{"deletion_protection": false, "skip_final_snapshot": true, "backup_retention_period": 7.0}, nil,
			"[{deletion_protection true false one API call deletes it} {skip_final_snapshot false true no final snapshot is taken when it is deleted}]"},
		{map[string]any{"deletion_protection": true}, map[string]any{}, []string{"deletion_protection"},
			"[{deletion_protection true unknown known only after apply, so it may be that one API call deletes it}]"},
		{map[string]any{"backup_retention_period": 7.0}, map[string]any{"backup_retention_period": 0.0}, nil,
			"[{backup_retention_period 7 0 automated backups are switched off}]"},
		{map[string]any{"force_destroy": false}, map[string]any{"force_destroy": true}, nil,
			"[{force_destroy false true a delete also deletes everything stored in it}]"},
		// Not weakened: unchanged, strengthened, absent after (a removed attribute is the
		// resource's own default, judged on the graph), already unprotected before.
		{map[string]any{"deletion_protection": true}, map[string]any{"deletion_protection": true}, nil, "[]"},
		{map[string]any{"deletion_protection": false}, map[string]any{"deletion_protection": true}, nil, "[]"},
		{map[string]any{"deletion_protection": true}, map[string]any{}, nil, "[]"},
		{map[string]any{"skip_final_snapshot": true}, map[string]any{"skip_final_snapshot": true}, []string{"id"}, "[]"},
	} {
		got := Weakened(tc.before, tc.after, tc.unknown)
		if s := fmt.Sprint(got); s != tc.want && !(len(got) == 0 && tc.want == "[]") {
			t.Errorf("Weakened(%v, %v, %v) = %s, want %s", tc.before, tc.after, tc.unknown, s, tc.want)
		}
	}
}
