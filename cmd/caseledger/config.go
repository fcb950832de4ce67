package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/caseledger/caseledger/projections"
)

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

// decodeConfig decodes a JSON configuration strictly: unknown keys and
// trailing data are errors, so a typo in a threshold's name is not ignored.
func decodeConfig(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the configuration")
	}
	return nil
}

// thresholdFlags collects --threshold name=duration flags; each overrides
// one threshold of the findings configuration.
type thresholdFlags []string

func (t *thresholdFlags) String() string { return "" }

func (t *thresholdFlags) Set(v string) error {
	if _, _, ok := cutEq(v); !ok {
		return errors.New("want name=duration, e.g. ack_routine=3d")
	}
	*t = append(*t, v)
	return nil
}

func cutEq(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			return s[:i], s[i+1:], i > 0 && i < len(s)-1
		}
	}
	return "", "", false
}

// apply lays the flags over th by decoding {"name": "duration"} strictly.
func (t thresholdFlags) apply(th *projections.Thresholds) error {
	for _, f := range t {
		name, value, _ := cutEq(f)
		b, _ := json.Marshal(map[string]string{name: value})
		if err := decodeConfig(b, th); err != nil {
			return fmt.Errorf("--threshold %s: %w", f, err)
		}
	}
	return nil
}
