package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/gomlx/gomlx/pkg/ml/context/checkpoints"

	"github.com/spectrogen-go/spectrogen/spectro/retrieval"
)

// Export writes a slim copy of a trained model folder to dst for shipping
// and generation only: model.json, the neighbour library and one checkpoint
// holding the model's weights without the optimizer's moments and training
// metrics (a third of the size). A model exported this way loads and
// generates as the original does; training cannot resume from it.
func Export(src, dst string) (err error) {
	defer catch(&err)
	info, err := ReadInfo(src)
	if err != nil {
		return err
	}
	ckpt := filepath.Join(src, "checkpoints")
	if !hasCheckpoint(ckpt) {
		return fmt.Errorf("%s has no checkpoint: train the model first", src)
	}
	ctx := CreateDefaultContext()
	if _, err := checkpoints.Load(ctx).Dir(ckpt).Immediate().Done(); err != nil {
		return fmt.Errorf("loading %s: %w", ckpt, err)
	}
	var drop []*context.Variable
	ctx.EnumerateVariables(func(v *context.Variable) {
		s := v.Scope()
		if strings.HasPrefix(s, "/AdamOptimizer") || strings.HasPrefix(s, "/metrics") || strings.HasPrefix(s, "/trainer") || strings.HasPrefix(s, earlyStopScope) {
			drop = append(drop, v)
		}
	})
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	dstCkpt := filepath.Join(dst, "checkpoints")
	if err := os.RemoveAll(dstCkpt); err != nil {
		return err
	}
	h, err := checkpoints.Build(ctx).Dir(dstCkpt).Keep(1).ExcludeVars(drop...).Done()
	if err != nil {
		return err
	}
	if err := h.Save(); err != nil {
		return err
	}
	if lib := filepath.Join(src, retrieval.FileName); fileExists(lib) {
		l, err := retrieval.Load(lib)
		if err != nil {
			return err
		}
		for i := range l.Entries {
			l.Entries[i].Name = filepath.Base(l.Entries[i].Name)
		}
		if err := l.Save(filepath.Join(dst, retrieval.FileName)); err != nil {
			return err
		}
	}
	// The copy travels: it names its data by folder name, not by where the
	// folders were on the machine that trained it.
	var names []string
	for _, src := range strings.Split(info.Data.Source, ",") {
		if src = strings.TrimSpace(src); src != "" {
			names = append(names, filepath.Base(src))
		}
	}
	info.Data.Source = strings.Join(names, ",")
	if info.Data.Augment != "" {
		info.Data.Augment = filepath.Base(info.Data.Augment)
	}
	if info.Data.References != "" {
		info.Data.References = filepath.Base(info.Data.References)
	}
	if info.Training != nil {
		t := *info.Training
		t.Dir = ""
		info.Training = &t
	}
	return writeInfo(dst, *info)
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
