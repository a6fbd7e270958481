package tfplan

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfmap"
	"github.com/bulkhead-dev/bulkhead/graph"
)

// parseBoth parses data with the values reader and without it, and fails the test unless
// both give the same graphs (snapshot bytes) and the same changes, or the same error.
func parseBoth(t *testing.T, data []byte) *Plan {
	t.Helper()
	defer func(old bool) { fastValues = old }(fastValues)
	var plans [2]*Plan
	var errs [2]error
	for i, fast := range []bool{false, true} {
		fastValues = fast
		plans[i], errs[i] = Parse(data, "plan.json")
	}
	if (errs[0] == nil) != (errs[1] == nil) || errs[0] != nil && errs[0].Error() != errs[1].Error() {
		t.Fatalf("errors differ: without the values reader %v, with it %v", errs[0], errs[1])
	}
	if errs[0] != nil {
		return nil
	}
	for _, side := range []struct {
		name string
		g    func(*Plan) *graph.Graph
	}{{"before", func(p *Plan) *graph.Graph { return p.Before }}, {"after", func(p *Plan) *graph.Graph { return p.After }}} {
		var a, b bytes.Buffer
		if err := graph.WriteSnapshot(&a, side.g(plans[0])); err != nil {
			t.Fatal(err)
		}
		if err := graph.WriteSnapshot(&b, side.g(plans[1])); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("graph %s the change differs with the values reader (%d bytes against %d)", side.name, b.Len(), a.Len())
		}
	}
	if !reflect.DeepEqual(plans[0].Changes, plans[1].Changes) {
		t.Fatal("changes differ with the values reader")
	}
	return plans[1]
}

// TestValuesReaderCorpus: on every corpus plan and on generated ones, the values reader
// reads both trees (it does not fall back) and the plan is the one encoding/json gives.
func TestValuesReaderCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "corpus", "plan", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus plans: %v", err)
	}
	docs := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if data, err = tfmap.ToUTF8(data); err != nil { // as ReadDocument does
			t.Fatal(err)
		}
		docs[filepath.Base(f)] = data
	}
	for _, shape := range []string{"", "realistic"} {
		o, err := tfgen.ParseShape(shape)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := tfgen.WritePlan(&b, 300, 1, o, tfgen.PlanOptions{}); err != nil {
			t.Fatal(err)
		}
		docs["tfgen "+shape] = b.Bytes()
	}
	read := 0
	for name, data := range docs {
		t.Run(name, func(t *testing.T) {
			if parseBoth(t, data) == nil {
				t.Fatal("plan does not parse")
			}
			large, _, ok := splitTop(data)
			if !ok {
				t.Fatal("not split")
			}
			var ps *rawState
			if p, ok := large["prior_state"]; ok && !readPriorState(p, &ps) {
				t.Error("prior_state: the values reader fell back")
			}
			if p, ok := large["planned_values"]; ok {
				sv := new(planDoc).PlannedValues
				if !readPlannedValues(p, &sv) {
					t.Error("planned_values: the values reader fell back")
				}
			}
			if p, ok := large["resource_changes"]; ok {
				var rcs []*tfjson.ResourceChange
				if !readResourceChanges(p, &rcs) {
					t.Error("resource_changes: the values reader fell back")
				}
			}
			read++
		})
	}
	if read < len(docs) {
		t.Errorf("values reader read %d of %d plans", read, len(docs))
	}
}

// TestValuesReaderFallsBack: what the values reader does not reproduce exactly is left to
// encoding/json, and the plan (or its error) is the one it gives.
func TestValuesReaderFallsBack(t *testing.T) {
	res := func(values string) string {
		return `{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_db_instance.d","mode":"managed","type":"aws_db_instance","name":"d",` + values + `}]}},"resource_changes":[]}`
	}
	rc := func(change string) string {
		return `{"format_version":"1.2","resource_changes":[{"address":"aws_db_instance.d","mode":"managed","type":"aws_db_instance","name":"d","change":{` + change + `}}]}`
	}
	for _, c := range []struct {
		name, plan string
		read       bool // the values reader reads it
	}{
		{"plain", res(`"values":{"identifier":"d","deletion_protection":true,"engine":"postgres"}`), true},
		{"values null", res(`"values":null`), true},
		{"no values", res(`"schema_version":1`), true},
		{"repeated attribute", res(`"values":{"identifier":"a","identifier":"b"}`), true},
		{"escaped key", res(`"values":{"identif\u0069er":"d"}`), true},
		{"nested and numbers", res(`"values":{"identifier":"d","tags":{"env":"prod","n":1},"backup_retention_period":7.5e0}`), true},
		{"values twice", res(`"values":{"identifier":"a"},"values":{"engine":"mysql"}`), false},
		{"case-folded values", res(`"Values":{"identifier":"a"}`), false},
		{"values not an object", res(`"values":"x"`), false},
		{"invalid UTF-8", res("\"values\":{\"identifier\":\"d\xff\"}"), false},
		{"schema_version wrong type", res(`"schema_version":"one","values":{}`), false},
		{"number out of range", res(`"values":{"allocated_storage":1e400}`), false},
		{"number out of range, no exponent", res(`"values":{"x":` + strings.Repeat("9", 400) + `}`), false},
		{"numbers in range", res(`"values":{"x":1e-400,"y":` + strings.Repeat("9", 300) + `,"z":-1.5E+300}`), true},
		{"resource not an object", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[7]}}}`, false},
		{"resource null", `{"format_version":"1.2","planned_values":{"root_module":{"resources":[null]}}}`, true},
		{"child modules with a null", `{"format_version":"1.2","planned_values":{"root_module":{"child_modules":[null,{"address":"module.b"},{"address":"module.a"}]}}}`, true},
		{"case-folded resources", `{"format_version":"1.2","planned_values":{"root_module":{"Resources":[]}}}`, false},
		{"prior state", `{"format_version":"1.2","prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_s3_bucket.b","type":"aws_s3_bucket","name":"b","values":{"bucket":"b","website":[]}}]}}}}`, true},
		{"prior state null values", `{"format_version":"1.2","prior_state":{"format_version":"1.0","values":null}}`, true},
		{"change", rc(`"actions":["update"],"before":{"identifier":"d","deletion_protection":true,"tags":{"a":"b"}},"after":{"deletion_protection":false},"after_unknown":{"arn":true}`), true},
		{"change to unknown", rc(`"actions":["update"],"before":{"skip_final_snapshot":false,"backup_retention_period":7},"after":{"skip_final_snapshot":false},"after_unknown":{"backup_retention_period":true}`), true},
		{"sensitive safeguard", rc(`"actions":["update"],"before":{"deletion_protection":true},"after":{"deletion_protection":false},"after_sensitive":{"deletion_protection":true}`), true},
		{"repeated safeguard", rc(`"actions":["update"],"before":{"deletion_protection":false,"deletion_protection":true},"after":{"deletion_protection":false}`), true},
		{"before not an object", rc(`"actions":["update"],"before":"x","after":[1,{"deletion_protection":false}]`), true},
		{"before null, no after", rc(`"actions":["delete"],"before":null`), true},
		{"change null", `{"format_version":"1.2","resource_changes":[{"address":"aws_db_instance.d","type":"aws_db_instance","change":null},null]}`, true},
		{"before twice", rc(`"actions":["update"],"before":{"deletion_protection":true},"before":{}`), false},
		{"case-folded after", rc(`"actions":["update"],"before":{"deletion_protection":true},"After":{"deletion_protection":false}`), false},
		{"case-folded change", `{"format_version":"1.2","resource_changes":[{"address":"aws_db_instance.d","Change":{"actions":["delete"]}}]}`, false},
		{"actions wrong type", rc(`"actions":"delete","before":{}`), false},
		{"change not an object", `{"format_version":"1.2","resource_changes":[{"address":"aws_db_instance.d","change":[]}]}`, false},
		{"invalid UTF-8 in after", rc("\"actions\":[\"update\"],\"after\":{\"identifier\":\"d\xff\"}"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			parseBoth(t, []byte(c.plan))
			large, _, ok := splitTop([]byte(c.plan))
			if !ok {
				t.Fatal("not split")
			}
			got := true
			if p, ok := large["planned_values"]; ok {
				sv := new(planDoc).PlannedValues
				got = got && readPlannedValues(p, &sv)
			}
			if p, ok := large["prior_state"]; ok {
				var ps *rawState
				got = got && readPriorState(p, &ps)
			}
			if p, ok := large["resource_changes"]; ok {
				var rcs []*tfjson.ResourceChange
				got = got && readResourceChanges(p, &rcs)
			}
			if got != c.read {
				t.Errorf("values reader read it: %v, want %v", got, c.read)
			}
		})
	}
}

// FuzzValues: whatever the bytes, the plan with the values reader is the plan without it.
func FuzzValues(f *testing.F) {
	f.Add([]byte(`{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_db_instance.d","mode":"managed","type":"aws_db_instance","name":"d","values":{"identifier":"d","deletion_protection":true}}],"child_modules":[{"address":"module.m","resources":[]}]}},"resource_changes":[]}`))
	f.Add([]byte(`{"format_version":"1.2","prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[{"type":"aws_s3_bucket","name":"b","values":{"bucket":"b","tags":{"env":"prod"}},"sensitive_values":{"tags":{}}}]}}}}`))
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"aws_db_instance.d","type":"aws_db_instance","change":{"actions":["update"],"before":{"deletion_protection":true},"after":{"deletion_protection":false},"after_unknown":{"arn":true},"after_sensitive":{"password":true}}}]}`))
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"a.b","type":"aws_s3_bucket","change":{"actions":["delete"],"before":{"force_destroy":true,"bucket":"x"},"after":null,"before_sensitive":{"force_destroy":true}}},null]}`))
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[],"planned_values":{"root_module":{"resources":[],"child_modules":[]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) { parseBoth(t, data) })
}
