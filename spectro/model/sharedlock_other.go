//go:build !unix

package model

// lockFile is a no-op where advisory file locks are not available: programs
// that need one shared model at once may then each train it (the first
// complete one is kept).
func lockFile(string) (func(), error) { return func() {}, nil }
