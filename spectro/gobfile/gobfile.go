// Package gobfile stores a value as a gzipped gob file, written atomically:
// the form of the project's libraries (the generator's neighbours, the
// identification references).
package gobfile

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"fmt"
	"io"
	"os"

	"github.com/spectrogen-go/spectrogen/spectro/atomicfile"
)

// Write gob-encodes v, gzips it at the best compression and writes it to
// path atomically.
func Write(path string, v any) error {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err := gob.NewEncoder(zw).Encode(v); err != nil {
		return fmt.Errorf("encoding %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

// Read decodes into v what Write wrote; what names the kind of file for the
// errors ("not a neighbour library", "neighbour library is damaged").
func Read(r io.Reader, v any, what string) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a %s (%v)", what, err)
	}
	if err := gob.NewDecoder(zr).Decode(v); err != nil {
		return fmt.Errorf("%s is damaged: %v", what, err)
	}
	return nil
}

// Open opens path and decodes it with read, naming the file in any error.
func Open[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}
