// Command tfgen writes a synthetic Terraform state for benchmarks:
//
//	go run ./discover/terraform/tfgen/cmd/tfgen -n 100000 -o /tmp/state-100k.tfstate
//	go run ./discover/terraform/tfgen/cmd/tfgen -n 100000 -shape realistic -o /tmp/realistic-100k.tfstate
//	go run ./discover/terraform/tfgen/cmd/tfgen -n 10000 -shape deploy,managed -keys-per-user 4 -o /tmp/s.tfstate
//	go run ./discover/terraform/tfgen/cmd/tfgen -n 10000 -shape realistic -plan -o /tmp/plan-10k.json
//
// -shape picks shapes of real estates (tfgen.Options); the flags after it tune them. The
// default shape is the mix the published benchmarks use, byte for byte.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/bulkhead-dev/bulkhead/discover/terraform/tfgen"
)

func main() {
	n := flag.Int("n", 1000, "number of managed resource instances")
	seed := flag.Int64("seed", 1, "random seed")
	out := flag.String("o", "", "output file (default stdout)")
	shape := flag.String("shape", "default", "comma-separated shapes: "+strings.Join(tfgen.Shapes, ", "))
	deploy := flag.Bool("deploy", false, "every IAM user has a deploy user's inline policy (own bucket and DB ARN, ec2:DeleteSnapshot and backup:* on *)")
	wild := flag.Int("wildcards-every", 0, "every k-th block's policy allows ec2:Delete*, rds:Delete*, s3:Delete* on * (0: none)")
	partial := flag.Int("partial-every", 0, "every k-th block's policy allows deletes on partial ARN wildcards (0: none)")
	shared := flag.Int("shared-policies", 0, "customer-managed policies shared by the users, by attachment, group and aws_iam_policy_attachment (0: none)")
	managed := flag.Int("managed-every", 0, "every k-th user and a role in its block get AWS-managed policies (0: none)")
	backup := flag.Int("backup-selections", 0, "AWS Backup selections by tag (plus a quarter as many by ARN wildcard) (0: none)")
	keys := flag.Int("keys-per-user", 0, "access keys per IAM user (0: one)")
	plan := flag.Bool("plan", false, "write plan JSON (terraform show -json) over the state instead: every managed instance a change")
	planEvery := flag.Int("plan-every", 4, "plan: of every k RDS instances, S3 buckets and EBS volumes, one replaced, one deleted, one updated")
	flag.Parse()
	o, err := tfgen.ParseShape(*shape)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tfgen: -shape:", err)
		os.Exit(2)
	}
	flag.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "deploy":
			o.Deploy = *deploy
		case "wildcards-every":
			o.ActionWildcards = *wild
		case "partial-every":
			o.PartialWildcards = *partial
		case "shared-policies":
			o.SharedPolicies = *shared
		case "managed-every":
			o.ManagedPolicies = *managed
		case "backup-selections":
			o.BackupSelections = *backup
		case "keys-per-user":
			o.KeysPerUser = *keys
		}
	})
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tfgen:", err)
			os.Exit(2)
		}
		defer f.Close()
		w = f
	}
	write := func() error { return tfgen.WriteOptions(w, *n, *seed, o) }
	if *plan {
		write = func() error { return tfgen.WritePlan(w, *n, *seed, o, tfgen.PlanOptions{Every: *planEvery}) }
	}
	if err := write(); err != nil {
		fmt.Fprintln(os.Stderr, "tfgen:", err)
		os.Exit(1)
	}
}
