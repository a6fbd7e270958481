package tfplan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
)

// The side-by-side decode must give exactly the document one pass gives, or give up;
// with the values reader (readValues) on, the document one pass gives with each resource's
// values cut to the attributes the mapping wants, and each change's before and after to
// the safeguards. Both ways are checked.
func checkSplit(t *testing.T, data []byte) (split bool) {
	t.Helper()
	defer func(old bool) { fastValues = old }(fastValues)
	for _, fast := range []bool{false, true} {
		fastValues = fast
		var whole planDoc
		werr := json.Unmarshal(data, &whole)
		doc, _ := decodeSplit(data, nil)
		if doc == nil {
			if fast && split {
				t.Fatalf("split only without the values reader: %.200q", data)
			}
			continue
		}
		if werr != nil {
			t.Fatalf("split decode (values reader %v) succeeded where one pass fails (%v): %.200q", fast, werr, data)
		}
		if fast {
			if whole.PriorState != nil {
				wantedOnly(whole.PriorState.Values)
			}
			wantedOnly(whole.PlannedValues)
			safeguardsOnly(whole.ResourceChanges)
		}
		if !reflect.DeepEqual(doc, &whole) {
			t.Fatalf("split decode (values reader %v) differs from one pass: %.200q", fast, data)
		}
		split = true
	}
	return split
}

// wantedOnly drops the attributes the mapping does not read from a value tree, in place.
func wantedOnly(sv *tfjson.StateValues) {
	if sv == nil {
		return
	}
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r == nil {
				continue
			}
			w := tfmap.WantedAttrs(r.Type)
			for k := range r.AttributeValues {
				if !w[k] {
					delete(r.AttributeValues, k)
				}
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(sv.RootModule)
}

// safeguardsOnly drops the attributes Weakened does not read from the before and after
// objects of changes, in place.
func safeguardsOnly(rcs []*tfjson.ResourceChange) {
	for _, rc := range rcs {
		if rc == nil || rc.Change == nil {
			continue
		}
		for _, v := range []any{rc.Change.Before, rc.Change.After} {
			if m, ok := v.(map[string]any); ok {
				for k := range m {
					if !safeguardAttrs[k] {
						delete(m, k)
					}
				}
			}
		}
	}
}

func TestSplitCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "corpus", "plan", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus plans: %v", err)
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if checkSplit(t, data) {
			n++
		}
	}
	// Every corpus plan is valid JSON with plain keys except the UTF-16 one; all others split.
	if n < len(files)-1 {
		t.Errorf("split %d of %d corpus plans", n, len(files))
	}
}

func TestSplitCases(t *testing.T) {
	for _, c := range []struct {
		in    string
		split bool
	}{
		{`{"format_version":"1.2","resource_changes":[{"address":"a","change":{"actions":["delete"]}}]}`, true},
		{` { "format_version" : "1.2" , "planned_values" : {"root_module":{}} , "prior_state" : null } `, true},
		{`{}`, true},
		{`{"format_version":"1.2","resource_changes":"x\"}"}`, false},                   // a part that fails: one pass gives the error
		{`{"format_version":"1.2","Resource_Changes":[]}`, false},                       // case-folded key
		{`{"format_version":"1.2","resource_changes":[],"resource_changes":[]}`, false}, // twice
		{`{"format_version":"1.2","resource_changes":[]} x`, false},                     // text after
		{`{"format_\u0076ersion":"1.2"}`, false},                                        // escaped key
		{`{"format_version":"1.2","configuration":{"a":"\\"},"x":1}`, true},             // escaped backslash before a quote
		{`{"format_version":"1.2","resource_changes":[{"a":"]}"}]}`, true},              // brackets inside strings
		{`{"format_version":"1.2","resource_changes":[`, false},
		{`[1]`, false},
		{`{"format_version":1}`, false}, // the head's type error: one pass reports it
	} {
		if got := checkSplit(t, []byte(c.in)); got != c.split {
			t.Errorf("%s: split %v, want %v", c.in, got, c.split)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"a"}],"planned_values":{"root_module":{}}}`))
	f.Add([]byte(`{"prior_state":{"format_version":"1.0","values":null},"configuration":{"a":"\\\""}}`))
	f.Add([]byte(`{"resource_changes":[],"planned_values":{"root_module":{"resources":[],"child_modules":[]}},"prior_state":{"values":{"root_module":{"resources":[]}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkSplit(t, data) })
}

// TestEarlyPriorGraph: the graph before the change, built as soon as prior_state is
// decoded, is the one a single pass gives; and when another member then fails, the plan's
// error is the single pass's (the early graph is thrown away).
func TestEarlyPriorGraph(t *testing.T) {
	prior := `"prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"bucket":"b","arn":"arn:aws:s3:::b"}}]}}}`
	good := `{"format_version":"1.2",` + prior + `,"planned_values":{"root_module":{}},"resource_changes":[{"address":"aws_s3_bucket.b","type":"aws_s3_bucket","change":{"actions":["delete"]}}]}`
	p, err := Parse([]byte(good), "plan.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Before.Resource("aws:aws_s3_bucket:arn:aws:s3:::b"); !ok {
		var ids []string
		for _, r := range p.Before.Resources() {
			ids = append(ids, r.ID)
		}
		t.Errorf("before graph %v, want the bucket", ids)
	}
	bad := `{"format_version":"1.2",` + prior + `,"resource_changes":{"not":"a list"}}`
	var whole planDoc
	want := json.Unmarshal([]byte(bad), &whole)
	if want == nil {
		t.Fatal("the bad plan decodes in one pass")
	}
	for range 20 {
		if _, err := Parse([]byte(bad), "plan.json"); err == nil || !strings.Contains(err.Error(), want.Error()) {
			t.Fatalf("error %v, want one containing the single pass's %q", err, want)
		}
	}
}
