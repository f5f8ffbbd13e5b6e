package experiment

import (
	"context"
	"testing"
)

// At low noise the fit recovers nearly every true line, closely; more noise
// recovers fewer.
func TestPeakRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 56 spectra twice")
	}
	low, err := PeakRecovery(context.Background(), 0.005, 1)
	if err != nil {
		t.Fatal(err)
	}
	if frac := float64(low.Found) / float64(low.Total); low.Total < 100 || frac < 0.95 || low.CentreError > 0.2 || low.FWHMError > 0.05 || low.MedianR2 < 0.99 {
		t.Errorf("noise 0.005: %+v (%.2f recovered)", low, frac)
	}
	high, err := PeakRecovery(context.Background(), 0.05, 1)
	if err != nil {
		t.Fatal(err)
	}
	if high.Found*low.Total >= low.Found*high.Total || high.CentreError <= low.CentreError {
		t.Errorf("noise 0.05 (%+v) recovers no worse than 0.005 (%+v)", high, low)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := PeakRecovery(ctx, 0.005, 1); err == nil {
		t.Error("a cancelled run reported no error")
	}
}
