package backend

import (
	"sync"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/shapes"
)

var (
	fastDotOnce sync.Once
	// stockDotVJP is GoMLX's own gradient of Dot, kept for the ranks the fast
	// version does not handle (and for the test that compares the two).
	stockDotVJP = graph.VJPRegistration[graph.NodeTypeDot]
)

// FastDotGradient replaces GoMLX's gradient of Dot for two rank-2 operands
// (what layers.Dense uses) by two matrix products,
//
//	dLhs = v · rhsᵀ,  dRhs = lhsᵀ · v,
//
// instead of materialising a [i, j, k] broadcast and reduce-summing it, which
// costs 85% of a training step on the pure-Go backend (measured 778 → 109 ms per
// step on an MLP VAE). Other rank combinations keep the stock gradient. It is
// installed once per process; New calls it.
func FastDotGradient() {
	fastDotOnce.Do(func() { graph.VJPRegistration[graph.NodeTypeDot] = fastDotVJP })
}

func fastDotVJP(node *graph.Node, vjps []*graph.Node, out shapes.Shape) []*graph.Node {
	in := node.Inputs()
	if len(in) != 2 || in[0].Rank() != 2 || in[1].Rank() != 2 {
		return stockDotVJP(node, vjps, out)
	}
	lhs, rhs, v := in[0], in[1], vjps[0] // lhs [i,j], rhs [j,k], v [i,k]
	return []*graph.Node{
		graph.DotGeneral(v, []int{1}, nil, rhs, []int{1}, nil), // Σk v[i,k]·rhs[j,k] → [i,j]
		graph.DotGeneral(lhs, []int{0}, nil, v, []int{0}, nil), // Σi lhs[i,j]·v[i,k] → [j,k]
	}
}
