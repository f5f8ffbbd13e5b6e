package lineshape

import (
	"math"
	"math/cmplx"
)

// The Faddeeva function w(z) = exp(−z²)·erfc(−iz) for Im z ≥ 0, by Weideman's
// rational approximation (J. A. C. Weideman, "Computation of the complex error
// function", SIAM J. Numer. Anal. 31, 1497–1518, 1994):
//
//	w(z) ≈ 2·p(Z)/(L − iz)² + 1/(√π·(L − iz)),  Z = (L + iz)/(L − iz),
//
// with p a polynomial of degree N whose coefficients are the Fourier
// coefficients of f(t) = exp(−t²)(L² + t²) sampled at t = L·tan(θ/2).
// Written here because neither gonum nor Go's standard library has w(z); with
// N = 40 it matches scipy.special.wofz to about 1e-10 relative over the
// arguments line fitting meets (see the tests).
const weidemanN = 40

var weideman = func() (c struct {
	L float64
	a []float64 // a[0] is the highest-degree coefficient (polyval order)
}) {
	N := weidemanN
	M := 2 * N
	M2 := 2 * M
	L := math.Sqrt(float64(N) / math.Sqrt2)
	// f has M2 samples: f[0] = 0, then k = −M+1 … M−1.
	f := make([]float64, M2)
	for i, k := 1, -M+1; k <= M-1; i, k = i+1, k+1 {
		theta := float64(k) * math.Pi / float64(M)
		t := L * math.Tan(theta/2)
		f[i] = math.Exp(-t*t) * (L*L + t*t)
	}
	// fftshift, then the real part of a DFT (M2 = 160 points: a direct sum is cheap and done once).
	shifted := make([]float64, M2)
	for i := range f {
		shifted[i] = f[(i+M2/2)%M2]
	}
	a := make([]float64, N+1)
	for n := 0; n <= N; n++ {
		sum := 0.0
		for j, v := range shifted {
			sum += v * math.Cos(2*math.Pi*float64(n*j)/float64(M2))
		}
		a[n] = sum / float64(M2)
	}
	c.L = L
	c.a = make([]float64, N)
	for i := 0; i < N; i++ { // flipud(a(2:N+1))
		c.a[i] = a[N-i]
	}
	return c
}()

// Faddeeva returns w(z) for Im z ≥ 0 (for Im z < 0 it uses w(z) = 2·exp(−z²) − w(−z)).
func Faddeeva(z complex128) complex128 {
	if imag(z) < 0 {
		return 2*cmplx.Exp(-z*z) - Faddeeva(-z)
	}
	L := complex(weideman.L, 0)
	iz := complex(-imag(z), real(z)) // i·z
	den := L - iz
	Z := (L + iz) / den
	var p complex128
	for _, c := range weideman.a {
		p = p*Z + complex(c, 0)
	}
	return 2*p/(den*den) + complex(1/math.Sqrt(math.Pi), 0)/den
}
