package tfmap

import (
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestAzureScopes: the assignment scopes ARM documents, parsed.
func TestAzureScopes(t *testing.T) {
	for _, c := range []struct{ in, level, sub, rg, id string }{
		{"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333", graph.ScopeAccount, "0b1f6471-1bf0-4dda-aec3-111122223333", "", ""},
		{"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/myGroup", graph.ScopeProject, "0b1f6471-1bf0-4dda-aec3-111122223333", "mygroup", ""},
		{"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/myGroup/providers/Microsoft.Compute/virtualMachines/myVM", graph.ScopeResource, "", "",
			"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourcegroups/mygroup/providers/microsoft.compute/virtualmachines/myvm"},
		{"/providers/Microsoft.Management/managementGroups/myMG", graph.ScopeAccount, "", "", ""},
	} {
		sc, ok := parseAzureScope(c.in)
		if !ok || sc.level != c.level || sc.sub != c.sub || sc.rg != c.rg || sc.id != c.id {
			t.Errorf("%s: got %+v, %v", c.in, sc, ok)
		}
	}
	if _, ok := parseAzureScope(""); ok {
		t.Error("an empty scope resolved")
	}
}

// TestAzureActions: custom role actions match with wildcards, less not_actions.
func TestAzureActions(t *testing.T) {
	del := "Microsoft.DBforPostgreSQL/flexibleServers/delete"
	for _, c := range []struct {
		acts, not []string
		want      bool
	}{
		{[]string{"*"}, nil, true},
		{[]string{"Microsoft.DBforPostgreSQL/*"}, nil, true},
		{[]string{"*/delete"}, nil, true},
		{[]string{"*/read"}, nil, false},
		{[]string{"*"}, []string{"Microsoft.DBforPostgreSQL/flexibleServers/delete"}, false},
		{[]string{"microsoft.dbforpostgresql/flexibleservers/*"}, nil, true},
	} {
		if got := actionAllowed(c.acts, c.not, del); got != c.want {
			t.Errorf("%v - %v: got %v", c.acts, c.not, got)
		}
	}
}
