package projections

import (
	"encoding/csv"
	"io"
	"strconv"
)

// csvHeader is the header row of the timeline's CSV export.
var csvHeader = []string{"occurred_at", "recorded_at", "lag_seconds", "type", "summary", "actor_id", "actor_name",
	"actor_organisation", "owner_provider", "owner_team", "owner_officer", "event_id", "retracted_by", "replaces"}

// WriteCSV writes the timeline's entries as RFC 4180 CSV, one row per entry
// after a header row. Times are UTC.
func WriteCSV(w io.Writer, v TimelineView) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, e := range v.Entries {
		var op, ot, oo string
		if e.Owner != nil {
			op, ot, oo = e.Owner.Provider, e.Owner.Team, e.Owner.Officer
		}
		row := []string{
			e.OccurredAt.UTC().Format("2006-01-02T15:04:05Z07:00"), e.RecordedAt.UTC().Format("2006-01-02T15:04:05Z07:00"),
			strconv.FormatFloat(e.LagSeconds, 'f', 0, 64), e.Type, e.Summary, e.Actor.ID, e.Actor.Name, e.Actor.Organisation,
			op, ot, oo, e.EventID, e.RetractedBy, e.Replaces,
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
