package terraform

import (
	"strings"
	"testing"

	"github.com/bulkhead-dev/bulkhead/graph"
)

// TestMoreTypesAWSFixtures: issue 15's AWS leftovers (aws_dynamodb_table's inline replica
// blocks, aws_opensearch_domain, aws_elasticsearch_domain): each row fires on one fixture
// and not on the other.
func TestMoreTypesAWSFixtures(t *testing.T) {
	cases := []ruleCase{
		// A replica block without point_in_time_recovery is a production table with no
		// backup of its own (the table's PITR is not its); with it, every replica has one.
		{"i15_bh005_dynamodb_inline_replica_no_pitr", "BH005", true, "aws:aws_dynamodb_table_replica:aws_dynamodb_table.example:us-east-2", "has no backup"},
		{"i15_bh005_dynamodb_inline_replica_pitr", "BH005", false, "", ""},
		// In a state, a replica is known by its ARN, as aws_dynamodb_table_replica's are.
		{"i15_dynamodb_inline_replica_state", "BH005", true, "aws:aws_dynamodb_table_replica:arn:aws:dynamodb:eu-west-1:111111111111:table/orders", "has no backup"},
		// A domain's automated snapshots are its only recovery points and go with it: BH002,
		// and, since they are a backup, no BH005.
		{"i15_bh002_opensearch_domain", "BH002", true, "aws:aws_opensearch_domain:aws_opensearch_domain.example", "1 of 1 recovery points"},
		{"i15_bh002_opensearch_domain", "BH005", false, "", ""},
		{"i15_bh002_elasticsearch_domain", "BH002", true, "aws:aws_elasticsearch_domain:aws_elasticsearch_domain.example", "1 of 1 recovery points"},
		{"i15_bh002_elasticsearch_domain", "BH005", false, "", ""},
		// Either API's delete action deletes a domain of either type, and its snapshots;
		// a key that may only use the domain's HTTP API (deleting indexes, which the
		// automated snapshots restore) cannot.
		{"i15_bh004_opensearch_delete_domain", "BH004", true, "aws:aws_iam_access_key:AKIA0000000000000001", `database "orders-search" and its only recovery point`},
		{"i15_bh004_opensearch_http_only", "BH004", false, "", ""},
		{"i15_bh004_elasticsearch_delete_domain", "BH004", true, "aws:aws_iam_access_key:AKIA0000000000000001", `database "legacy-logs" and its only recovery point`},
		{"i15_bh004_elasticsearch_http_only", "BH004", false, "", ""},
	}
	runRuleCases(t, cases)
}

// hasEdge reports whether g has an edge of kind from one ID to another.
func hasEdge(g *graph.Graph, from string, kind graph.EdgeKind, to string) bool {
	for _, e := range g.Edges() {
		if e.From == from && e.To == to && e.Kind == kind {
			return true
		}
	}
	return false
}

// TestDynamoDBInlineReplica: a replica block is a database of its own in its region, in
// the table's account and environment, with its own point-in-time recovery and KMS key,
// not deleted with the table by the API and no backup of it; the table's
// server_side_encryption key is read from a state.
func TestDynamoDBInlineReplica(t *testing.T) {
	g := loadFixture(t, "i15_dynamodb_inline_replica_state")
	const (
		table   = "aws:aws_dynamodb_table:arn:aws:dynamodb:us-east-1:111111111111:table/orders"
		replica = "aws:aws_dynamodb_table_replica:arn:aws:dynamodb:eu-west-1:111111111111:table/orders"
		key     = "aws:aws_kms_key:arn:aws:kms:us-east-1:111111111111:key/mrk-0000000000000000000000000000000a"
		euKey   = "aws:aws_kms_key:arn:aws:kms:eu-west-1:111111111111:key/0000000b-0000-4000-8000-00000000000b"
	)
	r, ok := g.Resource(replica)
	if !ok || r.Kind != graph.Database {
		t.Fatalf("replica: %v %+v\n%s", ok, r, summary(t, g))
	}
	for k, want := range map[string]string{
		graph.AttrRegion: "eu-west-1", graph.AttrAccount: "111111111111", graph.AttrDeletionProtection: "false",
		"replica_of": "orders", graph.AttrAddress: "aws_dynamodb_table.orders",
	} {
		if got, _ := r.Attr(k); got != want {
			t.Errorf("replica %s = %q, want %q", k, got, want)
		}
	}
	if r.Tier != graph.Production {
		t.Errorf("replica tier %q, want production (the table's)", r.Tier)
	}
	if !hasEdge(g, "terraform:environment:production", graph.Contains, replica) {
		t.Errorf("the replica is not in the table's environment\n%s", summary(t, g))
	}
	if !hasEdge(g, key, graph.DeletesWith, table) {
		t.Errorf("the table's server_side_encryption key does not destroy it\n%s", summary(t, g))
	}
	if !hasEdge(g, euKey, graph.DeletesWith, replica) {
		t.Errorf("the replica's kms_key_arn does not destroy it\n%s", summary(t, g))
	}
	for _, e := range g.Edges() {
		if (e.From == table && e.To == replica) || (e.From == replica && e.To == table && e.Kind == graph.BacksUp) {
			t.Errorf("edge %s -%s-> %s: a replica neither goes with the table nor backs it up", e.From, e.Kind, e.To)
		}
	}

	// Point-in-time recovery per block: us-west-2 has its own, us-east-2 none.
	g = loadFixture(t, "i15_bh005_dynamodb_inline_replica_no_pitr")
	west := "aws:aws_dynamodb_table_replica:aws_dynamodb_table.example:us-west-2"
	if !hasEdge(g, "aws:aws_dynamodb_table_pitr:aws_dynamodb_table.example:us-west-2", graph.BacksUp, west) {
		t.Errorf("no point-in-time recovery of the us-west-2 replica\n%s", summary(t, g))
	}
	if _, ok := g.Resource("aws:aws_dynamodb_table_pitr:aws_dynamodb_table.example:us-east-2"); ok {
		t.Errorf("the us-east-2 replica has point-in-time recovery")
	}
	g = loadFixture(t, "i15_bh005_dynamodb_inline_replica_pitr")
	east, _ := g.Resource("aws:aws_dynamodb_table_replica:aws_dynamodb_table.example:us-east-2")
	if v, _ := east.Attr(graph.AttrDeletionProtection); v != "true" {
		t.Errorf("us-east-2 deletion_protection %q, want true", v)
	}
}

// TestSearchDomainSnapshots: automated snapshots are hourly for OpenSearch and for
// Elasticsearch from 5.3, daily before; they are kept 14 days and go with the domain.
func TestSearchDomainSnapshots(t *testing.T) {
	for _, c := range []struct {
		fixture, domain, interval string
	}{
		{"i15_bh002_opensearch_domain", "aws:aws_opensearch_domain:aws_opensearch_domain.example", "1h0m0s"},
		{"i15_bh002_elasticsearch_domain", "aws:aws_elasticsearch_domain:aws_elasticsearch_domain.example", "1h0m0s"},
		{"i15_bh004_opensearch_delete_domain", "aws:aws_opensearch_domain:arn:aws:es:us-east-1:111111111111:domain/orders-search", "1h0m0s"},
		{"i15_bh004_elasticsearch_delete_domain", "aws:aws_elasticsearch_domain:arn:aws:es:us-east-1:111111111111:domain/legacy-logs", "24h0m0s"},
	} {
		g := loadFixture(t, c.fixture)
		d, ok := g.Resource(c.domain)
		if !ok || d.Kind != graph.Database {
			t.Fatalf("%s: domain %v %+v\n%s", c.fixture, ok, d, summary(t, g))
		}
		typ, tail, _ := strings.Cut(strings.TrimPrefix(c.domain, "aws:"), ":")
		snaps := "aws:" + typ + "_automated_snapshots:" + tail
		s, ok := g.Resource(snaps)
		if !ok || s.Kind != graph.Backup {
			t.Fatalf("%s: no automated snapshots %s\n%s", c.fixture, snaps, summary(t, g))
		}
		if v, _ := s.Attr(graph.AttrInterval); v != c.interval {
			t.Errorf("%s: interval %q, want %q", c.fixture, v, c.interval)
		}
		if v, _ := s.Attr(graph.AttrRetentionDays); v != "14" {
			t.Errorf("%s: retention_days %q, want 14", c.fixture, v)
		}
		if !hasEdge(g, snaps, graph.BacksUp, c.domain) || !hasEdge(g, c.domain, graph.DeletesWith, snaps) {
			t.Errorf("%s: the snapshots do not back up the domain and go with it\n%s", c.fixture, summary(t, g))
		}
	}
}
