package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// MaxBody is the largest request body accepted.
const MaxBody = 1 << 20

// readBody checks the media type and size of a write's body and returns it;
// an empty body counts as {}. It writes the problem and returns false on failure.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	hasBody := r.ContentLength > 0
	if r.ContentLength < 0 { // sent without a length (chunked): a body if it has a first byte
		br := bufio.NewReader(r.Body)
		_, err := br.Peek(1)
		hasBody = err == nil
		r.Body = struct {
			io.Reader
			io.Closer
		}{br, r.Body}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" || hasBody {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			writeProblem(w, http.StatusUnsupportedMediaType, "send application/json")
			return nil, false
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeProblem(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the body is over %d bytes", MaxBody))
		return nil, false
	}
	if err != nil {
		writeProblem(w, http.StatusBadRequest, "cannot read the body")
		return nil, false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	return body, true
}

// decodeStrict decodes body into v: unknown fields, trailing data and wrong
// types are errors. allowed, when not nil, lists the only top-level fields
// the body may carry (fields taken from the path are not among them).
func decodeStrict(body []byte, v any, allowed map[string]bool) error {
	if allowed != nil {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			return describeJSONError(err)
		}
		for k := range top {
			if !allowed[k] {
				return fmt.Errorf("unknown field %q", k)
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeJSONError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func describeJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Errorf("field %q: wrong type (want %s)", typeErr.Field, typeErr.Type)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("not JSON: %v at offset %d", syntaxErr, syntaxErr.Offset)
	case errors.As(err, &timeErr):
		return fmt.Errorf("a time is not RFC 3339: %q", timeErr.Value)
	}
	return err
}

// occurredAt is the common optional field of every write.
type occurredAt struct {
	OccurredAt *time.Time `json:"occurred_at"`
}

// takeOccurredAt reads occurred_at from a body (it may be absent).
func takeOccurredAt(body []byte) (time.Time, error) {
	var o occurredAt
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return time.Time{}, describeJSONError(err)
	}
	raw, ok := top["occurred_at"]
	if !ok || string(raw) == "null" {
		return time.Time{}, nil
	}
	if err := json.Unmarshal([]byte(`{"occurred_at":`+string(raw)+`}`), &o); err != nil {
		return time.Time{}, describeJSONError(err)
	}
	return o.OccurredAt.UTC(), nil
}

// withoutOccurredAt returns body without its occurred_at field.
func withoutOccurredAt(body []byte) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, describeJSONError(err)
	}
	if top == nil {
		return nil, errors.New("the body must be a JSON object")
	}
	delete(top, "occurred_at")
	return json.Marshal(top)
}

// fieldErr is a validation problem on one field that decoding found.
func fieldErr(field, msg string) domain.FieldError {
	return domain.FieldError{Field: field, Message: msg}
}
