// Package terraform reads Terraform into bulkhead's graph: raw state files (format version
// 4, decoded as a stream), `terraform show -json` state output, plan JSON and `.tf`
// configuration. Sub-packages:
//
//   - discover/terraform/tfplan: plan JSON (`terraform show -json PLANFILE`) into a Plan
//     with Before/After graphs and the resource changes; the API `bulkhead check` uses.
//   - discover/terraform/tfmap: the mapping from Terraform types to the graph vocabulary,
//     one table per provider (aws_types.go, google_types.go, railway_types.go), each row
//     citing the provider documentation of its deletion semantics.
package terraform
