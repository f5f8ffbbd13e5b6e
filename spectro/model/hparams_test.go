package model

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"
)

// The defaults table is the only default: a context that holds none of the
// hyperparameters reads exactly as the default context does.
func TestParamFallsBackToTheDefaultsTable(t *testing.T) {
	fromTable, err := readHParams(context.New())
	if err != nil {
		t.Fatalf("an empty context: %v", err)
	}
	fromDefaults, err := readHParams(CreateDefaultContext())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromTable, fromDefaults) {
		t.Errorf("empty context reads %+v,\ndefault context %+v", fromTable, fromDefaults)
	}
	// Every default is readable as the type its readers ask for.
	ctx := CreateDefaultContext()
	for key := range defaults {
		if _, found := ctx.GetParam(key); !found {
			t.Errorf("%s: in the table but not in the default context", key)
		}
	}
	if got := Default[int](ParamSteps); got != 1500 {
		t.Errorf("Default(%s) = %d", ParamSteps, got)
	}
	// A value set in the context wins; an int default reads as a float.
	ctx.SetParam(ParamPeaks, 7)
	if got := Param[int](ctx, ParamPeaks); got != 7 {
		t.Errorf("Param(%s) = %d after setting 7", ParamPeaks, got)
	}
	if got := Param[float64](context.New(), ParamKLWarmup); got != 400 {
		t.Errorf("Param[float64](%s) = %g", ParamKLWarmup, got)
	}
}

func TestCheckParamsNamesTheParameter(t *testing.T) {
	for _, tc := range []struct {
		key  string
		val  any
		want string
	}{
		{ParamPrior, "cauchy", `prior "cauchy": want one of`},
		{ParamPeaks, 0, "peaks must be ≥ 1"},
		{ParamInPeaks, -1, "in_peaks must be ≥ 0"},
		{ParamDecoder, "conv", `decoder "conv"`},
		{ParamModalities, "infrared,nmr", "nmr"},
	} {
		ctx := CreateDefaultContext()
		ctx.SetParam(tc.key, tc.val)
		if err := CheckParams(ctx); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s=%v: %v, want an error with %q", tc.key, tc.val, err, tc.want)
		}
	}
}

// Models trained before TCH had its own name say "voigt" in their checkpoint
// and model.json: they read as TCH, and an unknown name is refused.
func TestPriorNames(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Prior
		ok   bool
	}{
		{"gauss", Gauss, true}, {"lorentz", Lorentz, true}, {"pvoigt", PseudoVoigt, true},
		{"tch", TCH, true}, {"voigt", TCH, true}, {"", "", false}, {"Gauss", "", false},
	} {
		got, err := ParsePrior(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParsePrior(%q) = %q, %v", tc.in, got, err)
		}
	}
	ctx := CreateDefaultContext()
	ctx.SetParam(ParamPrior, "voigt")
	hp, err := readHParams(ctx)
	if err != nil || hp.prior != TCH {
		t.Errorf("a checkpoint saying prior=voigt reads as %q, %v", hp.prior, err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, InfoFile), []byte(`{"from":"infrared","to":"raman","prior":"voigt"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if info, err := ReadInfo(dir); err != nil || info.Prior != TCH {
		t.Errorf("model.json saying prior=voigt reads as %v, %v", info, err)
	}
}
