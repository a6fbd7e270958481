package graph

import _ "embed"

// SnapshotJSONSchema is the JSON Schema (draft 2020-12) of the snapshot format, the
// documentation of record for people and tools that read snapshots without bulkhead.
//
//go:embed schema/snapshot.v1.schema.json
var SnapshotJSONSchema []byte
