package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/caseledger/caseledger/domain"
)

const day = 24 * time.Hour

// planAbsences invents the officers' absences: leave booked ahead and
// sickness recorded after it began, some with a cover officer and some
// without, two running now (one covered, one not), one booked for the
// coming weeks and one cancelled.
func (o *orgPlan) planAbsences(rng *rand.Rand, now time.Time) {
	var staff []*officerPlan
	for _, t := range teamSpecs {
		for _, off := range o.teams[t.code].officers {
			if off.Grade != "SPO" {
				staff = append(staff, off)
			}
		}
	}
	rng.Shuffle(len(staff), func(i, j int) { staff[i], staff[j] = staff[j], staff[i] })
	span := int(now.Sub(o.start) / day)
	midnight := func(t time.Time) time.Time { return t.Truncate(day) }
	add := func(off *officerPlan, from time.Time, days int, cover bool, recorded time.Time) *absencePlan {
		a := &absencePlan{recorded: minTime(recorded, now), OfficerAbsenceRecorded: domain.OfficerAbsenceRecorded{
			AbsenceID: fmt.Sprintf("absence-%d", len(o.absences)+1), Code: off.Code, From: from, To: from.Add(time.Duration(days) * day)}}
		if cover {
			a.CoverOfficer = o.teams[off.Team].pick(rng, off.Code, "PO", "SPO").Code
		}
		o.absences = append(o.absences, a)
		return a
	}
	for i := 0; i < 8; i++ {
		from := midnight(o.start.Add(time.Duration(between(rng, 90, span-40)) * day))
		if i%2 == 0 { // annual leave, booked weeks ahead
			add(staff[i], from, between(rng, 7, 14), chance(rng, 0.7), officeTime(rng, from.Add(-time.Duration(between(rng, 14, 40))*day)))
		} else { // sickness, recorded the day after it began
			add(staff[i], from, between(rng, 14, 60), chance(rng, 0.5), officeTime(rng, from.Add(day)))
		}
	}
	today := midnight(now)
	add(staff[8], today.Add(-3*day), 9, true, officeTime(rng, today.Add(-20*day)))
	add(staff[9], today.Add(-2*day), 14, false, officeTime(rng, today.Add(-day)))
	add(staff[10], today.Add(10*day), 14, true, officeTime(rng, today.Add(-4*day)))
	from := midnight(o.start.Add(time.Duration(between(rng, 200, span-60)) * day))
	a := add(staff[11], from, 10, true, officeTime(rng, from.Add(-25*day)))
	a.cancelled = minTime(officeTime(rng, from.Add(-6*day)), now)
	sort.SliceStable(o.absences, func(i, j int) bool { return o.absences[i].recorded.Before(o.absences[j].recorded) })
}

// officeTime returns a random time in office hours (09:00 to 16:30 UTC, on
// a five-minute mark) on t's day, or on the Monday after a weekend.
func officeTime(rng *rand.Rand, t time.Time) time.Time {
	switch t.Weekday() {
	case time.Saturday:
		t = t.Add(2 * day)
	case time.Sunday:
		t = t.Add(day)
	}
	return t.Truncate(day).Add(9*time.Hour + time.Duration(rng.IntN(91))*5*time.Minute)
}
