#!/bin/sh
# Pre-apply hook: refuse `terraform apply` of a plan that destroys data with no surviving
# recovery point. Use it as a wrapper (alias tfapply=docs/ci/pre-apply-hook.sh), or in
# Atlantis/Terragrunt as a step before apply, with the saved plan file as $1.
#   plan.out  the saved plan (terraform plan -out plan.out)
# The verdict, and the waive block to paste if the loss is intended, go to stderr.
set -eu
planfile=${1:-plan.out}
terraform show -json "$planfile" > plan.json
bulkhead check --plan plan.json --fail-on high
terraform apply "$planfile"
