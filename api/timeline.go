package api

import (
	"bytes"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/caseledger/caseledger/projections"
)

// timelineReads are the reviewer's views: the SFO timeline and the knowledge map.
var timelineReads = []read{
	{path: "/v1/cases/{crn}/timeline", name: "timeline", summary: "The SFO timeline: chronology, findings; format json, csv or html",
		query: []string{"from", "to", "known_at", "format"}, handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleTimeline) }},
	{path: "/v1/cases/{crn}/knowledge", name: "knowledge", summary: "Who held each piece of information and risk fact, and who had read the record, by an instant",
		query: []string{"at", "known_at"}, handler: func(s *Server) http.Handler { return http.HandlerFunc(s.handleKnowledge) }},
}

// handleTimeline serves GET /v1/cases/{crn}/timeline.
func (s *Server) handleTimeline(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" && format != "html" {
		writeProblem(w, http.StatusBadRequest, "format must be json, csv or html", fieldErr("format", "unknown format"))
		return
	}
	snap, history, ok := s.caseSnapshot(w, r)
	if !ok {
		return
	}
	knownAt := snap.KnownAt
	// The default window is decided by what was known at known_at: an SFO
	// recorded later must not move it.
	defFrom, defTo := projections.DefaultWindow(snap.Known, s.now())
	from, ok := queryTime(w, r, "from", defFrom)
	if !ok {
		return
	}
	to, ok := queryTime(w, r, "to", defTo)
	if !ok {
		return
	}
	if !from.Before(to) {
		writeProblem(w, http.StatusBadRequest, "from must be before to", fieldErr("from", "not before to"))
		return
	}
	org, _, err := s.ledger.Org(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := projections.Timeline(history, org, from, to, knownAt, s.thresholds)
	switch format {
	case "csv":
		var buf bytes.Buffer
		if err := projections.WriteCSV(&buf, v); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8; header=present")
		w.Header().Set("Content-Disposition", `attachment; filename="timeline-`+mux.Vars(r)["crn"]+`.csv"`)
		_, _ = w.Write(buf.Bytes())
	case "html":
		var buf bytes.Buffer
		if err := RenderTimelineHTML(&buf, v, s.thresholds.LateEntry.D()); err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", TimelineCSP)
		_, _ = w.Write(buf.Bytes())
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

// handleKnowledge serves GET /v1/cases/{crn}/knowledge?at=T.
func (s *Server) handleKnowledge(w http.ResponseWriter, r *http.Request) {
	at, ok := queryTime(w, r, "at", s.now())
	if !ok {
		return
	}
	knownAt, ok := queryTime(w, r, "known_at", s.now())
	if !ok {
		return
	}
	_, history, ok := s.caseSnapshot(w, r)
	if !ok {
		return
	}
	log, err := s.accessLog(r.Context(), mux.Vars(r)["crn"])
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, projections.KnowledgeMap(projections.At(history, at, knownAt), readers(log)))
}
