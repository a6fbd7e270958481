package render_test

import "github.com/bulkhead-dev/bulkhead/graph"

func graphGap() graph.Gap {
	return graph.Gap{Source: "railway", What: "backups of volume instance vi-1", Reason: "HTTP 429 after 5 attempts"}
}
