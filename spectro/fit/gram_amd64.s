//go:build !purego

#include "textflag.h"

// func dot4(a, b0, b1, b2, b3 *float64, n int) (s0, s1, s2, s3 float64)
//
// The dot products of a with b0..b3 over n elements (n a multiple of 8),
// with AVX2 fused multiply-adds: each element of a is loaded once for the
// four products, and eight accumulators keep both FMA ports busy.
TEXT ·dot4(SB), NOSPLIT, $0-80
	MOVQ a+0(FP), SI
	MOVQ b0+8(FP), R8
	MOVQ b1+16(FP), R9
	MOVQ b2+24(FP), R10
	MOVQ b3+32(FP), R11
	MOVQ n+40(FP), CX
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7
	VXORPD Y8, Y8, Y8
	XORQ AX, AX

loop:
	CMPQ AX, CX
	JGE  done
	VMOVUPD (SI)(AX*8), Y4
	VMOVUPD 32(SI)(AX*8), Y9
	VFMADD231PD (R8)(AX*8), Y4, Y0
	VFMADD231PD (R9)(AX*8), Y4, Y1
	VFMADD231PD (R10)(AX*8), Y4, Y2
	VFMADD231PD (R11)(AX*8), Y4, Y3
	VFMADD231PD 32(R8)(AX*8), Y9, Y5
	VFMADD231PD 32(R9)(AX*8), Y9, Y6
	VFMADD231PD 32(R10)(AX*8), Y9, Y7
	VFMADD231PD 32(R11)(AX*8), Y9, Y8
	ADDQ $8, AX
	JMP  loop

done:
	VADDPD       Y5, Y0, Y0
	VADDPD       Y6, Y1, Y1
	VADDPD       Y7, Y2, Y2
	VADDPD       Y8, Y3, Y3
	VEXTRACTF128 $1, Y0, X4
	VADDPD       X4, X0, X0
	VHADDPD      X0, X0, X0
	VEXTRACTF128 $1, Y1, X4
	VADDPD       X4, X1, X1
	VHADDPD      X1, X1, X1
	VEXTRACTF128 $1, Y2, X4
	VADDPD       X4, X2, X2
	VHADDPD      X2, X2, X2
	VEXTRACTF128 $1, Y3, X4
	VADDPD       X4, X3, X3
	VHADDPD      X3, X3, X3
	VZEROUPPER
	MOVSD        X0, s0+48(FP)
	MOVSD        X1, s1+56(FP)
	MOVSD        X2, s2+64(FP)
	MOVSD        X3, s3+72(FP)
	RET
