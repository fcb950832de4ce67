package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/mux"
	"github.com/gowebpki/jcs"

	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
)

// handleWrite serves one write route: parse, command, execute, write.
func (s *Server) handleWrite(wr write) http.HandlerFunc {
	allowed := wr.bodyFields()
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := readBody(w, r)
		if !ok {
			return
		}
		req, ok := s.requestOf(w, r, body)
		if !ok {
			return
		}
		cmd, at, err := parseCommand(wr, body, allowed, mux.Vars(r), req.Seed)
		if err != nil {
			writeProblem(w, http.StatusBadRequest, err.Error())
			return
		}
		req.OccurredAt = at
		req.Stream, ok = streamOf(wr, r, cmd)
		if !ok {
			writeProblem(w, http.StatusNotFound, "no such case")
			return
		}
		decide, err := s.decider(r, wr, cmd, req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		res, err := s.ledger.Execute(r.Context(), req, decide)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.writeResult(w, wr, cmd, res)
	}
}

// requestOf reads the headers every write shares: If-Match, Idempotency-Key.
func (s *Server) requestOf(w http.ResponseWriter, r *http.Request, body []byte) (ledger.Request, bool) {
	actor := actorOf(r)
	req := ledger.Request{Actor: actor, CorrelationID: uuid.NewString()}
	if im := r.Header.Get("If-Match"); im != "" {
		n, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(im, "W/"), `"`), 10, 64)
		if err != nil || n < -1 {
			writeProblem(w, http.StatusBadRequest, `If-Match must be "<revision>"`)
			return req, false
		}
		req.IfMatch = &n
	}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if !validKey(key) {
			writeProblem(w, http.StatusBadRequest, "Idempotency-Key must be 1 to 128 visible ASCII characters")
			return req, false
		}
		req.Key = strings.Join([]string{actor.ID, r.Method, r.URL.Path, key}, "\x00")
		req.Digest = digest(body)
	}
	req.Seed = ledger.SeedFor(req.Key)
	return req, true
}

func validKey(k string) bool {
	if len(k) < 1 || len(k) > 128 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// digest identifies a body whatever its whitespace and key order.
func digest(body []byte) string {
	canon, err := jcs.Transform(body)
	if err != nil {
		canon = body
	}
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:16])
}

// parseCommand decodes a write's body into its command, fills the fields
// the path names and generates the id it creates when the body has none.
func parseCommand(wr write, body []byte, allowed map[string]bool, vars map[string]string, seed uuid.UUID) (any, time.Time, error) {
	at, err := takeOccurredAt(body)
	if err != nil {
		return nil, at, err
	}
	rest, err := withoutOccurredAt(body)
	if err != nil {
		return nil, at, err
	}
	cmd := wr.newCmd()
	if err := decodeStrict(rest, cmd, allowed); err != nil {
		return nil, at, err
	}
	fill := map[string]string{}
	for v, field := range wr.fromPath {
		if field != "" {
			fill[field] = vars[v]
		}
	}
	if wr.created != "" && fieldValue(cmd, wr.created) == "" {
		fill[wr.created] = ledger.GeneratedID(seed, 0)
	}
	if len(fill) > 0 {
		b, _ := json.Marshal(fill)
		if err := json.Unmarshal(b, cmd); err != nil {
			return nil, at, fmt.Errorf("path: %w", err)
		}
	}
	return reflect.ValueOf(cmd).Elem().Interface(), at, nil
}

// fieldValue returns the string value of a command's JSON field.
func fieldValue(cmd any, field string) string {
	b, _ := json.Marshal(cmd)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	v, _ := m[field].(string)
	return v
}

// streamOf names the stream a write goes to; false for a CRN that cannot exist.
func streamOf(wr write, r *http.Request, cmd any) (string, bool) {
	switch wr.stream {
	case orgStream:
		return domain.OrgStream, true
	case newCase:
		return domain.CaseStream(cmd.(domain.OpenCase).CRN), true
	}
	crn := mux.Vars(r)["crn"]
	return domain.CaseStream(crn), domain.ValidCRN(crn)
}

// writeResult answers 201 with the written events, or 200 with the first
// answer when the request was an idempotent replay.
func (s *Server) writeResult(w http.ResponseWriter, wr write, cmd any, res ledger.Result) {
	out := map[string]any{
		"revision": res.Revision, "position": res.Position, "recorded_at": res.RecordedAt.UTC(), "events": written(res.Events),
	}
	if crn, ok := strings.CutPrefix(res.Stream, "case-"); ok {
		out["crn"] = crn
	} else {
		out["stream"] = res.Stream
	}
	if wr.created != "" {
		out[wr.created] = fieldValue(cmd, wr.created)
	}
	w.Header().Set("ETag", etag(res.Revision))
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	if wr.stream == newCase {
		w.Header().Set("Location", "/v1/cases/"+out["crn"].(string))
	}
	writeJSON(w, status, out)
}

func written(evs []domain.Envelope) []writtenEvent {
	out := make([]writtenEvent, len(evs))
	for i, e := range evs {
		out[i] = writtenEvent{EventID: e.EventID, Type: e.Type, Revision: e.Revision}
	}
	return out
}

func etag(revision uint64) string { return `"` + strconv.FormatUint(revision, 10) + `"` }

// writtenEvent is one event in a write's answer.
type writtenEvent struct {
	EventID  string `json:"event_id"`
	Type     string `json:"type"`
	Revision uint64 `json:"revision"`
}
