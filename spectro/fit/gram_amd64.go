//go:build !purego

package fit

import "golang.org/x/sys/cpu"

// haveDot4 says whether this processor runs dot4 (AVX2 with FMA).
var haveDot4 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dot4 is in gram_amd64.s.
//
//go:noescape
func dot4(a, b0, b1, b2, b3 *float64, n int) (s0, s1, s2, s3 float64)
