// Package lineshape holds the line shapes of spectroscopy — Gaussian, Lorentzian,
// exact Voigt (through the Faddeeva function), pseudo-Voigt and the
// Thompson–Cox–Hastings pseudo-Voigt — as area-normalised profiles with analytic
// derivatives with respect to every parameter, for fitting.
//
// Every profile is parametrised by its centre, its width(s) as full width at half
// maximum (FWHM) and its area (the integral over x; lmfit calls it "amplitude").
// Height converts an area to the peak height and back.
//
//	shape        parameters p
//	Gaussian     center, fwhm, area
//	Lorentzian   center, fwhm, area
//	PseudoVoigt  center, fwhm, area, eta    (η·Lorentzian + (1−η)·Gaussian, one FWHM)
//	Voigt        center, fwhmG, fwhmL, area (Gaussian ⊗ Lorentzian, exact)
//	TCH          center, fwhmG, fwhmL, area (pseudo-Voigt with the Thompson–Cox–Hastings
//	                                         FWHM and η computed from fwhmG and fwhmL)
package lineshape

import (
	"fmt"
	"math"
	"strings"
)

// Shape is a line-shape family.
type Shape int

const (
	Gaussian Shape = iota
	Lorentzian
	PseudoVoigt
	Voigt
	TCH
)

// Shapes lists every shape.
var Shapes = []Shape{Gaussian, Lorentzian, PseudoVoigt, Voigt, TCH}

var shapeNames = [...]string{"gauss", "lorentz", "pvoigt", "voigt", "tch"}

func (s Shape) String() string {
	if int(s) < len(shapeNames) {
		return shapeNames[s]
	}
	return fmt.Sprintf("Shape(%d)", int(s))
}

// ParseShape reads "gauss", "lorentz", "pvoigt", "voigt" or "tch" (and a few
// long spellings).
func ParseShape(s string) (Shape, error) {
	switch strings.ToLower(s) {
	case "gauss", "gaussian":
		return Gaussian, nil
	case "lorentz", "lorentzian", "cauchy":
		return Lorentzian, nil
	case "pvoigt", "pseudovoigt", "pseudo-voigt", "pv":
		return PseudoVoigt, nil
	case "voigt":
		return Voigt, nil
	case "tch", "tch-pvoigt":
		return TCH, nil
	}
	return 0, fmt.Errorf("unknown line shape %q: want gauss, lorentz, pvoigt, voigt or tch", s)
}

// ParamNames returns the names of the shape's parameters, in order.
func (s Shape) ParamNames() []string {
	switch s {
	case PseudoVoigt:
		return []string{"center", "fwhm", "area", "eta"}
	case Voigt, TCH:
		return []string{"center", "fwhmG", "fwhmL", "area"}
	}
	return []string{"center", "fwhm", "area"}
}

// NumParams is len(ParamNames()).
func (s Shape) NumParams() int { return len(s.ParamNames()) }

// Indices of the parameters every shape has.
const (
	ICenter = 0
	IFWHM   = 1 // fwhm, or fwhmG for Voigt and TCH
)

// IArea is the index of the area parameter.
func (s Shape) IArea() int {
	if s == Voigt || s == TCH {
		return 3
	}
	return 2
}

const (
	ln2       = math.Ln2
	sqrt2ln2  = 1.1774100225154747 // √(2 ln 2): FWHM = 2√(2 ln 2)·σ
	gaussNorm = 0.9394372786996513 // √(4 ln 2 / π): height of a unit-area, unit-FWHM Gaussian
)

// Eval returns the profile at x.
func (s Shape) Eval(x float64, p []float64) float64 { return s.Grad(x, p, nil) }

// Grad returns the profile at x and, when grad is not nil (length NumParams),
// stores the derivative with respect to each parameter there.
func (s Shape) Grad(x float64, p, grad []float64) float64 {
	switch s {
	case Gaussian:
		return gauss(x, p[0], p[1], p[2], grad)
	case Lorentzian:
		return lorentz(x, p[0], p[1], p[2], grad)
	case PseudoVoigt:
		return pvoigt(x, p[0], p[1], p[2], p[3], grad)
	case Voigt:
		return voigt(x, p[0], p[1], p[2], p[3], grad)
	case TCH:
		return tch(x, p[0], p[1], p[2], p[3], grad)
	}
	panic(fmt.Sprintf("lineshape: unknown shape %d", int(s)))
}

// gaussCutoff: beyond this many FWHM a Gaussian is below e⁻⁶⁹ ≈ 1e-30 of its
// height (and so are its derivatives, up to a polynomial factor): exactly 0 in
// double precision next to the peak, so the exponential is skipped.
const gaussCutoff = 5

func gauss(x, c, f, a float64, grad []float64) float64 {
	u := x - c
	if math.Abs(u) > gaussCutoff*f {
		if grad != nil {
			grad[0], grad[1], grad[2] = 0, 0, 0
		}
		return 0
	}
	e := math.Exp(-4 * ln2 * u * u / (f * f))
	unit := gaussNorm / f * e // value for area 1
	v := a * unit
	if grad != nil {
		grad[0] = v * 8 * ln2 * u / (f * f)
		grad[1] = v * (-1/f + 8*ln2*u*u/(f*f*f))
		grad[2] = unit
	}
	return v
}

func lorentz(x, c, f, a float64, grad []float64) float64 {
	u := x - c
	D := u*u + f*f/4
	unit := f / (2 * math.Pi * D)
	v := a * unit
	if grad != nil {
		grad[0] = a * f / (2 * math.Pi) * 2 * u / (D * D)
		grad[1] = a / (2 * math.Pi * D) * (1 - f*f/(2*D))
		grad[2] = unit
	}
	return v
}

func pvoigt(x, c, f, a, eta float64, grad []float64) float64 {
	if grad == nil {
		return eta*lorentz(x, c, f, a, nil) + (1-eta)*gauss(x, c, f, a, nil)
	}
	var gl, gg [3]float64
	l := lorentz(x, c, f, a, gl[:])
	g := gauss(x, c, f, a, gg[:])
	for i := 0; i < 3; i++ {
		grad[i] = eta*gl[i] + (1-eta)*gg[i]
	}
	grad[3] = l - g
	return eta*l + (1-eta)*g
}

// voigt is the exact Voigt profile A·Re w(z)/(σ√(2π)), z = (x − c + iγ)/(σ√2),
// σ = fwhmG/(2√(2 ln 2)), γ = fwhmL/2, with dw/dz = −2z·w + 2i/√π.
func voigt(x, c, fG, fL, a float64, grad []float64) float64 {
	if fL <= 0 {
		v := gauss(x, c, fG, a, grad)
		if grad != nil {
			// ∂V/∂fL at fL = 0: the Lorentzian broadening's first-order effect.
			grad[3] = grad[2]
			grad[2] = voigtDLorentzAtZero(x, c, fG, a)
		}
		return v
	}
	if fG <= 0 {
		v := lorentz(x, c, fL, a, grad)
		if grad != nil {
			grad[3] = grad[2]
			grad[2] = grad[1]
			grad[1] = 0 // a vanishing Gaussian width has no first-order effect
		}
		return v
	}
	sigma := fG / (2 * sqrt2ln2)
	gamma := fL / 2
	s2 := sigma * math.Sqrt2
	z := complex((x-c)/s2, gamma/s2)
	w := Faddeeva(z)
	norm := 1 / (sigma * math.Sqrt(2*math.Pi))
	unit := real(w) * norm
	v := a * unit
	if grad != nil {
		dw := -2*z*w + complex(0, 2/math.Sqrt(math.Pi))
		// ∂/∂c: dz/dc = −1/(σ√2)
		grad[0] = -a * norm * real(dw) / s2
		// ∂/∂σ: dz/dσ = −z/σ, and the norm's 1/σ
		dSigma := a*norm*real(dw*(-z))/sigma - v/sigma
		grad[1] = dSigma / (2 * sqrt2ln2)
		// ∂/∂γ: dz/dγ = i/(σ√2)
		dGamma := a * norm * real(dw*complex(0, 1/s2))
		grad[2] = dGamma / 2
		grad[3] = unit
	}
	return v
}

// voigtDLorentzAtZero is ∂V/∂fwhmL at fwhmL = 0 (finite: the Gaussian convolved
// with the Lorentzian's first-order change), from dw/dz at y = 0.
func voigtDLorentzAtZero(x, c, fG, a float64) float64 {
	sigma := fG / (2 * sqrt2ln2)
	s2 := sigma * math.Sqrt2
	z := complex((x-c)/s2, 0)
	w := Faddeeva(z)
	dw := -2*z*w + complex(0, 2/math.Sqrt(math.Pi))
	norm := 1 / (sigma * math.Sqrt(2*math.Pi))
	return a * norm * real(dw*complex(0, 1/s2)) / 2
}

// TCH coefficients (Thompson, Cox and Hastings, J. Appl. Cryst. 20, 79–83, 1987).
var tchF = [6]float64{1, 2.69269, 2.42843, 4.47163, 0.07842, 1}

// TCHWidth returns the TCH pseudo-Voigt's FWHM and Lorentzian fraction η for
// Gaussian and Lorentzian FWHMs fG, fL.
func TCHWidth(fG, fL float64) (f, eta float64) {
	f, eta, _, _, _, _ = tchWidthGrad(fG, fL)
	return f, eta
}

func tchWidthGrad(fG, fL float64) (f, eta, dfdG, dfdL, detadG, detadL float64) {
	var P, dPdG, dPdL float64
	for k := 0; k <= 5; k++ { // P = Σ c_k fG^(5−k) fL^k
		gp, lp := math.Pow(fG, float64(5-k)), math.Pow(fL, float64(k))
		P += tchF[k] * gp * lp
		if 5-k > 0 {
			dPdG += tchF[k] * float64(5-k) * math.Pow(fG, float64(4-k)) * lp
		}
		if k > 0 {
			dPdL += tchF[k] * float64(k) * gp * math.Pow(fL, float64(k-1))
		}
	}
	f = math.Pow(P, 0.2)
	dfdP := 0.2 * f / P
	dfdG, dfdL = dfdP*dPdG, dfdP*dPdL
	r := fL / f
	eta = 1.36603*r - 0.47719*r*r + 0.11116*r*r*r
	detadr := 1.36603 - 2*0.47719*r + 3*0.11116*r*r
	detadG = detadr * (-fL / (f * f) * dfdG)
	detadL = detadr * (1/f - fL/(f*f)*dfdL)
	return
}

func tch(x, c, fG, fL, a float64, grad []float64) float64 {
	f, eta, dfdG, dfdL, detadG, detadL := tchWidthGrad(fG, fL)
	if grad == nil {
		return pvoigt(x, c, f, a, eta, nil)
	}
	var g [4]float64 // ∂/∂(c, f, a, η) of the pseudo-Voigt
	v := pvoigt(x, c, f, a, eta, g[:])
	grad[0] = g[0]
	grad[1] = g[1]*dfdG + g[3]*detadG
	grad[2] = g[1]*dfdL + g[3]*detadL
	grad[3] = g[2]
	return v
}

// FWHM returns the profile's full width at half maximum: the fwhm parameter, or
// for Voigt Olivero & Longbothum's approximation (0.02% accurate), for TCH its
// combined width.
func (s Shape) FWHM(p []float64) float64 {
	switch s {
	case Voigt:
		fG, fL := p[1], p[2]
		return 0.5346*fL + math.Sqrt(0.2166*fL*fL+fG*fG)
	case TCH:
		f, _ := TCHWidth(p[1], p[2])
		return f
	}
	return p[1]
}

// Height returns the profile's maximum (its value at the centre).
func (s Shape) Height(p []float64) float64 { return s.Eval(p[0], p) }

// AreaForHeight returns the area that gives the profile height h, with the
// other parameters as in p.
func (s Shape) AreaForHeight(p []float64, h float64) float64 {
	q := append([]float64(nil), p...)
	q[s.IArea()] = 1
	return h / s.Eval(q[0], q)
}

// LorentzFraction returns the profile's Lorentzian fraction η in [0, 1]: 0 for a
// Gaussian, 1 for a Lorentzian; for Voigt, TCH's η of its widths.
func (s Shape) LorentzFraction(p []float64) float64 {
	switch s {
	case Lorentzian:
		return 1
	case PseudoVoigt:
		return p[3]
	case Voigt, TCH:
		_, eta := TCHWidth(p[1], p[2])
		return eta
	}
	return 0
}

// Accumulate adds the profile at every x to f and, when grads is not nil
// (NumParams rows, each of len(x)), writes the derivatives with respect to
// each parameter there: grads[j][i] = ∂profile(x[i])/∂p[j]. It is Grad over
// a whole axis, for fitting: the Gaussian, Lorentzian and pseudo-Voigt work
// out their per-line constants once instead of at every point.
func (s Shape) Accumulate(x, p, f []float64, grads [][]float64) {
	switch s {
	case Gaussian:
		accumulatePV(x, p[0], p[1], p[2], 0, f, grads, false)
		return
	case Lorentzian:
		accumulatePV(x, p[0], p[1], p[2], 1, f, grads, false)
		return
	case PseudoVoigt:
		accumulatePV(x, p[0], p[1], p[2], p[3], f, grads, true)
		return
	}
	var g [4]float64
	for i, xv := range x {
		if grads == nil {
			f[i] += s.Grad(xv, p, nil)
			continue
		}
		gr := g[:len(grads)]
		f[i] += s.Grad(xv, p, gr)
		for j, v := range gr {
			grads[j][i] = v
		}
	}
}

// accumulatePV is Accumulate for η·Lorentzian + (1−η)·Gaussian of one FWHM
// fw and area a (η = 0: the Gaussian, η = 1: the Lorentzian); withEta says
// whether grads has the row for η. The formulas are gauss's and lorentz's.
func accumulatePV(x []float64, c, fw, a, eta float64, f []float64, grads [][]float64, withEta bool) {
	// Every loop invariant is hoisted by hand (the compiler moves no code out
	// of loops), so a point costs one division; the value-only and the
	// gradient loops are separate so neither tests for the other per point.
	k := 4 * ln2 / (fw * fw) // Gaussian exponent per squared distance
	gNorm := gaussNorm / fw  // unit-area Gaussian height
	lNorm := fw / (2 * math.Pi)
	quarter := fw * fw / 4
	cut := gaussCutoff * fw
	useL, useG := eta != 0 || withEta, eta != 1 || withEta // ∂/∂η needs both
	if grads == nil {
		for i, xv := range x {
			u := xv - c
			var l, g float64
			if useL {
				l = lNorm * (1 / (u*u + quarter))
			}
			if useG && math.Abs(u) <= cut {
				g = gNorm * math.Exp(-k*u*u)
			}
			f[i] += a * (eta*l + (1-eta)*g)
		}
		return
	}
	dc, df, da := grads[0], grads[1], grads[2]
	var de []float64
	if withEta {
		de = grads[3]
	}
	aOver2Pi := a / (2 * math.Pi)
	invFw := 1 / fw
	twoK := 2 * k
	for i, xv := range x {
		u := xv - c
		var l, g, lc, lf, gc, gf float64 // unit-area values and the derivatives of the scaled ones
		if useL {
			invD := 1 / (u*u + quarter)
			l = lNorm * invD
			lc = a * l * 2 * u * invD
			lf = aOver2Pi * invD * (1 - 2*quarter*invD)
		}
		if useG && math.Abs(u) <= cut {
			g = gNorm * math.Exp(-k*u*u)
			v := a * g
			gc = v * twoK * u
			gf = v * invFw * (twoK*u*u - 1)
		}
		unit := eta*l + (1-eta)*g
		f[i] += a * unit
		dc[i] = eta*lc + (1-eta)*gc
		df[i] = eta*lf + (1-eta)*gf
		da[i] = unit
		if withEta {
			de[i] = a * (l - g)
		}
	}
}
