package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// xssSummary is free text a caller might type: the page must show it as
// text, never run it.
const xssSummary = `Neighbours report threats against his former partner <script>alert(1)</script>`

// incident is the SFO scenario of the acceptance, built through the
// API with every entry back-dated weeks: a housing provider telephones about
// a MAPPA case owned by N01 of NPS; reception takes the call and routes it to
// C01 of CRC1 because the switchboard named them; N01 is on leave with no
// cover recorded; nobody acknowledges it; days later the person is remanded;
// later an SFO is notified.
type incident struct {
	crn  string
	base time.Time // when the case was opened
	call time.Time // when the housing provider telephoned

	opened, allocated, mappa, received, routed, remanded, sfo written
	absence                                                   written // on the org stream
	chargedAt                                                 time.Time
	last                                                      written // the case's last write
}

// newIncident builds the incident scenario on a seeded harness.
func newIncident(t testing.TB, h *harness) *incident {
	t.Helper()
	in := &incident{crn: h.newCRN(), base: time.Now().Add(-10 * 7 * day).Truncate(time.Hour).UTC()}
	at := func(d time.Duration) string { return instant(in.base.Add(d)) }
	w := func(token, template string, body map[string]any, args ...string) written {
		t.Helper()
		return h.write(t, token, template, body, append([]string{in.crn}, args...)...)
	}
	in.opened = h.write(t, tokN01, "/v1/cases", map[string]any{"crn": in.crn, "occurred_at": at(0),
		"person": map[string]any{"given_name": "Ray", "family_name": "Cole", "date_of_birth": "1984-07-19"}})
	in.allocated = w(tokN01, "/v1/cases/{crn}/allocations", map[string]any{"provider": "NPS", "team": "N1", "officer": "N01",
		"reason": "initial_allocation", "rationale": "MAPPA case: an experienced PO", "occurred_at": at(15 * time.Minute)})
	w(tokN01, "/v1/cases/{crn}/sentences", map[string]any{"sentence_id": "lic1", "kind": "licence", "court": "Leeds Crown Court",
		"start_date": in.base.Format("2006-01-02"), "occurred_at": at(time.Hour)})
	w(tokN01, "/v1/cases/{crn}/risk-assessments", map[string]any{"assessment_id": "ra1", "tool": "OASys", "rosh": "high", "rsr": 7.4,
		"occurred_at": at(2 * time.Hour)})
	in.mappa = w(tokN01, "/v1/cases/{crn}/registrations", map[string]any{"registration_id": "m1", "type": "MAPP", "category": "M2", "level": "M2",
		"occurred_at": at(3 * time.Hour)})
	for i, d := range []time.Duration{2*day + 10*time.Hour, 9*day + 10*time.Hour} {
		id := fmt.Sprintf("ap%d", i+1)
		w(tokN01, "/v1/cases/{crn}/appointments", map[string]any{"appointment_id": id, "starts_at": at(d), "kind": "office",
			"officer": "N01", "sentence_id": "lic1", "occurred_at": at(d - day)})
		w(tokN01, "/v1/cases/{crn}/appointments/{id}/outcome", map[string]any{"outcome": "attended_complied", "occurred_at": at(d + time.Hour)}, id)
	}
	in.absence = h.write(t, tokAdmin, "/v1/org/officers/{code}/absences", map[string]any{"absence_id": "leave-n01",
		"from": at(20 * day), "to": at(34 * day), "occurred_at": at(19 * day)}, "N01")

	in.call = in.base.Add(22*day + 9*time.Hour)
	in.received = w(tokN02, "/v1/cases/{crn}/information", map[string]any{"information_id": "i1",
		"source":  map[string]any{"organisation": "Leeds Housing Trust", "person": "tenancy officer", "kind": "housing"},
		"channel": "phone", "received_by": map[string]any{"reception": true}, "summary": xssSummary,
		"risk_relevant": true, "urgency": "urgent", "occurred_at": instant(in.call)})
	in.routed = w(tokN02, "/v1/cases/{crn}/information/{id}/routing", map[string]any{"to": map[string]any{"officer": "C01", "team": "C1"},
		"reason": "the switchboard named them", "occurred_at": instant(in.call.Add(20 * time.Minute))}, "i1")
	in.remanded = w(tokN02, "/v1/cases/{crn}/custody/remand", map[string]any{"court": "Leeds MC", "reason": "charged with assault",
		"occurred_at": at(27 * day)})
	in.chargedAt = in.base.Add(39 * day)
	in.sfo = w(tokN02, "/v1/cases/{crn}/sfo", map[string]any{"sfo_id": "sfo1", "offence": "attempted murder",
		"offence_date": in.base.Add(38 * day).Format("2006-01-02"), "charged_at": instant(in.chargedAt), "category": "mandatory",
		"occurred_at": at(40 * day)})
	in.last = in.sfo
	return in
}

// timelineEntry is one entry of the JSON timeline.
type timelineEntry struct {
	EventID    string    `json:"event_id"`
	Revision   uint64    `json:"revision"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurred_at"`
	RecordedAt time.Time `json:"recorded_at"`
	LagSeconds float64   `json:"lag_seconds"`
	Actor      struct {
		ID           string `json:"id"`
		Organisation string `json:"organisation"`
	} `json:"actor"`
	Summary     string `json:"summary"`
	RetractedBy string `json:"retracted_by"`
	Owner       *struct {
		Provider string `json:"provider"`
		Team     string `json:"team"`
		Officer  string `json:"officer"`
	} `json:"owner"`
}

// timelineFinding is one finding of the JSON timeline.
type timelineFinding struct {
	Rule     string    `json:"rule"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Summary  string    `json:"summary"`
	Evidence []string  `json:"evidence"`
}

// timelineDoc is the JSON timeline.
type timelineDoc struct {
	From     time.Time         `json:"from"`
	To       time.Time         `json:"to"`
	Entries  []timelineEntry   `json:"entries"`
	Findings []timelineFinding `json:"findings"`
}

// ofRule returns the findings of one rule.
func (d timelineDoc) ofRule(rule string) []timelineFinding {
	var out []timelineFinding
	for _, f := range d.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// entry returns the entry of an event, and whether it is there.
func (d timelineDoc) entry(id string) (timelineEntry, bool) {
	for _, e := range d.Entries {
		if e.EventID == id {
			return e, true
		}
	}
	return timelineEntry{}, false
}

// timeline reads the JSON timeline of the incident as the reviewer.
func (in *incident) timeline(t testing.TB, h *harness, kv ...string) timelineDoc {
	t.Helper()
	var d timelineDoc
	r := h.readJSON(t, tokReviewer, withQuery("/v1/cases/"+in.crn+"/timeline", kv...), &d)
	requireCaseETag(t, r, in.last.Revision)
	raw := requireKeys(t, jsonOf(t, r), "entries", "findings", "from", "to")
	for _, e := range raw["entries"].([]any) {
		requireKeys(t, e, "event_id", "revision", "type", "occurred_at", "recorded_at", "lag_seconds", "actor", "summary", "owner")
	}
	for _, f := range raw["findings"].([]any) {
		requireKeys(t, f, "rule", "from", "to", "summary", "evidence")
	}
	return d
}

// TestIncidentTimeline reads the SFO timeline of the incident scenario over
// HTTP and checks what a reviewer needs: the three findings with their
// evidence, the entries in occurred_at order with both clocks and the owner
// at each instant, the default window, and the timeline as known before the
// routing was recorded.
func TestIncidentTimeline(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	in := newIncident(t, h)
	d := in.timeline(t, h)

	t.Run("findings", func(t *testing.T) {
		misrouted := d.ofRule("information_misrouted")
		require.Len(t, misrouted, 1, "reception taking the call is not misrouting; routing it to C01 is: %+v", d.Findings)
		require.Equal(t, []string{in.routed.first(), in.allocated.first()}, misrouted[0].Evidence)
		require.True(t, in.call.Add(20*time.Minute).Equal(misrouted[0].From))
		require.Contains(t, misrouted[0].Summary, "C01")
		require.Contains(t, misrouted[0].Summary, "N01")

		notAcked := d.ofRule("information_not_acknowledged")
		require.Len(t, notAcked, 1)
		require.Equal(t, []string{in.received.first(), in.routed.first()}, notAcked[0].Evidence)
		require.True(t, in.call.Equal(notAcked[0].From))
		require.True(t, in.call.Add(day).Equal(notAcked[0].To), "urgent: one day")

		absent := d.ofRule("owner_absent_without_cover")
		require.Len(t, absent, 1)
		require.Equal(t, []string{in.received.first(), in.routed.first(), in.absence.first()}, absent[0].Evidence,
			"the information's events, then the org event that recorded the absence")
		require.True(t, in.call.Equal(absent[0].From))
		require.True(t, in.base.Add(34*day).Equal(absent[0].To), "to the end of the absence")
		require.Contains(t, absent[0].Summary, "N01")

		for i := 1; i < len(d.Findings); i++ {
			require.False(t, d.Findings[i].From.Before(d.Findings[i-1].From), "sorted by from")
		}
		require.Empty(t, d.ofRule("risk_escalation_not_actioned"), "NPS may hold a MAPPA case")
		require.NotEmpty(t, d.ofRule("late_entry"), "every entry was recorded weeks after it occurred")
	})

	t.Run("entries", func(t *testing.T) {
		evs, _, ok := h.caseEvents(t, in.crn)
		require.True(t, ok)
		require.Len(t, d.Entries, len(evs), "every event of the case is in the default window")
		for i, e := range d.Entries {
			if i > 0 {
				require.False(t, e.OccurredAt.Before(d.Entries[i-1].OccurredAt), "in occurred_at order")
			}
			stored := eventByID(t, evs, e.EventID)
			require.True(t, stored.OccurredAt.Equal(e.OccurredAt), "occurred_at of %s", e.Type)
			require.True(t, stored.RecordedAt.Equal(e.RecordedAt), "recorded_at of %s", e.Type)
			require.InDelta(t, e.RecordedAt.Sub(e.OccurredAt).Seconds(), e.LagSeconds, 0.001)
			require.Greater(t, e.LagSeconds, float64(20*day/time.Second), "back-dated weeks")
			require.Equal(t, stored.Type, e.Type)
			require.NotEmpty(t, e.Summary)
			require.NotEmpty(t, e.Actor.ID)
			if e.EventID == in.opened.first() {
				require.Nil(t, e.Owner, "nobody owned the case when it opened")
				continue
			}
			require.NotNil(t, e.Owner, "%s", e.Type)
			require.Equal(t, "N01", e.Owner.Officer, "%s: N01 owned the case throughout", e.Type)
			require.Equal(t, "N1", e.Owner.Team)
			require.Equal(t, "NPS", e.Owner.Provider)
		}
		routed, ok := d.entry(in.routed.first())
		require.True(t, ok)
		require.Equal(t, "information.routed", routed.Type)
		require.Equal(t, "N02", routed.Actor.ID)
		require.Equal(t, "NPS", routed.Actor.Organisation)
		require.True(t, in.call.Add(20*time.Minute).Equal(routed.OccurredAt))
		received, _ := d.entry(in.received.first())
		require.Contains(t, received.Summary, "reception")
		require.Contains(t, received.Summary, "<script>", "JSON carries the text as typed; the page escapes it")
	})

	t.Run("the default window", func(t *testing.T) {
		require.True(t, in.chargedAt.AddDate(-1, 0, 0).Equal(d.From), "12 months before charged_at: %s", d.From)
		require.WithinDuration(t, time.Now(), d.To, time.Minute, "to now")
	})

	t.Run("as known before the routing was recorded", func(t *testing.T) {
		require.True(t, recordedAt(t, in.routed).After(recordedAt(t, in.received)))
		before := in.timeline(t, h, "known_at", in.received.RecordedAt)
		_, ok := before.entry(in.received.first())
		require.True(t, ok, "the call was known")
		for _, e := range before.Entries {
			require.NotEqual(t, "information.routed", e.Type, "no routing entry")
			require.False(t, e.RecordedAt.After(recordedAt(t, in.received)))
		}
		require.Empty(t, before.ofRule("information_misrouted"), "nothing was misrouted as known then")
		for _, f := range before.Findings {
			require.NotContains(t, f.Evidence, in.routed.first())
		}
		absent := before.ofRule("owner_absent_without_cover")
		require.Len(t, absent, 1)
		require.Equal(t, []string{in.received.first(), in.absence.first()}, absent[0].Evidence)
		require.True(t, before.From.Equal(in.base), "no SFO was known: the window starts at the opening, not at %s", before.From)
	})

	t.Run("a window", func(t *testing.T) {
		w := in.timeline(t, h, "from", instant(in.base.Add(20*day)), "to", instant(in.base.Add(30*day)))
		require.True(t, in.base.Add(20*day).Equal(w.From))
		require.True(t, in.base.Add(30*day).Equal(w.To))
		var types []string
		for _, e := range w.Entries {
			types = append(types, e.Type)
		}
		require.Equal(t, []string{"information.received", "information.routed", "custody.remanded"}, types)
		require.Len(t, w.ofRule("information_misrouted"), 1)
		require.Len(t, w.ofRule("owner_absent_without_cover"), 1)
		require.Len(t, w.ofRule("information_not_acknowledged"), 1)
		for _, f := range w.Findings {
			require.True(t, f.From.Before(w.To) && (f.To.After(w.From) || f.To.Equal(f.From)), "%s overlaps the window", f.Rule)
		}
		requireProblem(t, h.get(t, tokReviewer, withQuery("/v1/cases/"+in.crn+"/timeline", "from", instant(in.base.Add(30*day)),
			"to", instant(in.base.Add(20*day)))), http.StatusBadRequest, "malformed")
	})
}

// TestIncidentKnowledgeMap asks who held what between the routing and the
// remand: reception and C01 had the call; N01, the owner, did not.
func TestIncidentKnowledgeMap(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	in := newIncident(t, h)
	path := "/v1/cases/" + in.crn + "/knowledge"

	type holder struct {
		Who     string    `json:"who"`
		WhoKind string    `json:"who_kind"`
		How     string    `json:"how"`
		At      time.Time `json:"at"`
	}
	type knowledge struct {
		Information []struct {
			InformationID string    `json:"information_id"`
			Summary       string    `json:"summary"`
			ReceivedAt    time.Time `json:"received_at"`
			Holders       []holder  `json:"holders"`
		} `json:"information"`
		RiskFacts []struct {
			EventID string    `json:"event_id"`
			Summary string    `json:"summary"`
			At      time.Time `json:"at"`
			Holders []holder  `json:"holders"`
		} `json:"risk_facts"`
		Readers []map[string]any `json:"readers"`
	}
	read := func(t *testing.T, kv ...string) knowledge {
		t.Helper()
		var k knowledge
		r := h.readJSON(t, tokReviewer, withQuery(path, kv...), &k)
		requireCaseETag(t, r, in.last.Revision)
		raw := requireKeys(t, jsonOf(t, r), "at", "information", "risk_facts", "readers")
		for _, i := range raw["information"].([]any) {
			m := requireKeys(t, i, "information_id", "summary", "received_at", "holders")
			for _, x := range m["holders"].([]any) {
				requireKeys(t, x, "who", "who_kind", "how", "at")
			}
		}
		for _, f := range raw["risk_facts"].([]any) {
			requireKeys(t, f, "event_id", "summary", "at", "holders")
		}
		return k
	}

	between := in.base.Add(24 * day)
	k := read(t, "at", instant(between))
	require.Len(t, k.Information, 1)
	held := k.Information[0]
	require.Equal(t, "i1", held.InformationID)
	require.Equal(t, xssSummary, held.Summary)
	require.True(t, in.call.Equal(held.ReceivedAt))
	routedAt := in.call.Add(20 * time.Minute)
	require.Len(t, held.Holders, 3)
	for i, want := range []holder{
		{Who: "reception", WhoKind: "reception", How: "received", At: in.call},
		{Who: "C01", WhoKind: "officer", How: "routed", At: routedAt},
		{Who: "C1", WhoKind: "team", How: "routed", At: routedAt},
	} {
		got := held.Holders[i]
		require.Equal(t, []string{want.Who, want.WhoKind, want.How}, []string{got.Who, got.WhoKind, got.How})
		require.True(t, want.At.Equal(got.At), "%s from %s", got.Who, got.At)
	}
	for _, x := range held.Holders {
		require.NotEqual(t, "N01", x.Who, "the owner never had it")
		require.NotEqual(t, "N1", x.Who, "nor the owner's team")
	}
	var facts []string
	for _, f := range k.RiskFacts {
		facts = append(facts, f.EventID)
	}
	require.Contains(t, facts, in.mappa.first(), "the MAPPA registration is a risk fact")
	require.Len(t, facts, 2, "the assessment and the registration")

	t.Run("before the routing", func(t *testing.T) {
		k := read(t, "at", instant(in.call.Add(10*time.Minute)))
		require.Len(t, k.Information, 1)
		require.Len(t, k.Information[0].Holders, 1, "only reception")
	})
	t.Run("before the call", func(t *testing.T) {
		require.Empty(t, read(t, "at", instant(in.call.Add(-time.Minute))).Information)
	})
	t.Run("as known before the routing was recorded", func(t *testing.T) {
		k := read(t, "at", instant(between), "known_at", in.received.RecordedAt)
		require.Len(t, k.Information, 1)
		require.Len(t, k.Information[0].Holders, 1, "the routing was not yet recorded")
	})
}

// csvHeader is the header row of the timeline's CSV export.
var csvHeader = []string{"occurred_at", "recorded_at", "lag_seconds", "type", "summary", "actor_id", "actor_name",
	"actor_organisation", "owner_provider", "owner_team", "owner_officer", "event_id", "retracted_by", "replaces"}

// TestIncidentTimelineCSV reads the CSV export: RFC 4180, a header row, one
// row per entry of the JSON timeline, in the same order.
func TestIncidentTimelineCSV(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	in := newIncident(t, h)
	d := in.timeline(t, h)

	r := h.get(t, tokReviewer, "/v1/cases/"+in.crn+"/timeline?format=csv")
	require.Equal(t, http.StatusOK, r.status, "answer: %s", r)
	require.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/csv"), r.header.Get("Content-Type"))
	requireCaseETag(t, r, in.last.Revision)
	require.Contains(t, string(r.body), "\r\n", "RFC 4180 lines end in CRLF")

	cr := csv.NewReader(bytes.NewReader(r.body))
	rows, err := cr.ReadAll()
	require.NoError(t, err, "RFC 4180")
	require.Equal(t, csvHeader, rows[0])
	require.Len(t, rows, len(d.Entries)+1, "a header row, then one row per entry")
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for i, e := range d.Entries {
		row := rows[i+1]
		require.Equal(t, e.EventID, row[col["event_id"]])
		require.Equal(t, e.Type, row[col["type"]])
		require.Equal(t, e.Summary, row[col["summary"]], "free text survives the quoting")
		occurred, err := time.Parse(time.RFC3339, row[col["occurred_at"]])
		require.NoError(t, err)
		require.True(t, e.OccurredAt.Truncate(time.Second).Equal(occurred))
		require.Equal(t, fmt.Sprintf("%.0f", e.LagSeconds), row[col["lag_seconds"]])
		require.Equal(t, e.Actor.ID, row[col["actor_id"]])
		if e.Owner == nil {
			require.Empty(t, row[col["owner_officer"]])
		} else {
			require.Equal(t, e.Owner.Officer, row[col["owner_officer"]])
			require.Equal(t, e.Owner.Provider, row[col["owner_provider"]])
		}
	}
}

// timelineHTML reads the printable page of the incident as the reviewer.
func (in *incident) timelineHTML(t testing.TB, h *harness) response {
	t.Helper()
	r := h.get(t, tokReviewer, "/v1/cases/"+in.crn+"/timeline?format=html")
	require.Equal(t, http.StatusOK, r.status, "answer: %s", r)
	return r
}

var rawScript = regexp.MustCompile(`(?i)<\s*script`)

// TestIncidentTimelineHTML reads the printable page: self-contained under a
// strict Content-Security-Policy, with the swimlanes, every finding, a table
// row per entry, and every piece of free text escaped.
func TestIncidentTimelineHTML(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	in := newIncident(t, h)
	d := in.timeline(t, h)
	r := in.timelineHTML(t, h)
	page := string(r.body)

	require.True(t, strings.HasPrefix(r.header.Get("Content-Type"), "text/html"), r.header.Get("Content-Type"))
	csp := r.header.Get("Content-Security-Policy")
	require.Contains(t, csp, "default-src 'none'")
	require.NotContains(t, csp, "unsafe-inline")
	require.NotContains(t, csp, "script-src", "the page runs no script")
	requireCaseETag(t, r, in.last.Revision)

	require.Contains(t, page, "<svg")
	for _, lane := range []string{"Owner", "RoSH", "Custody", "Appointments", "Information", "Findings"} {
		require.Regexp(t, `<text class="lane"[^>]*>`+lane+`</text>`, page, "the %s lane is labelled", lane)
	}
	require.Contains(t, page, in.crn)
	require.Contains(t, page, "Ray Cole")
	for _, rule := range []string{"information_misrouted", "information_not_acknowledged", "owner_absent_without_cover"} {
		require.Contains(t, page, `<span class="rule">`+rule+`</span>`)
	}
	for _, f := range d.Findings {
		require.Contains(t, page, `<span class="rule">`+f.Rule+`</span>`, "every finding is on the page")
	}
	late := countRule(d.Findings, "late_entry")
	require.Equal(t, late, strings.Count(page, `<tr class="late-entry">`), "every late entry, in the late entries table")
	require.Equal(t, len(d.Findings)-late, strings.Count(page, `<div class="finding">`))
	for _, e := range d.Entries {
		require.Equal(t, 1, strings.Count(page, `<tr id="ev-`+e.EventID+`"`), "one table row per entry: %s", e.Type)
	}
	require.Equal(t, len(d.Entries), strings.Count(page, `<tr id="ev-`))
	require.Contains(t, page, `href="#ev-`+in.absence.first()+`"`, "evidence links, the org event's too")

	require.Contains(t, page, "&lt;script&gt;alert(1)&lt;/script&gt;", "the summary is shown, escaped")
	require.NotRegexp(t, rawScript, page, "no raw <script")
	require.NotContains(t, page, "alert(1)</script>")
}

// TestTimelineRetractedEntries checks that a retracted entry stays in the
// timeline, marked with what retracted it, and that findings do not cite it.
func TestTimelineRetractedEntries(t *testing.T) {
	h := newHarness(t)
	h.seedOrg(t)
	in := newIncident(t, h)
	retraction := h.write(t, tokN02, "/v1/cases/{crn}/events/{event_id}/retraction", map[string]any{"reason": "entered on the wrong case"},
		in.crn, in.routed.first())
	in.last = retraction
	d := in.timeline(t, h)
	routed, ok := d.entry(in.routed.first())
	require.True(t, ok, "the retracted entry stays")
	require.Equal(t, retraction.first(), routed.RetractedBy)
	_, ok = d.entry(retraction.first())
	require.True(t, ok, "and so does the retraction")
	require.Empty(t, d.ofRule("information_misrouted"), "a finding never cites a retracted entry")
	for _, f := range d.Findings {
		require.NotContains(t, f.Evidence, in.routed.first())
	}
	page := string(in.timelineHTML(t, h).body)
	require.Contains(t, page, `<tr id="ev-`+in.routed.first()+`" class="retracted">`)

	before := in.timeline(t, h, "known_at", in.sfo.RecordedAt)
	require.Len(t, before.ofRule("information_misrouted"), 1, "as known before the retraction, the finding stood")
}

// countRule counts the findings of one rule.
func countRule(fs []timelineFinding, rule string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == rule {
			n++
		}
	}
	return n
}
