package workdir_test

import (
	"io"
	"log/slog"
	"os"

	"github.com/bulkhead-dev/bulkhead/discover/workdir"
)

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func testSource(root, dir string) *workdir.Source {
	return &workdir.Source{Root: root, FS: os.DirFS(dir), Salt: testSalt}
}
