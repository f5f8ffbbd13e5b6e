package demo

import (
	"context"
	"strings"
	"testing"
)

// The whole run is tested through the command (spectro/cmd/spectrogen's
// TestDemo); here, that a run without an output folder is refused before it
// writes anything into the working directory.
func TestRunNeedsAnOutputFolder(t *testing.T) {
	if _, err := Run(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), "no output folder") {
		t.Errorf("Run without Out: %v", err)
	}
}
