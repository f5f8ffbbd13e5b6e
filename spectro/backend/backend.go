// Package backend chooses and configures the GoMLX backend that SpectroGen-Go's
// models run on.
//
// The default is GoMLX's pure-Go backend in a configuration measured to be both
// deadlock-free on small (2-core) machines and the fastest there:
// "go:parallelism=-1,dotgeneral_large". The XLA backend (CPU or GPU through a PJRT
// plugin) is an opt-in: set GOMLX_BACKEND=xla:cpu (or xla:cuda), or pass the
// config to New. Without a PJRT plugin XLA fails fast with an error saying so.
//
// New also installs a faster gradient for rank-2 Dot (see FastDotGradient), since
// the stock gradient dominates training time on the pure-Go backend.
package backend

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // the pure-Go backend, always compiled in
)

// DefaultConfig is the backend SpectroGen-Go uses when nothing else is asked for.
// parallelism=-1 avoids a worker-pool deadlock of the stock config on 2 cores;
// dotgeneral_large measured fastest for the project's dense layers.
const DefaultConfig = "go:parallelism=-1,dotgeneral_large"

// EnvVar is the environment variable that selects another backend config.
const EnvVar = backends.ConfigEnvVar // "GOMLX_BACKEND"

func init() {
	// GoMLX's own default is "xla", which fails on machines without a PJRT plugin as
	// soon as the xla package is linked in. Make the pure-Go backend the default.
	backends.DefaultConfig = DefaultConfig
}

// Config returns the backend configuration New would use for the argument:
// the argument if not empty, else $GOMLX_BACKEND if set, else DefaultConfig.
// A bare "go" gets DefaultConfig's options, since the stock options can deadlock.
func Config(config string) string {
	if config == "" {
		config = strings.TrimSpace(os.Getenv(EnvVar))
	}
	if config == "" || config == "go" {
		return DefaultConfig
	}
	return config
}

var cache struct {
	sync.Mutex
	backends map[string]backends.Backend
}

// New returns the backend for config (see Config for how an empty config is
// resolved), creating it on first use and reusing it afterwards. It never panics:
// an unknown backend or a missing XLA plugin is an error.
func New(config string) (b backends.Backend, err error) {
	FastDotGradient()
	config = Config(config)
	cache.Lock()
	defer cache.Unlock()
	if b, ok := cache.backends[config]; ok {
		return b, nil
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("backend %q: %v", config, r)
		}
	}()
	name, _, _ := strings.Cut(config, ":")
	if !compiledIn(name) {
		return nil, fmt.Errorf("backend %q is not compiled into this binary (available: %s)%s",
			config, strings.Join(backends.List(), ", "), xlaHint(name))
	}
	b, err = quietStdout(func() (backends.Backend, error) { return backends.NewWithConfig(config) })
	if err != nil {
		return nil, fmt.Errorf("backend %q: %w%s", config, err, xlaHint(name))
	}
	if cache.backends == nil {
		cache.backends = map[string]backends.Backend{}
	}
	cache.backends[config] = b
	return b, nil
}

// MustNew is New for notebooks and examples: it panics on error.
func MustNew(config string) backends.Backend {
	b, err := New(config)
	if err != nil {
		panic(err)
	}
	return b
}

// Describe names a backend for reports: its name and description.
func Describe(b backends.Backend) string {
	return fmt.Sprintf("%s (%s)", b.Name(), b.Description())
}

func compiledIn(name string) bool {
	for _, n := range backends.List() {
		if n == name {
			return true
		}
	}
	return false
}

func xlaHint(name string) string {
	if name != "xla" {
		return ""
	}
	return "; the XLA backend needs a PJRT plugin: set PJRT_PLUGIN_LIBRARY_PATH to the folder holding " +
		"pjrt_c_api_cpu_plugin.so (or the CUDA plugin), or use the default pure-Go backend by unsetting " + EnvVar
}

// quietStdout runs newBackend with os.Stdout pointed at the null device: the
// pure-Go backend prints its parallelism setting with fmt.Printf, which would
// otherwise land in every notebook cell and command output. Backends are created
// once per config (see New), at start-up, so the swap is brief.
func quietStdout(newBackend func() (backends.Backend, error)) (backends.Backend, error) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return newBackend()
	}
	saved := os.Stdout
	os.Stdout = null
	defer func() {
		os.Stdout = saved
		null.Close()
	}()
	return newBackend()
}
