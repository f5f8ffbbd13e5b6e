//go:build cgo && !noxla

package backend

// The XLA backend needs cgo. It is compiled in whenever cgo is available so that
// GPU/CPU-XLA users only need to provide a PJRT plugin; build with -tags noxla
// (or CGO_ENABLED=0) for a pure-Go binary.
import _ "github.com/gomlx/gomlx/backends/xla"
