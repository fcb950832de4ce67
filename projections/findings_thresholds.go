package projections

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Day is the findings' day: DOMAIN.md says a day is 24 hours, whatever the
// calendar or the clocks going forward.
const Day = 24 * time.Hour

// Thresholds are the findings' thresholds, configuration with DOMAIN.md's
// defaults (DefaultThresholds).
type Thresholds struct {
	// AckUrgent and AckRoutine are how long the owner (or cover) has to
	// acknowledge risk-relevant information, by its urgency.
	AckUrgent  Duration `json:"ack_urgent"`
	AckRoutine Duration `json:"ack_routine"`
	// EnforcementWindow is how long after an unacceptable absence a warning
	// or breach must follow; RepeatWindow is how close a second one makes a
	// breach due.
	EnforcementWindow Duration `json:"enforcement_window"`
	RepeatWindow      Duration `json:"repeat_window"`
	// NoContact and NoContactHighRisk are the longest gaps between attended
	// appointments, the second when RoSH is high or very high.
	NoContact         Duration `json:"no_contact"`
	NoContactHighRisk Duration `json:"no_contact_high_risk"`
	// RiskEscalation is how long a high-risk case may stay with a provider
	// that is not high_risk.
	RiskEscalation Duration `json:"risk_escalation"`
	// TransferPending is how long a transfer may stay pending.
	TransferPending Duration `json:"transfer_pending"`
	// HomeVisit is how soon after a domestic-abuse or child-concern
	// registration a home visit must be attended.
	HomeVisit Duration `json:"home_visit"`
	// LateEntry is the largest lag between occurred_at and recorded_at that
	// is not reported.
	LateEntry Duration `json:"late_entry"`
}

// DefaultThresholds returns DOMAIN.md's thresholds: 1 day, 5 days, 7 days,
// 365 days (12 months, taken as 365 days of 24 hours), 28 days, 14 days, 10
// days, 14 days, 28 days and 48 hours.
func DefaultThresholds() Thresholds {
	return Thresholds{
		AckUrgent: Duration(Day), AckRoutine: Duration(5 * Day),
		EnforcementWindow: Duration(7 * Day), RepeatWindow: Duration(365 * Day),
		NoContact: Duration(28 * Day), NoContactHighRisk: Duration(14 * Day),
		RiskEscalation: Duration(10 * Day), TransferPending: Duration(14 * Day),
		HomeVisit: Duration(28 * Day), LateEntry: Duration(48 * time.Hour),
	}
}

// Duration is a time.Duration written in configuration as a Go duration
// ("36h", "90m") or as whole days ("5d", a day being 24 hours). It is written
// back in days when it is a whole number of days, else as a Go duration.
// Negative durations are refused.
type Duration time.Duration

// D returns the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String returns the form MarshalText writes.
func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%Day == 0 {
		return strconv.FormatInt(int64(td/Day), 10) + "d"
	}
	return compact(td.String())
}

// MarshalText writes whole days as "Nd", anything else as a Go duration.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "Nd" (whole days) or a Go duration string.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	var td time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseInt(n, 10, 64)
		if err != nil || days > int64(1<<63-1)/int64(Day) {
			return fmt.Errorf("duration %q: want whole days like \"5d\" or a Go duration like \"36h\"", s)
		}
		td = time.Duration(days) * Day
	} else {
		var err error
		if td, err = time.ParseDuration(s); err != nil {
			return fmt.Errorf("duration %q: want whole days like \"5d\" or a Go duration like \"36h\"", s)
		}
	}
	if td < 0 {
		return fmt.Errorf("duration %q: must not be negative", s)
	}
	*d = Duration(td)
	return nil
}

// compact drops the zero minutes and seconds Go writes ("48h0m0s" → "48h").
func compact(s string) string {
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// fmtDur writes a span for a reviewer: days and what is left, e.g. "5 days",
// "1 day 6h", "2 days 1s", "3h 20m".
func fmtDur(d time.Duration) string {
	if d < 0 {
		return "-" + fmtDur(-d)
	}
	days, rest := d/Day, d%Day
	b := make([]byte, 0, 24)
	switch {
	case days == 1:
		b = append(b, "1 day"...)
	case days > 1:
		b = append(strconv.AppendInt(b, int64(days), 10), " days"...)
	}
	h, m, s := rest/time.Hour, rest%time.Hour/time.Minute, rest%time.Minute/time.Second
	for _, u := range [...]struct {
		n    time.Duration
		unit byte
	}{{h, 'h'}, {m, 'm'}, {s, 's'}} {
		if u.n > 0 {
			if len(b) > 0 {
				b = append(b, ' ')
			}
			b = append(strconv.AppendInt(b, int64(u.n), 10), u.unit)
		}
	}
	if len(b) == 0 {
		if d > 0 {
			return d.String()
		}
		return "0s"
	}
	return string(b)
}

// fmtDate writes an instant for a summary: the UTC date, and the time of day
// when it is not midnight.
func fmtDate(t time.Time) string {
	t = t.UTC()
	if t.Equal(t.Truncate(Day)) {
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 15:04")
}
