package tfmap

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// selectionEstate is an estate with nData data resources (three EBS volumes for each RDS
// instance, some with a final snapshot), tagged Backup=set-<i mod nTag>, Team=team-<i mod
// 17>, and AWS Backup selections over plans of their own vaults: nTag by tag, nWild by ARN
// wildcard (literal prefixes of every length, '?' and a bare "*"), and, with edge, the
// corner cases (a tag value "", a key no resource has, a selection by tag and ARN at once).
// want holds, for each plan's vault, the addresses of the data resources it should back up,
// computed from the instances here, not by the builder.
type selEstate struct {
	instances []*Instance
	want      map[string]map[string]bool // vault name -> data addresses
}

func selectionEstate(nData, nTag, nWild, nPlans int, edge bool) *selEstate {
	const acct = "123456789012"
	e := &selEstate{want: map[string]map[string]bool{}}
	add := func(in *Instance) { e.instances = append(e.instances, in) }
	type data struct {
		addr, arn string
		tags      map[string]any
	}
	var ds []data
	for i := 0; i < nData; i++ {
		tags := map[string]any{"Backup": fmt.Sprintf("set-%d", i%max(nTag, 1)), "Team": fmt.Sprintf("team-%d", i%17), "Environment": "production"}
		if edge && i%11 == 0 {
			tags["Backup"] = ""
		}
		if edge && i%13 == 0 {
			delete(tags, "Backup")
		}
		var in *Instance
		if i%4 == 3 {
			id := fmt.Sprintf("db-%05d", i)
			in = &Instance{Mode: Managed, Type: "aws_db_instance", Name: "db", Index: i, Attrs: map[string]any{
				"id": id, "identifier": id, "arn": fmt.Sprintf("arn:aws:rds:eu-west-1:%s:db:%s", acct, id), "tags": tags,
				"backup_retention_period": 7.0, "deletion_protection": true, "skip_final_snapshot": i%8 == 3}}
		} else {
			id := fmt.Sprintf("vol-%05d", i)
			in = &Instance{Mode: Managed, Type: "aws_ebs_volume", Name: "v", Index: i, Attrs: map[string]any{
				"id": id, "arn": fmt.Sprintf("arn:aws:ec2:eu-west-1:%s:volume/%s", acct, id), "tags": tags, "size": 100.0, "final_snapshot": i%5 == 0}}
		}
		in.Address = InstanceAddress("", Managed, in.Type, in.Name, in.Index)
		add(in)
		ds = append(ds, data{in.Address, in.Attrs["arn"].(string), tags})
	}
	for p := 0; p < nPlans; p++ {
		vault := fmt.Sprintf("vault-%d", p)
		add(&Instance{Mode: Managed, Type: "aws_backup_vault", Name: "v", Index: p, Address: fmt.Sprintf("aws_backup_vault.v[%d]", p), Attrs: map[string]any{
			"id": vault, "name": vault, "arn": fmt.Sprintf("arn:aws:backup:eu-west-1:%s:backup-vault:%s", acct, vault)}})
		add(&Instance{Mode: Managed, Type: "aws_backup_plan", Name: "p", Index: p, Address: fmt.Sprintf("aws_backup_plan.p[%d]", p), Attrs: map[string]any{
			"id": fmt.Sprintf("plan-%d", p), "name": fmt.Sprintf("daily-%d", p),
			"rule": []any{map[string]any{"rule_name": "daily", "schedule": "cron(0 5 * * ? *)", "target_vault_name": vault, "copy_action": []any{}}}}})
	}
	sel := 0
	selection := func(resources []any, tags []any, match func(d data) bool) {
		p := sel % nPlans
		add(&Instance{Mode: Managed, Type: "aws_backup_selection", Name: "s", Index: sel, Address: fmt.Sprintf("aws_backup_selection.s[%d]", sel), Attrs: map[string]any{
			"id": fmt.Sprintf("sel-%d", sel), "plan_id": fmt.Sprintf("plan-%d", p), "resources": resources, "selection_tag": tags}})
		sel++
		vault := fmt.Sprintf("vault-%d", p)
		if e.want[vault] == nil {
			e.want[vault] = map[string]bool{}
		}
		for _, d := range ds {
			if match(d) {
				e.want[vault][d.addr] = true
			}
		}
	}
	byTag := func(k, v string) {
		selection([]any{}, []any{map[string]any{"type": "STRINGEQUALS", "key": k, "value": v}}, func(d data) bool {
			s, _ := d.tags[k].(string)
			return s == v // a resource without the key reads as ""
		})
	}
	for j := 0; j < nTag; j++ {
		byTag("Backup", fmt.Sprintf("set-%d", j))
	}
	prefixes := []string{"arn:aws:rds:eu-west-1:" + acct + ":db:db-0", "arn:aws:ec2:eu-west-1:" + acct + ":volume/vol-1", "arn:aws:ec2:eu-west-1:" + acct + ":volume/vol-00"}
	for j := 0; j < nWild; j++ {
		pat := fmt.Sprintf("%s%d*", prefixes[j%len(prefixes)], j%10)
		switch j % 7 {
		case 5:
			pat = fmt.Sprintf("arn:aws:*:eu-west-1:%s:*-0%d?%d", acct, j%10, j%9)
		case 6:
			pat = fmt.Sprintf("arn:aws:ec2:eu-west-1:%s:volume/vol-0??%d*", acct, j%10)
		}
		selection([]any{pat}, []any{}, func(d data) bool { return globMatch(pat, d.arn) })
	}
	if edge {
		byTag("Backup", "")
		byTag("Nobody", "x")
		byTag("Nobody", "")
		byTag("Team", "team-3")
		selection([]any{"*"}, []any{}, func(data) bool { return true })
		selection([]any{"arn:aws:rds:*"}, []any{map[string]any{"type": "STRINGEQUALS", "key": "Team", "value": "team-5"}}, func(d data) bool {
			return strings.HasPrefix(d.arn, "arn:aws:rds:") || d.tags["Team"] == "team-5"
		})
	}
	return e
}

func (e *selEstate) builder() *Builder {
	b := NewBuilder(Options{Source: "tfstate", Target: "selections.tfstate"})
	for _, in := range e.instances {
		c := *in
		c.Attrs = make(map[string]any, len(in.Attrs))
		for k, v := range in.Attrs {
			if b.Wants(c.Type, k) {
				c.Attrs[k] = v
			}
		}
		b.Add(&c)
	}
	return b
}

// backedUp lists, for each vault, the data resources (by address) that have a recovery
// point of an AWS Backup plan in it.
func backedUp(t *testing.T, g *graph.Graph) map[string]map[string]bool {
	got := map[string]map[string]bool{}
	storedIn := map[string]string{}
	for _, e := range g.Edges() {
		if e.Kind == graph.StoredIn {
			v, _ := g.Resource(e.To)
			storedIn[e.From] = v.Name
		}
	}
	for _, e := range g.Edges() {
		if e.Kind != graph.BacksUp {
			continue
		}
		rec, _ := g.Resource(e.From)
		if rec.Type != "aws_backup_recovery_point" {
			continue
		}
		vault := storedIn[rec.ID]
		d, _ := g.Resource(e.To)
		if got[vault] == nil {
			got[vault] = map[string]bool{}
		}
		got[vault][d.Origin.Ref] = true
	}
	return got
}

// The selections pick exactly the resources their tags and ARN patterns name, whatever the
// index behind them.
func TestBackupSelections(t *testing.T) {
	e := selectionEstate(400, 9, 28, 4, true)
	g, err := e.builder().Graph()
	if err != nil {
		t.Fatal(err)
	}
	got := backedUp(t, g)
	for _, v := range slices.Sorted(mapKeys(e.want, got)) {
		w, h := slices.Sorted(mapKeys(e.want[v])), slices.Sorted(mapKeys(got[v]))
		if !slices.Equal(w, h) {
			t.Errorf("vault %s backs up %d resources, want %d:\n got %v\nwant %v", v, len(h), len(w), h, w)
		}
	}
	if len(got["vault-0"]) == 0 || len(got["vault-0"]) == 400 {
		t.Errorf("vault-0 backs up %d of 400 resources: the estate does not test selection", len(got["vault-0"]))
	}
}

func mapKeys[V any](ms ...map[string]V) func(func(string) bool) {
	seen := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			seen[k] = true
		}
	}
	ks := make([]string, 0, len(seen))
	for k := range seen {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return slices.Values(ks)
}

// BenchmarkBackupSelections maps 16k data resources selected by 500 tag selections and 100
// ARN wildcard selections over 20 plans (the mapping only: Graph on a loaded builder).
func BenchmarkBackupSelections(b *testing.B) {
	e := selectionEstate(16000, 500, 100, 20, false)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		bl := e.builder()
		b.StartTimer()
		g, err := bl.Graph()
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(g.EdgeCount()), "edges")
		}
	}
}

// TestAWSScheduleInterval: the schedule shapes AWS Backup documents, and the ones left
// unread (their age stays unknown).
func TestAWSScheduleInterval(t *testing.T) {
	for expr, want := range map[string]time.Duration{
		"cron(0 5 ? * * *)":       24 * time.Hour,
		"cron(0 0/4 ? * * *)":     4 * time.Hour,
		"cron(0 * ? * * *)":       time.Hour,
		"cron(0 5 ? * MON *)":     7 * 24 * time.Hour,
		"cron(0 5 ? * MON,THU *)": 4 * 24 * time.Hour,
		"cron(0 5 1 * ? *)":       31 * 24 * time.Hour,
		"rate(12 hours)":          12 * time.Hour,
		"cron(0 5 ? 1 * *)":       0, // one month a year: not read
		"cron(0 5 ? * MON-FRI *)": 0, // a range: not read
		"cron(0 5 L * ? *)":       0,
		"":                        0,
		"every day":               0,
	} {
		got, ok := awsScheduleInterval(expr)
		if got != want || ok != (want != 0) {
			t.Errorf("awsScheduleInterval(%q) = %v, %v; want %v", expr, got, ok, want)
		}
	}
}
