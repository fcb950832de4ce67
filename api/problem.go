package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// Problem is an RFC 9457 problem details body.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail,omitempty"`
	Errors []domain.FieldError `json:"errors,omitempty"`
	// Rule names the domain rule that refused the command, when one did.
	Rule string `json:"rule,omitempty"`
	// EventID names the existing event a refused command would invalidate.
	EventID string `json:"event_id,omitempty"`
}

// problemNames are the problem types of API.md, by status.
var problemNames = map[int]struct{ name, title string }{
	http.StatusBadRequest:            {"malformed", "Malformed request"},
	http.StatusUnauthorized:          {"unauthorized", "Unauthorized"},
	http.StatusForbidden:             {"forbidden", "Forbidden"},
	http.StatusNotFound:              {"not-found", "Not found"},
	http.StatusMethodNotAllowed:      {"method-not-allowed", "Method not allowed"},
	http.StatusConflict:              {"conflict", "Conflict"},
	http.StatusPreconditionFailed:    {"precondition-failed", "Precondition failed"},
	http.StatusRequestEntityTooLarge: {"too-large", "Request body too large"},
	http.StatusUnsupportedMediaType:  {"unsupported-media-type", "Unsupported media type"},
	http.StatusUnprocessableEntity:   {"validation", "Validation failed"},
	http.StatusInternalServerError:   {"internal", "Internal error"},
	http.StatusServiceUnavailable:    {"unavailable", "Service unavailable"},
}

// kindStatus maps the domain's refusal kinds to statuses: the one table.
var kindStatus = map[domain.Kind]int{
	domain.Validation: http.StatusUnprocessableEntity,
	domain.NotFound:   http.StatusNotFound,
	domain.Conflict:   http.StatusConflict,
}

// writeProblem writes a problem with the given status and detail.
func writeProblem(w http.ResponseWriter, status int, detail string, fields ...domain.FieldError) {
	p := problemNames[status]
	writeProblemBody(w, Problem{Type: "urn:caseledger:problem:" + p.name, Title: p.title, Status: status, Detail: detail, Errors: fields})
}

func writeProblemBody(w http.ResponseWriter, p Problem) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	switch p.Status {
	case http.StatusUnauthorized:
		h.Set("WWW-Authenticate", `Bearer realm="caseledger"`)
	case http.StatusServiceUnavailable:
		h.Set("Retry-After", "1")
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeError writes any error of a command or read: a domain refusal with
// its rule, a ledger or store condition, or — for anything else — a 500
// whose detail goes to the log only.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		p := problemNames[kindStatus[de.Kind]]
		writeProblemBody(w, Problem{Type: "urn:caseledger:problem:" + p.name, Title: p.title, Status: kindStatus[de.Kind],
			Detail: de.Error(), Errors: de.Fields, Rule: de.Rule, EventID: de.EventID})
	case errors.As(err, new(errMalformed)):
		writeProblem(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, errForbidden):
		writeProblem(w, http.StatusForbidden, errForbidden.Error())
	case errors.Is(err, ledger.ErrPrecondition):
		writeProblem(w, http.StatusPreconditionFailed, err.Error())
	case errors.Is(err, ledger.ErrIdempotencyMismatch):
		writeProblem(w, http.StatusUnprocessableEntity, err.Error(), domain.FieldError{Field: "Idempotency-Key", Message: err.Error()})
	case errors.Is(err, ledger.ErrContention):
		writeProblem(w, http.StatusConflict, err.Error())
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, store.ErrClosed):
		s.log.Warn("store unavailable", "path", r.URL.Path, "err", err)
		writeProblem(w, http.StatusServiceUnavailable, "the event store is unavailable; try again")
	default:
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		writeProblem(w, http.StatusInternalServerError, "")
	}
}
