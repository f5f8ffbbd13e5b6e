//go:build !amd64 || purego

package fit

const haveDot4 = false

func dot4(a, b0, b1, b2, b3 *float64, n int) (s0, s1, s2, s3 float64) {
	panic("fit: dot4 needs amd64")
}
