package fit

import "gonum.org/v1/gonum/floats"

// gramUpper writes the upper triangle of the Gram matrix of rows (all of one
// length) into G (len(rows)² values, row-major): G[a·m+b] = rows[a]·rows[b]
// for b ≥ a.
//
// It is half of a fit's time (the solver forms it at every iterate), so on
// processors with AVX2 and FMA it runs four products at a time in a kernel
// of our own (gram_amd64.s): gonum's dot product is SSE2, one product at a
// time, and took twice as long on the solver's 18–35 rows of 1,024 points.
// Elsewhere it is gonum's floats.Dot.
func gramUpper(rows [][]float64, G []float64) {
	m := len(rows)
	if m == 0 {
		return
	}
	n := len(rows[0])
	if !haveDot4 || n < 8 {
		for a := 0; a < m; a++ {
			for b := a; b < m; b++ {
				G[a*m+b] = floats.Dot(rows[a], rows[b])
			}
		}
		return
	}
	body := n &^ 7 // the kernel's part; the tail of under 8 points is added here
	for a := 0; a < m; a++ {
		ra := rows[a]
		for b := a; b < m; b += 4 {
			// Past the last row the kernel is given that row again and its
			// products are dropped.
			idx := [4]int{b, min(b+1, m-1), min(b+2, m-1), min(b+3, m-1)}
			var s [4]float64
			s[0], s[1], s[2], s[3] = dot4(&ra[0], &rows[idx[0]][0], &rows[idx[1]][0], &rows[idx[2]][0], &rows[idx[3]][0], body)
			for j := 0; j < 4 && b+j < m; j++ {
				if body < n {
					s[j] += floats.Dot(ra[body:], rows[b+j][body:])
				}
				G[a*m+b+j] = s[j]
			}
		}
	}
}
