package workdir

import (
	"context"
	"fmt"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// hit is one string the detector flagged.
type hit struct {
	RuleID string
	Secret string
	Line   int // 1-based
	Col    int // 1-based
}

var (
	gitleaksOnce sync.Once
	gitleaksCfg  config.Config
	gitleaksErr  error
)

// loadGitleaks parses gitleaks' default rule set once per process. gitleaks reads it
// through the global viper instance, so it must not run concurrently with itself.
func loadGitleaks() (config.Config, error) {
	gitleaksOnce.Do(func() {
		// gitleaks logs through a global zerolog logger, at trace level with the secret
		// in the event ("skipping finding: low entropy"); silence it entirely.
		logging.Logger = zerolog.Nop()
		d, err := detect.NewDetectorDefaultConfig()
		if err != nil {
			gitleaksErr = fmt.Errorf("gitleaks default rules: %w", err)
			return
		}
		gitleaksCfg = d.Config
	})
	return gitleaksCfg, gitleaksErr
}

// detector runs gitleaks' rules over file contents.
type detector struct{ d *detect.Detector }

func newDetector(ctx context.Context) (*detector, error) {
	cfg, err := loadGitleaks()
	if err != nil {
		return nil, err
	}
	d := detect.NewDetectorContext(ctx, cfg)
	d.MaxDecodeDepth = 0 // literal values only: a file an agent reads holds them as text
	return &detector{d: d}, nil
}

// find returns gitleaks' findings in data. path is given to rules that look at names.
func (t *detector) find(ctx context.Context, path string, data []byte) []hit {
	//lint:ignore SA1019 sources.Fragment replaces it only in gitleaks v9, not released
	fs := t.d.DetectContext(ctx, detect.Fragment{Raw: string(data), FilePath: path})
	out := make([]hit, 0, len(fs))
	for _, f := range fs {
		if f.Secret == "" {
			continue // path-only rules ("file detected")
		}
		out = append(out, hit{RuleID: f.RuleID, Secret: f.Secret, Line: f.StartLine + 1, Col: f.StartColumn})
	}
	return out
}
