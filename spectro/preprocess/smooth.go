package preprocess

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// SavGolCoefficients returns the Savitzky–Golay convolution weights that give the
// deriv-th derivative (0: the smoothed value) at the centre of a window of
// `window` points from a least-squares polynomial of the given order, for a
// sample spacing delta.
func SavGolCoefficients(window, order, deriv int, delta float64) ([]float64, error) {
	if err := checkSavGol(window, order, deriv, window); err != nil {
		return nil, err
	}
	return savgolWeights(window, order, deriv, delta, window/2)
}

func checkSavGol(window, order, deriv, n int) error {
	switch {
	case window < 3 || window%2 == 0:
		return fmt.Errorf("Savitzky–Golay window must be odd and ≥ 3, got %d", window)
	case order < 0 || order >= window:
		return fmt.Errorf("Savitzky–Golay order must be in [0, window), got %d for window %d", order, window)
	case deriv < 0 || deriv > order:
		return fmt.Errorf("Savitzky–Golay derivative must be in [0, order], got %d", deriv)
	case window > n:
		return fmt.Errorf("Savitzky–Golay window %d is longer than the signal (%d points)", window, n)
	}
	return nil
}

// savgolWeights gives the weights for the deriv-th derivative at position pos
// (0 … window−1) of the window: row `deriv` of the least-squares solution
// operator (AᵀA)⁻¹Aᵀ of the Vandermonde matrix A, evaluated at pos.
func savgolWeights(window, order, deriv int, delta float64, pos int) ([]float64, error) {
	m := window / 2
	A := mat.NewDense(window, order+1, nil)
	for i := 0; i < window; i++ {
		for j := 0; j <= order; j++ {
			A.Set(i, j, math.Pow(float64(i-m), float64(j)))
		}
	}
	var qr mat.QR
	qr.Factorize(A)
	// Solve A c = e_i for each unit vector: columns of the pseudo-inverse.
	I := mat.NewDense(window, window, nil)
	for i := 0; i < window; i++ {
		I.Set(i, i, 1)
	}
	var pinv mat.Dense
	if err := qr.SolveTo(&pinv, false, I); err != nil {
		return nil, err
	}
	// The derivative of Σ c_j t^j at t = pos − m.
	t := float64(pos - m)
	w := make([]float64, window)
	for i := 0; i < window; i++ {
		s := 0.0
		for j := deriv; j <= order; j++ {
			s += pinv.At(j, i) * float64(fallingFactorial(j, deriv)) * math.Pow(t, float64(j-deriv))
		}
		w[i] = s / math.Pow(delta, float64(deriv))
	}
	return w, nil
}

func fallingFactorial(j, d int) int {
	f := 1
	for k := 0; k < d; k++ {
		f *= j - k
	}
	return f
}

// SavitzkyGolay filters y (or takes its deriv-th derivative, for sample spacing
// delta). Near the ends the polynomial fitted to the first and last windows is
// evaluated, as scipy.signal.savgol_filter's mode="interp" does.
func SavitzkyGolay(y []float64, window, order, deriv int, delta float64) ([]float64, error) {
	n := len(y)
	if err := checkSavGol(window, order, deriv, n); err != nil {
		return nil, err
	}
	m := window / 2
	out := make([]float64, n)
	centre, err := savgolWeights(window, order, deriv, delta, m)
	if err != nil {
		return nil, err
	}
	for i := m; i < n-m; i++ {
		s := 0.0
		for k, w := range centre {
			s += w * y[i-m+k]
		}
		out[i] = s
	}
	for pos := 0; pos < m; pos++ {
		wl, err := savgolWeights(window, order, deriv, delta, pos)
		if err != nil {
			return nil, err
		}
		wr, err := savgolWeights(window, order, deriv, delta, window-1-pos)
		if err != nil {
			return nil, err
		}
		sl, sr := 0.0, 0.0
		for k := 0; k < window; k++ {
			sl += wl[k] * y[k]
			sr += wr[k] * y[n-window+k]
		}
		out[pos], out[n-1-pos] = sl, sr
	}
	return out, nil
}

// RemoveSpikes finds cosmic-ray spikes by the modified z-score of the first
// differences (Whitaker and Hayes, Chemom. Intell. Lab. Syst. 179, 82–84, 2018):
// a spike is a run of at most maxWidth points entered by an upward jump and left
// by a downward jump whose z-scores exceed threshold (6 is typical). Because a
// narrow Raman line is as steep as a spike but has wings, each jump must also be
// spikeSharpness times the difference beside it (a spike rises from a flat
// neighbourhood in one step). Spike points
// are replaced by linear interpolation between their neighbours. It returns the
// cleaned signal and the spike indices.
func RemoveSpikes(y []float64, threshold float64, maxWidth int) ([]float64, []int, error) {
	n := len(y)
	if n < 3 {
		return nil, nil, fmt.Errorf("spike removal needs at least 3 points, got %d", n)
	}
	if threshold <= 0 || maxWidth < 1 {
		return nil, nil, fmt.Errorf("spike removal: threshold must be > 0 and width ≥ 1 (got %g, %d)", threshold, maxWidth)
	}
	d := make([]float64, n-1)
	for i := range d {
		d[i] = y[i+1] - y[i]
	}
	med := median(d)
	dev := make([]float64, len(d))
	for i, v := range d {
		dev[i] = math.Abs(v - med)
	}
	mad := median(dev)
	out := append([]float64(nil), y...)
	if mad == 0 {
		return out, nil, nil
	}
	big := func(i int) bool { return 0.6745*math.Abs(d[i]-med)/mad > threshold }
	sharp := func(jump, beside int) bool {
		return beside < 0 || beside >= len(d) || math.Abs(d[jump]) > spikeSharpness*math.Abs(d[beside])
	}
	var idx []int
	for i := 0; i < n-1; i++ {
		if !big(i) || d[i] <= 0 || !sharp(i, i-1) {
			continue
		}
		for k := i + 1; k < n-1 && k <= i+maxWidth; k++ {
			if big(k) && d[k] < 0 && sharp(k, k+1) { // points i+1 … k form the spike
				left, right := y[i], y[k+1]
				for j := i + 1; j <= k; j++ {
					t := float64(j-i) / float64(k+1-i)
					out[j] = left + t*(right-left)
					idx = append(idx, j)
				}
				i = k
				break
			}
		}
	}
	return out, idx, nil
}

// spikeSharpness is how much steeper than its neighbourhood a spike's edge is.
const spikeSharpness = 4

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
