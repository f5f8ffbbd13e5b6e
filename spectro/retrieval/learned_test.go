package retrieval

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// confounded makes a library whose sources hold a class band (at 40 + 30·class,
// which decides the target's band) and a stronger band at a random place that
// says nothing about the target: the fixed cosine is led by the stronger
// band, a learned space should follow the class band.
func confounded(rng *rand.Rand, n int) (entries []Entry, classes []int) {
	for i := range n {
		c := rng.IntN(5)
		src := band(256, 0, float64(40+30*c))
		nuisance := band(256, 0, 10+rng.Float64()*236)
		for j := range src {
			src[j] = (src[j] + 3*nuisance[j]) / 4 // in [0, 1], as library spectra are
		}
		entries = append(entries, Entry{Key: string(rune('A'+i%26)) + string(rune('a'+i/26%26)), Species: "s", Source: src, Target: band(128, 0, float64(10+20*c))})
		classes = append(classes, c)
	}
	return entries, classes
}

func TestLearnFollowsWhatPredictsTheTarget(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	entries, classes := confounded(rng, 300)
	queries, qClasses := confounded(rng, 100)
	hits := func(lib *Library) int {
		n := 0
		for i, q := range queries {
			if classes[lib.Nearest(q.Source, 1, 0.05, nil)[0].Index] == qClasses[i] {
				n++
			}
		}
		return n
	}
	fixed, err := New(entries)
	if err != nil {
		t.Fatal(err)
	}
	learned, _ := New(entries)
	if err := learned.Learn(32, 1); err != nil {
		t.Fatal(err)
	}
	hf, hl := hits(fixed), hits(learned)
	t.Logf("nearest neighbour of the right class: fixed cosine %d/100, learned %d/100", hf, hl)
	if hl < hf+10 || hl < 80 {
		t.Errorf("learned space finds the right class for %d of 100 queries, fixed cosine %d: want ≥ 80 and 10 more", hl, hf)
	}
	if !learned.Learned() || fixed.Learned() {
		t.Error("Learned() does not say which library learned")
	}

	// Saved and read back, the library ranks as before (16-bit spectra move
	// similarities by ~1e-5).
	path := filepath.Join(t.TempDir(), FileName)
	if err := learned.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Learned() {
		t.Fatal("the learned embedding was lost in the file")
	}
	for _, q := range queries[:20] {
		a, b := learned.Nearest(q.Source, 3, 0.05, nil), back.Nearest(q.Source, 3, 0.05, nil)
		if a[0].Index != b[0].Index || abs(a[0].Similarity-b[0].Similarity) > 3e-3 {
			t.Fatalf("after reading back: first neighbour %d (%.4f), before %d (%.4f)", b[0].Index, b[0].Similarity, a[0].Index, a[0].Similarity)
		}
	}

	// A library sharing the embedding ranks in the same space.
	shared, _ := New(entries[:200])
	shared.ShareEmbedding(learned)
	if got := hits(shared); got < 70 {
		t.Errorf("a library sharing the learned embedding finds the right class for %d of 100", got)
	}
}

func TestLearnRefusesBadArguments(t *testing.T) {
	lib := testLibrary(t)
	if err := lib.Learn(64, 0.3); err == nil {
		t.Error("four pairs: want an error (too few to learn from)")
	}
	if err := lib.Learn(2, 1.5); err == nil {
		t.Error("weight 1.5: want an error")
	}
	if lib.Learned() {
		t.Error("a failed Learn left an embedding behind")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
