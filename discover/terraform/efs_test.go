package terraform

import (
	"slices"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestEFSAutomaticBackups (issue 14 §4): without an aws_efs_backup_policy, a One Zone file
// system created through the API has automatic backups (a recovery point that outlives it)
// and a Regional one has none; a policy decides when there is one; an availability zone
// that is not resolved is no recovery point, and the file system says which value it was.
func TestEFSAutomaticBackups(t *testing.T) {
	g, _ := loadEval(t, "efs_backups")
	backups := map[string]int{}
	for _, e := range g.Edges() {
		if e.Kind == graph.BacksUp {
			backups[e.To]++
		}
	}
	const p = "aws:aws_efs_file_system:aws_efs_file_system."
	for name, want := range map[string]int{"regional": 0, "one_zone": 1, "one_zone_disabled": 0, "regional_enabled": 1, "zone_unknown": 0} {
		if got := backups[p+name]; got != want {
			t.Errorf("%s: %d recovery points, want %d", name, got, want)
		}
	}
	fs := byAddress(g)["aws_efs_file_system.zone_unknown"]
	if fs == nil || !slices.Contains(fs.List(graph.AttrUnresolved), "availability_zone_name") {
		t.Errorf("zone_unknown: unresolved %v, want availability_zone_name", fs)
	}
}
