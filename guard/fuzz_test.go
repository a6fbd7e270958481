package guard_test

import (
	"testing"

	"github.com/bulkhead-dev/bulkhead/guard"
)

// FuzzRecognize: any command line or hook event is recognised or not, never a panic, and
// the verdict on the demo is always one of the three decisions.
func FuzzRecognize(f *testing.F) {
	for _, s := range []string{
		`railway volume delete --volume vol-pgdata`,
		`curl -d '{"query":"mutation { volumeDelete(volumeId: \"vol-pgdata\") }"}' https://backboard.railway.app/graphql/v2`,
		`bash -c "sudo env A=1 terraform destroy -target=aws_db_instance.x"`,
		`aws s3 rm s3://b --recursive; aws rds delete-db-instance --db-instance-identifier`,
		`http POST backboard.railway.app/graphql/v2 query='mutation { projectDelete(id: "p") }'`,
		`{"hook_event_name":"PreToolUse","tool_name":"mcp__x__drop_db","tool_input":{"id":"db"}}`,
		`echo $(( 1 + ` + "`x`" + ` )) <<EOF`,
	} {
		f.Add(s)
	}
	g := demo(f)
	f.Fuzz(func(t *testing.T, s string) {
		ops := guard.RecognizeShell(s)
		if e, err := guard.ParseEvent([]byte(s)); err == nil {
			ops = append(ops, e.Ops()...)
			_ = guard.Answer(e.Protocol(), guard.Check(g, e.Ops(), demoOpts))
		}
		switch v := guard.Check(g, ops, demoOpts); v.Decision {
		case guard.Allow, guard.Ask, guard.Deny:
		default:
			t.Fatalf("decision %q", v.Decision)
		}
	})
}
