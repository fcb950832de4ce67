package projections

import (
	"slices"
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// The rules of DOMAIN.md's findings table, by name. Names never change once
// published: reviewers' reports and API consumers match on them.
const (
	RuleNotAcknowledged     = "information_not_acknowledged"
	RuleMisrouted           = "information_misrouted"
	RuleOwnerAbsent         = "owner_absent_without_cover"
	RuleNoEnforcement       = "absence_without_enforcement"
	RuleNoContact           = "no_contact"
	RuleEscalationNotActed  = "risk_escalation_not_actioned"
	RuleTransferPendingLong = "transfer_pending_too_long"
	RuleUnallocated         = "unallocated"
	RuleHomeVisitMissing    = "home_visit_missing"
	RuleLateEntry           = "late_entry"
)

// Finding is one pattern the SFO timeline reports: the rule that found it,
// the span it covers, a line a reviewer can read, and the ids of the events
// that are its evidence (case events, and for owner_absent_without_cover the
// org event that recorded the absence).
type Finding struct {
	Rule     string    `json:"rule"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Summary  string    `json:"summary"`
	Evidence []string  `json:"evidence"`
}

// rule evaluates one row of the findings table over a replayed case.
type rule func(p *replay, th Thresholds) []Finding

// rules are every row of DOMAIN.md's findings table.
var rules = []rule{
	informationNotAcknowledged, informationMisrouted, ownerAbsentWithoutCover,
	absenceWithoutEnforcement, noContact, homeVisitMissing,
	riskEscalationNotActioned, transferPendingTooLong, unallocated,
	lateEntry,
}

// Findings evaluates every rule of DOMAIN.md's findings table over the fold
// s — retracted entries excluded, as s.Timeline and s.State already are — as
// at the instant at. The caller passes the earlier of the window's to and
// known_at as at, and s = At(history, at, knownAt), so nothing that occurred
// or was recorded after at is seen. A rule with a deadline fires only once at
// is strictly after the deadline: what is done exactly at the deadline is in
// time. It keeps the findings that overlap the window [from, to) (see
// overlaps) and returns them sorted by From, then Rule; never nil.
//
// org is the reference data as currently known (teams, providers' high_risk
// flag, absences and their cover); nil is taken as an empty organisation.
func Findings(s Snapshot, org *domain.Org, from, to, at time.Time, th Thresholds) []Finding {
	if org == nil {
		org = domain.NewOrg()
	}
	p := newReplay(s, org, at)
	out := []Finding{}
	for _, r := range rules {
		for _, f := range r(p, th) {
			if overlaps(f, from, to) {
				f.From, f.To = f.From.UTC(), f.To.UTC()
				out = append(out, f)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		if c := a.To.Compare(b.To); c != 0 {
			return c
		}
		return strings.Compare(a.Summary, b.Summary)
	})
	return out
}

// overlaps reports whether a finding's span meets the window [from, to). A
// span is [From, To): one that ends exactly at from is outside. A finding
// that is an instant (From = To) is inside when from ≤ From < to.
func overlaps(f Finding, from, to time.Time) bool {
	if !f.From.Before(to) {
		return false
	}
	return f.To.After(from) || (f.To.Equal(f.From) && !f.From.Before(from))
}

// finding builds a Finding; evidence ids that are empty are left out.
func finding(rule string, from, to time.Time, summary string, evidence ...string) Finding {
	ev := make([]string, 0, len(evidence))
	for _, id := range evidence { // one to a few ids: a scan beats a set
		if id != "" && !slices.Contains(ev, id) {
			ev = append(ev, id)
		}
	}
	return Finding{Rule: rule, From: from, To: to, Summary: summary, Evidence: ev}
}
