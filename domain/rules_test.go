package domain_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// ruleCase is one command decided on a case whose events are given: refused
// by the rule wantErr, or allowed when wantErr is nil.
type ruleCase struct {
	name string
	// given are the case's events in the order they were stored.
	given []domain.Recorded
	// org are reference data events besides orgEvents().
	org  []domain.Recorded
	when domain.Command
	at   time.Time
	// by is the organisation of the caller, when not the test practitioner's (NPS).
	by      string
	wantErr *domain.Error
	// wantFields are the fields a refusal names.
	wantFields []string
	// wantEvent is the event an ErrInvalidatesHistory refusal names, and
	// wantCause the rule that event would then break.
	wantEvent string
	wantCause *domain.Error
	// then checks more of what an allowed command records.
	then func(t *testing.T, got []domain.Recorded)
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			org := domain.BuildOrg(stored(append(orgEvents(), tc.org...)...))
			m := meta(tc.at)
			if tc.by != "" {
				m.Actor.Organisation = tc.by
			}
			got, err := domain.Decide(stored(tc.given...), org, m, tc.when)
			want, wantErr := domain.DecideGenerally(stored(tc.given...), org, m, tc.when)
			require.Equal(t, wantErr, err, "Decide and the general path refuse alike")
			require.Equal(t, want, got, "Decide and the general path decide alike")
			requireOutcome(t, err, tc.wantErr, tc.wantFields, tc.wantEvent, tc.wantCause)
			if tc.wantErr != nil {
				require.Nil(t, got)
				return
			}
			require.NotEmpty(t, got)
			if tc.then != nil {
				tc.then(t, got)
			}
		})
	}
}

// requireOutcome asserts err is exactly the rule want (not merely wrapping
// it), with the fields, invalidated event and cause given; or no error when
// want is nil.
func requireOutcome(t *testing.T, err error, want *domain.Error, fields []string, event string, cause *domain.Error) {
	t.Helper()
	if want == nil {
		require.NoError(t, err)
		return
	}
	requireRule(t, err, want)
	var got *domain.Error
	require.True(t, errors.As(err, &got), "%v is not a *domain.Error", err)
	require.Equal(t, want.Rule, got.Rule, "refused by %v", err)
	require.Equal(t, want.Kind, got.Kind)
	if fields != nil {
		names := make([]string, 0, len(got.Fields))
		for _, f := range got.Fields {
			names = append(names, f.Field)
		}
		require.ElementsMatch(t, fields, names, "fields of %v", err)
	}
	if want.Rule == domain.ErrInvalidatesHistory.Rule {
		require.NotEmpty(t, event, "a case refused by invalidates_history names the event")
		require.Equal(t, event, got.EventID, "refused by %v", err)
		require.Contains(t, got.Error(), event)
	}
	if cause != nil {
		require.NotNil(t, got.Cause)
		require.Equal(t, cause.Rule, got.Cause.Rule, "refused by %v", err)
	}
}

var npsN01 = domain.Owner{Provider: "NPS", Team: "N1", Officer: "N01"}

// owned is a case opened by NPS at t0 and allocated to N01, then more.
func owned(more ...domain.Recorded) []domain.Recorded {
	return append([]domain.Recorded{opened(), allocated(day(0), "NPS", "N1", "N01")}, more...)
}

// openedBy is the case opened at t0 by someone of the given organisation.
func openedBy(org string) domain.Recorded {
	r := opened()
	r.Actor.Organisation = org
	return r
}

// causedBy is a consequence of cause, recorded in the same write.
func causedBy(cause domain.Recorded, e domain.Event) domain.Recorded {
	r := rec(cause.OccurredAt, e)
	r.CausationID = cause.EventID
	return r
}

func sentence(at time.Time, id, kind string) domain.Recorded {
	return rec(at, domain.SentenceRecorded{SentenceID: id, Kind: kind, Court: "Leeds MC", StartDate: "2026-03-02"})
}

func requirement(at time.Time, sentenceID, id string) domain.Recorded {
	return rec(at, domain.RequirementImposed{SentenceID: sentenceID, RequirementID: id, Category: "unpaid_work", Description: "100 hours"})
}

func condition(at time.Time, sentenceID, id string) domain.Recorded {
	return rec(at, domain.LicenceConditionImposed{SentenceID: sentenceID, ConditionID: id, Category: "residence", Description: "reside at AP"})
}

func booked(at time.Time, id string, startsAt time.Time, sentenceID string) domain.Recorded {
	return rec(at, domain.AppointmentBooked{AppointmentID: id, StartsAt: startsAt, Kind: "office", Officer: "N01", SentenceID: sentenceID})
}

func outcome(at time.Time, id, outcome string) domain.Recorded {
	return rec(at, domain.AppointmentOutcomeRecorded{AppointmentID: id, Outcome: outcome})
}

func registered(at time.Time, id, typ string) domain.Recorded {
	return rec(at, domain.RegistrationAdded{RegistrationID: id, RegType: typ, NextReviewDate: "2026-09-01"})
}

func deregistered(at time.Time, id string) domain.Recorded {
	return rec(at, domain.RegistrationDeregistered{RegistrationID: id, Reason: "no longer applies"})
}

func assessed(at time.Time, id, rosh string, rsr float64) domain.Recorded {
	return rec(at, domain.RiskAssessed{AssessmentID: id, Tool: "OASys", RoSH: rosh, RSR: rsr})
}

// caseTransfer is a case transfer away from npsN01.
func caseTransfer(at time.Time, id string, to domain.Destination) domain.Recorded {
	return rec(at, domain.TransferRequested{TransferID: id, Scope: "case", From: npsN01, To: to, Reason: "moved area"})
}

func componentTransfer(at time.Time, id string, from domain.Owner, to domain.Destination, components ...string) domain.Recorded {
	return rec(at, domain.TransferRequested{TransferID: id, Scope: "components", Components: components, From: from, To: to, Reason: "delivered elsewhere"})
}

func accepted(at time.Time, id, team, officer string) domain.Recorded {
	return rec(at, domain.TransferAccepted{TransferID: id, Team: team, Officer: officer})
}

func received(at time.Time, id string) domain.Recorded {
	return rec(at, domain.InformationReceived{InformationID: id, Source: domain.Source{Organisation: "WYP", Kind: "police"},
		Channel: "phone", ReceivedBy: domain.ReceivedBy{Officer: "N01"}, Summary: "arrested", RiskRelevant: true, Urgency: "urgent"})
}

func sfoNotified(at time.Time, id string) domain.Recorded {
	return rec(at, domain.SFONotified{SFOID: id, Offence: "murder", OffenceDate: "2026-05-01", ChargedAt: at, Category: "mandatory"})
}

func recallRaised(at time.Time, id, sentenceID string) domain.Recorded {
	return rec(at, domain.RecallRaised{RecallID: id, SentenceID: sentenceID, RecallType: "standard", Reason: "further offence", DecidedBy: "PPCS"})
}

func orgMoved(at time.Time, code, team string) domain.Recorded {
	return rec(at, domain.OfficerMoved{Code: code, Team: team})
}

func orgLeft(at time.Time, code string) domain.Recorded {
	return rec(at, domain.OfficerLeft{Code: code})
}

var (
	recordS2       = domain.RecordSentence{SentenceID: "s2", Kind: "community_order", Court: "Leeds MC", StartDate: "2026-03-02"}
	allocateToN02  = domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N02", Reason: "caseload_adjustment", Rationale: "caseload"}
	allocateToC01  = domain.AllocateCase{Provider: "CRC1", Team: "C1", Officer: "C01", Reason: "initial_allocation", Rationale: "local"}
	allocateToN01  = domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N01", Reason: "initial_allocation", Rationale: "local"}
	validOpenCase  = domain.OpenCase{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "1990-01-01"}}
	restrictAccess = domain.RestrictAccess{Excluded: []string{"U9"}}
	toCRC1         = domain.Destination{Provider: "CRC1"}
)

func requireTypes(want ...string) func(t *testing.T, got []domain.Recorded) {
	return func(t *testing.T, got []domain.Recorded) {
		t.Helper()
		require.Equal(t, want, types(got))
	}
}

func TestDecideCaseLifecycle(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "opening a case on an empty stream", when: validOpenCase, at: t0, then: requireTypes("case.opened")},
		{name: "opening a case whose CRN exists", given: []domain.Recorded{opened()}, when: validOpenCase, at: day(1), wantErr: domain.ErrCaseExists},
		{
			name: "opening validates every field", when: domain.OpenCase{CRN: "x12345"}, at: t0, wantErr: domain.ErrInvalid,
			wantFields: []string{"crn", "person.given_name", "person.family_name", "person.date_of_birth"},
		},
		{
			name: "a date of birth that is not a date", at: t0, wantErr: domain.ErrInvalid, wantFields: []string{"person.date_of_birth"},
			when: domain.OpenCase{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "01/01/1990"}},
		},
		{name: "a command on a stream with no case", when: recordS2, at: day(1), wantErr: domain.ErrCaseNotFound},
		{name: "an entry before the case was opened", given: owned(), when: recordS2, at: t0.Add(-time.Hour), wantErr: domain.ErrCaseNotOpen},
		{name: "an entry at the instant the case was opened", given: owned(), when: recordS2, at: t0},
		{name: "occurred_at 4 minutes in the future", given: owned(), when: recordS2, at: now.Add(4 * time.Minute)},
		{
			name: "occurred_at 6 minutes in the future", given: owned(), when: recordS2, at: now.Add(6 * time.Minute),
			wantErr: domain.ErrFutureOccurredAt, wantFields: []string{"occurred_at"},
		},
		{name: "no occurred_at", given: owned(), when: recordS2, wantErr: domain.ErrInvalid, wantFields: []string{"occurred_at"}},
		{
			name: "a back-dated entry keeps its occurred_at", given: owned(), when: recordS2, at: day(1),
			then: func(t *testing.T, got []domain.Recorded) { require.Equal(t, day(1), got[0].OccurredAt) },
		},
		{name: "an id already used", given: owned(sentence(day(1), "s2", "licence")), when: recordS2, at: day(2), wantErr: domain.ErrDuplicateID},
		{
			name: "an id used by an entry of another kind", given: owned(sentence(day(1), "s1", "community_order")), at: day(2),
			when: domain.ImposeRequirement{SentenceID: "s1", RequirementID: "s1", Category: "curfew", Description: "7pm"}, wantErr: domain.ErrDuplicateID,
		},
		{
			name: "an id used by a later entry, whatever the times", given: owned(sentence(day(10), "s2", "licence")), when: recordS2, at: day(5),
			wantErr: domain.ErrDuplicateID,
		},
		{name: "an id not used before", given: owned(sentence(day(1), "s1", "licence")), when: recordS2, at: day(2), then: requireTypes("sentence.recorded")},
		{
			name: "a sentence with invalid fields", given: owned(), at: day(1), wantErr: domain.ErrInvalid,
			when:       domain.RecordSentence{Kind: "fine", StartDate: "2026-02-30"},
			wantFields: []string{"sentence_id", "kind", "court", "start_date"},
		},
		{
			name: "a sentence ending before it starts", given: owned(), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"expected_end_date"},
			when: domain.RecordSentence{SentenceID: "s2", Kind: "licence", Court: "Leeds", StartDate: "2026-03-02", ExpectedEndDate: "2026-03-01"},
		},
	})
}

func TestDecideClosedCase(t *testing.T) {
	closed := func(more ...domain.Recorded) []domain.Recorded {
		return append(owned(rec(day(2), domain.CaseClosed{Reason: "order ended"})), more...)
	}
	laterBooking := booked(day(5), "a1", day(6), "")
	closure := rec(day(5), domain.CaseClosed{Reason: "ended"})
	runRuleCases(t, []ruleCase{
		{name: "an entry on a closed case", given: closed(), when: recordS2, at: day(3), wantErr: domain.ErrCaseClosed},
		{name: "an allocation on a closed case", given: closed(), when: allocateToN01, at: day(3), wantErr: domain.ErrCaseClosed},
		{name: "closing a closed case", given: closed(), when: domain.CloseCase{Reason: "again"}, at: day(3), wantErr: domain.ErrCaseClosed},
		{name: "reopening a closed case", given: closed(), when: domain.ReopenCase{Reason: "new order"}, at: day(3)},
		{name: "reopening an open case", given: owned(), when: domain.ReopenCase{Reason: "new order"}, at: day(3), wantErr: domain.ErrCaseNotClosed},
		{name: "restricting access to a closed case", given: closed(), when: restrictAccess, at: day(3)},
		{
			name: "an SFO notified on a closed case", given: closed(), at: day(3),
			when: domain.NotifySFO{SFOID: "sfo1", Offence: "murder", OffenceDate: "2026-03-03", ChargedAt: day(3), Category: "mandatory"},
		},
		{name: "an SFO review completed on a closed case", given: closed(sfoNotified(day(3), "sfo1")), when: domain.CompleteSFOReview{SFOID: "sfo1", Summary: "done"}, at: day(4)},
		{name: "an entry on a reopened case", given: closed(rec(day(3), domain.CaseReopened{Reason: "new order"})), when: recordS2, at: day(4)},
		{name: "an allocation on a reopened case by the provider that last owned it", given: closed(rec(day(3), domain.CaseReopened{Reason: "new order"})), when: allocateToN02, at: day(4)},
		{name: "an entry back-dated before the closure", given: closed(), when: domain.BookAppointment{AppointmentID: "a1", StartsAt: day(1), Kind: "phone", Officer: "N01"}, at: day(1)},
		{
			name: "a back-dated closure before a later entry", given: owned(laterBooking), when: domain.CloseCase{Reason: "ended"}, at: day(3),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: laterBooking.EventID, wantCause: domain.ErrCaseClosed,
		},
		{
			name:  "a back-dated closure before entries a closed case takes",
			given: owned(rec(day(5), domain.CaseAccessRestricted{Excluded: []string{"U9"}}), sfoNotified(day(6), "sfo1")),
			when:  domain.CloseCase{Reason: "ended"}, at: day(3),
		},
		{
			name: "a sentence back-dated before a closure would change what the closure ended", given: owned(closure),
			when: recordS2, at: day(1), wantErr: domain.ErrInvalidatesHistory, wantEvent: closure.EventID, wantCause: domain.ErrConsequencesDiffer,
		},
		{
			name: "a closure terminates sentences and cancels a pending case transfer", at: day(3), when: domain.CloseCase{Reason: "ended"},
			given: owned(sentence(day(1), "s1", "community_order"), requirement(day(1), "s1", "r1"), caseTransfer(day(2), "t1", toCRC1)),
			then:  requireTypes("case.closed", "transfer.cancelled", "sentence.terminated", "requirement.terminated"),
		},
	})
}

func TestDecideSentencesAndComponents(t *testing.T) {
	order := func(more ...domain.Recorded) []domain.Recorded {
		return append(owned(sentence(day(1), "s1", "community_order")), more...)
	}
	licence := func(more ...domain.Recorded) []domain.Recorded {
		return append(owned(sentence(day(1), "l1", "licence")), more...)
	}
	imposeR2 := func(sentenceID string) domain.ImposeRequirement {
		return domain.ImposeRequirement{SentenceID: sentenceID, RequirementID: "r2", Category: "curfew", Description: "7pm-7am"}
	}
	imposeC2 := func(sentenceID string) domain.ImposeLicenceCondition {
		return domain.ImposeLicenceCondition{SentenceID: sentenceID, ConditionID: "c2", Category: "curfew", Description: "7pm-7am"}
	}
	terminated := rec(day(2), domain.SentenceTerminated{SentenceID: "s1", Reason: "revoked"})
	runRuleCases(t, []ruleCase{
		{name: "terminating an unknown sentence", given: order(), when: domain.TerminateSentence{SentenceID: "s9", Reason: "x"}, at: day(3), wantErr: domain.ErrSentenceNotFound},
		{name: "terminating a terminated sentence", given: order(terminated), when: domain.TerminateSentence{SentenceID: "s1", Reason: "x"}, at: day(3), wantErr: domain.ErrSentenceNotActive},
		{
			name: "terminating an active sentence ends its requirements", given: order(requirement(day(1), "s1", "r1")),
			when: domain.TerminateSentence{SentenceID: "s1", Reason: "revoked"}, at: day(3), then: requireTypes("sentence.terminated", "requirement.terminated"),
		},
		{name: "terminating a sentence needs a reason", given: order(), when: domain.TerminateSentence{SentenceID: "s1"}, at: day(3), wantErr: domain.ErrInvalid, wantFields: []string{"reason"}},
		{name: "a requirement of an unknown sentence", given: order(), when: imposeR2("s9"), at: day(2), wantErr: domain.ErrSentenceNotFound},
		{name: "a requirement of a licence", given: licence(), when: imposeR2("l1"), at: day(2), wantErr: domain.ErrWrongSentenceKind},
		{name: "a requirement of a community order", given: order(), when: imposeR2("s1"), at: day(2)},
		{name: "a requirement of a suspended sentence order", given: owned(sentence(day(1), "s1", "suspended_sentence_order")), when: imposeR2("s1"), at: day(2)},
		{name: "a requirement of a terminated order", given: order(terminated), when: imposeR2("s1"), at: day(3), wantErr: domain.ErrSentenceNotActive},
		{
			name: "a requirement of an unknown category", given: order(), at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"category", "description"},
			when: domain.ImposeRequirement{SentenceID: "s1", RequirementID: "r2", Category: "community_service"},
		},
		{name: "a condition of a community order", given: order(), when: imposeC2("s1"), at: day(2), wantErr: domain.ErrWrongSentenceKind},
		{name: "a condition of post-sentence supervision", given: owned(sentence(day(1), "p1", "post_sentence_supervision")), when: imposeC2("p1"), at: day(2)},
		{name: "a condition of a licence under an open recall", given: licence(recallRaised(day(2), "rc1", "l1")), when: imposeC2("l1"), at: day(3), wantErr: domain.ErrSentenceRecalled},
		{name: "a condition of a licence", given: licence(), when: imposeC2("l1"), at: day(3)},
		{name: "terminating an unknown requirement", given: order(), when: domain.TerminateRequirement{RequirementID: "r9", Reason: "x"}, at: day(3), wantErr: domain.ErrComponentNotFound},
		{
			name: "terminating a licence condition as a requirement", given: licence(condition(day(1), "l1", "c1")), at: day(3),
			when: domain.TerminateRequirement{RequirementID: "c1", Reason: "x"}, wantErr: domain.ErrComponentNotFound,
		},
		{
			name: "terminating a terminated requirement", given: order(requirement(day(1), "s1", "r1"), rec(day(2), domain.RequirementTerminated{RequirementID: "r1", Reason: "done"})),
			when: domain.TerminateRequirement{RequirementID: "r1", Reason: "x"}, at: day(3), wantErr: domain.ErrComponentNotActive,
		},
		{name: "terminating an active requirement", given: order(requirement(day(1), "s1", "r1")), when: domain.TerminateRequirement{RequirementID: "r1", Reason: "done"}, at: day(3)},
		{
			name: "varying a terminated condition", at: day(3), wantErr: domain.ErrComponentNotActive,
			given: licence(condition(day(1), "l1", "c1"), rec(day(2), domain.LicenceConditionTerminated{ConditionID: "c1", Reason: "expired"})),
			when:  domain.VaryLicenceCondition{ConditionID: "c1", Description: "reside at home"},
		},
		{name: "varying an active condition", given: licence(condition(day(1), "l1", "c1")), when: domain.VaryLicenceCondition{ConditionID: "c1", Description: "reside at home"}, at: day(3)},
		{
			name: "terminating a condition for an unknown reason", given: licence(condition(day(1), "l1", "c1")), at: day(3),
			when: domain.TerminateLicenceCondition{ConditionID: "c1", Reason: "bored"}, wantErr: domain.ErrInvalid, wantFields: []string{"reason"},
		},
	})
}

func TestDecideAllocation(t *testing.T) {
	movedAtDay10 := []domain.Recorded{orgMoved(day(10), "N01", "N2")}
	n02LeftAtDay10 := []domain.Recorded{orgLeft(day(10), "N02")}
	n9AtDay10 := []domain.Recorded{
		rec(day(10), domain.TeamRegistered{Code: "N9", Provider: "NPS", Name: "New", Phone: "9", Email: "n9@x"}),
		rec(day(10), domain.OfficerRegistered{Code: "N09", Name: "New Officer", Grade: "PO", Team: "N9", Phone: "9", Email: "n09@x"}),
	}
	toN09 := domain.AllocateCase{Provider: "NPS", Team: "N9", Officer: "N09", Reason: "initial_allocation", Rationale: "x"}
	lastOwnedByCRC1 := []domain.Recorded{opened(), allocated(day(0), "NPS", "N1", "N01"), caseTransfer(day(1), "t1", toCRC1),
		accepted(day(2), "t1", "C1", "C01"), rec(day(3), domain.CaseDeallocated{Reason: "officer left"})}
	request := caseTransfer(day(5), "t1", toCRC1)
	runRuleCases(t, []ruleCase{
		{
			name: "to an unknown provider", given: []domain.Recorded{opened()}, at: day(1), wantErr: domain.ErrUnknownProvider, wantFields: []string{"provider"},
			when: domain.AllocateCase{Provider: "XYZ", Team: "N1", Officer: "N01", Reason: "initial_allocation", Rationale: "x"},
		},
		{
			name: "to an unknown team", given: []domain.Recorded{opened()}, at: day(1), wantErr: domain.ErrUnknownTeam, wantFields: []string{"team"},
			when: domain.AllocateCase{Provider: "NPS", Team: "N9", Officer: "N01", Reason: "initial_allocation", Rationale: "x"},
		},
		{
			name: "to a team of another provider", given: []domain.Recorded{opened()}, at: day(1), wantErr: domain.ErrTeamNotInProvider, wantFields: []string{"team"},
			when: domain.AllocateCase{Provider: "NPS", Team: "C1", Officer: "C01", Reason: "initial_allocation", Rationale: "x"},
		},
		{
			name: "to an unknown officer", given: []domain.Recorded{opened()}, at: day(1), wantErr: domain.ErrUnknownOfficer, wantFields: []string{"officer"},
			when: domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N99", Reason: "initial_allocation", Rationale: "x"},
		},
		{
			name: "to an officer of another team", given: []domain.Recorded{opened()}, at: day(1), wantErr: domain.ErrOfficerNotInTeam, wantFields: []string{"officer"},
			when: domain.AllocateCase{Provider: "NPS", Team: "N1", Officer: "N03", Reason: "initial_allocation", Rationale: "x"},
		},
		{name: "to an officer in the team", given: []domain.Recorded{opened()}, when: allocateToN01, at: day(1), then: requireTypes("case.allocated")},
		{name: "back-dated to before the officer moved team", given: []domain.Recorded{opened()}, org: movedAtDay10, when: allocateToN01, at: day(5)},
		{name: "to the officer's old team after they moved", given: []domain.Recorded{opened()}, org: movedAtDay10, when: allocateToN01, at: day(12), wantErr: domain.ErrOfficerNotInTeam},
		{
			name: "to the officer's new team after they moved", given: []domain.Recorded{opened()}, org: movedAtDay10, at: day(12),
			when: domain.AllocateCase{Provider: "NPS", Team: "N2", Officer: "N01", Reason: "initial_allocation", Rationale: "x"},
		},
		{name: "to an officer after they left", given: owned(), org: n02LeftAtDay10, when: allocateToN02, at: day(12), wantErr: domain.ErrUnknownOfficer},
		{name: "to an officer before they left", given: owned(), org: n02LeftAtDay10, when: allocateToN02, at: day(5)},
		{name: "to a team before it was registered", given: []domain.Recorded{opened()}, org: n9AtDay10, when: toN09, at: day(5), wantErr: domain.ErrUnknownTeam},
		{name: "to a team after it was registered", given: []domain.Recorded{opened()}, org: n9AtDay10, when: toN09, at: day(12)},
		{
			name: "with fields missing", given: []domain.Recorded{opened()}, when: domain.AllocateCase{Reason: "whim"}, at: day(1),
			wantErr: domain.ErrInvalid, wantFields: []string{"provider", "team", "officer", "reason", "rationale"},
		},
		{name: "an owned case to another provider", given: owned(), when: allocateToC01, at: day(1), wantErr: domain.ErrAllocationProvider},
		{name: "an owned case within its provider", given: owned(), when: allocateToN02, at: day(1)},
		{name: "an unowned case allocated by the provider that opened it, to another provider", given: []domain.Recorded{opened()}, when: allocateToC01, at: day(1)},
		{name: "an unowned case allocated by a provider that did not open it", given: []domain.Recorded{openedBy("CRC1")}, when: allocateToN01, at: day(1), wantErr: domain.ErrAllocationProvider},
		{name: "an unowned case allocated by the provider that opened it", given: []domain.Recorded{openedBy("CRC1")}, when: allocateToC01, at: day(1), by: "CRC1"},
		{name: "an unowned case allocated by the provider that last owned it", given: lastOwnedByCRC1, when: allocateToC01, at: day(4), by: "CRC1"},
		{name: "an unowned case last owned elsewhere, allocated by the provider that opened it", given: lastOwnedByCRC1, when: allocateToN01, at: day(4)},
		{
			name: "an unowned case allocated by a provider that neither opened nor last owned it", given: lastOwnedByCRC1, at: day(4), by: "CRC2", wantErr: domain.ErrAllocationProvider,
			when: domain.AllocateCase{Provider: "CRC2", Team: "C2", Officer: "C02", Reason: "initial_allocation", Rationale: "x"},
		},
		{name: "while a case transfer is pending", given: owned(caseTransfer(day(1), "t1", toCRC1)), when: allocateToN02, at: day(2), wantErr: domain.ErrAllocationDuringTransfer},
		{
			name: "after the case transfer was rejected", when: allocateToN02, at: day(3),
			given: owned(caseTransfer(day(1), "t1", toCRC1), rec(day(2), domain.TransferRejected{TransferID: "t1", Reason: "no capacity"})),
		},
		{
			name: "while only a component transfer is pending", when: allocateToN02, at: day(3),
			given: owned(sentence(day(1), "s1", "community_order"), requirement(day(1), "s1", "r1"), componentTransfer(day(2), "t1", npsN01, toCRC1, "r1")),
		},
		{
			name: "back-dated before a transfer request whose from it would change", given: owned(request, accepted(day(8), "t1", "C1", "C01")),
			when: allocateToN02, at: day(3), wantErr: domain.ErrInvalidatesHistory, wantEvent: request.EventID, wantCause: domain.ErrTransferFromMismatch,
		},
		{name: "deallocating an unowned case", given: []domain.Recorded{opened()}, when: domain.DeallocateCase{Reason: "x"}, at: day(1), wantErr: domain.ErrNotAllocated},
		{name: "deallocating an owned case", given: owned(), when: domain.DeallocateCase{Reason: "officer left"}, at: day(1)},
	})
}

func TestDecideTransfers(t *testing.T) {
	order := func(more ...domain.Recorded) []domain.Recorded {
		return append(owned(sentence(day(1), "s1", "community_order"), requirement(day(1), "s1", "r1"), requirement(day(1), "s1", "r2")), more...)
	}
	requestCase := func(to domain.Destination) domain.RequestTransfer {
		return domain.RequestTransfer{TransferID: "t2", Scope: "case", To: to, Reason: "moved area"}
	}
	requestComponents := func(components ...string) domain.RequestTransfer {
		return domain.RequestTransfer{TransferID: "t2", Scope: "components", Components: components, To: toCRC1, Reason: "unpaid work"}
	}
	crcC01 := domain.Owner{Provider: "CRC1", Team: "C1", Officer: "C01"}
	c3 := []domain.Recorded{
		rec(day(0), domain.TeamRegistered{Code: "C3", Provider: "CRC1", Name: "Wakefield", Phone: "3", Email: "c3@x"}),
		rec(day(0), domain.OfficerRegistered{Code: "C03", Name: "Val Ng", Grade: "PO", Team: "C3", Phone: "3", Email: "c03@x"}),
	}
	pendingToC1 := owned(caseTransfer(day(1), "t1", domain.Destination{Provider: "CRC1", Team: "C1"}))
	from := func(want domain.Owner) func(t *testing.T, got []domain.Recorded) {
		return func(t *testing.T, got []domain.Recorded) {
			t.Helper()
			require.Equal(t, want, got[0].Event.(domain.TransferRequested).From, "from is taken from the state at occurred_at")
		}
	}
	runRuleCases(t, []ruleCase{
		{name: "a case transfer of an unowned case", given: []domain.Recorded{opened()}, when: requestCase(toCRC1), at: day(1), wantErr: domain.ErrNotAllocated},
		{name: "a second pending case transfer", given: owned(caseTransfer(day(1), "t1", toCRC1)), when: requestCase(toCRC1), at: day(2), wantErr: domain.ErrTransferPending},
		{
			name: "a case transfer after the first was cancelled", when: requestCase(toCRC1), at: day(3), then: from(npsN01),
			given: owned(caseTransfer(day(1), "t1", toCRC1), rec(day(2), domain.TransferCancelled{TransferID: "t1", Reason: "x"})),
		},
		{name: "to an unknown provider", given: owned(), when: requestCase(domain.Destination{Provider: "XYZ"}), at: day(1), wantErr: domain.ErrUnknownProvider, wantFields: []string{"to.provider"}},
		{name: "to a team of another provider", given: owned(), when: requestCase(domain.Destination{Provider: "CRC1", Team: "N1"}), at: day(1), wantErr: domain.ErrTeamNotInProvider, wantFields: []string{"to.team"}},
		{name: "to an unknown team", given: owned(), when: requestCase(domain.Destination{Provider: "CRC1", Team: "C9"}), at: day(1), wantErr: domain.ErrUnknownTeam, wantFields: []string{"to.team"}},
		{name: "to an officer outside the provider", given: owned(), when: requestCase(domain.Destination{Provider: "CRC1", Officer: "N01"}), at: day(1), wantErr: domain.ErrOfficerNotInTeam, wantFields: []string{"to.officer"}},
		{name: "to an officer of the provider, no team named", given: owned(), when: requestCase(domain.Destination{Provider: "CRC1", Officer: "C01"}), at: day(1)},
		{
			name: "with an unknown scope", given: owned(), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"scope"},
			when: domain.RequestTransfer{TransferID: "t2", Scope: "everything", To: toCRC1, Reason: "x"},
		},
		{
			name: "of the case, naming components", given: order(), at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"components"},
			when: domain.RequestTransfer{TransferID: "t2", Scope: "case", Components: []string{"r1"}, To: toCRC1, Reason: "x"},
		},
		{name: "of components, naming none", given: order(), when: requestComponents(), at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"components"}},
		{name: "of components, naming one twice", given: order(), when: requestComponents("r1", "r1"), at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"components[1]"}},
		{name: "of an unknown component", given: order(), when: requestComponents("r1", "r9"), at: day(2), wantErr: domain.ErrUnknownComponent, wantFields: []string{"components[1]"}},
		{
			name: "of a terminated component", given: order(rec(day(2), domain.RequirementTerminated{RequirementID: "r1", Reason: "done"})),
			when: requestComponents("r1"), at: day(3), wantErr: domain.ErrComponentNotActive,
		},
		{name: "of a component already in a pending transfer", given: order(componentTransfer(day(2), "t1", npsN01, toCRC1, "r1")), when: requestComponents("r1"), at: day(3), wantErr: domain.ErrComponentTransferPending},
		{name: "of components", given: order(), when: requestComponents("r1", "r2"), at: day(2), then: from(npsN01)},
		{
			name: "of components managed by different owners", when: requestComponents("r1", "r2"), at: day(4), wantErr: domain.ErrMixedComponentManagers,
			given: order(componentTransfer(day(2), "t1", npsN01, toCRC1, "r1"), accepted(day(3), "t1", "C1", "C01")),
		},
		{
			name: "of a component managed by another provider, from that manager", when: requestComponents("r1"), at: day(4), then: from(crcC01),
			given: order(componentTransfer(day(2), "t1", npsN01, toCRC1, "r1"), accepted(day(3), "t1", "C1", "C01")),
		},
		{
			name: "of components of an unowned case", when: requestComponents("r1"), at: day(2), wantErr: domain.ErrNotAllocated,
			given: []domain.Recorded{opened(), sentence(day(1), "s1", "community_order"), requirement(day(1), "s1", "r1")},
		},
		{name: "accepting an unknown transfer", given: pendingToC1, when: domain.AcceptTransfer{TransferID: "t9", Team: "C1", Officer: "C01"}, at: day(2), wantErr: domain.ErrTransferNotFound},
		{
			name: "accepting a rejected transfer", given: append(pendingToC1, rec(day(2), domain.TransferRejected{TransferID: "t1", Reason: "x"})),
			when: domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C01"}, at: day(3), wantErr: domain.ErrTransferNotPending,
		},
		{
			name: "accepting into another team than the one addressed", given: pendingToC1, org: c3, at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"team"},
			when: domain.AcceptTransfer{TransferID: "t1", Team: "C3", Officer: "C03"},
		},
		{name: "accepting with an officer not in the team", given: pendingToC1, when: domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C02"}, at: day(2), wantErr: domain.ErrOfficerNotInTeam, wantFields: []string{"officer"}},
		{name: "accepting into a team of another provider", given: pendingToC1, when: domain.AcceptTransfer{TransferID: "t1", Team: "N1", Officer: "N01"}, at: day(2), wantErr: domain.ErrTeamNotInProvider},
		{name: "accepting into the team addressed", given: pendingToC1, when: domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C01"}, at: day(2), then: requireTypes("transfer.accepted")},
		{name: "rejecting an unknown transfer", given: pendingToC1, when: domain.RejectTransfer{TransferID: "t9", Reason: "x"}, at: day(2), wantErr: domain.ErrTransferNotFound},
		{
			name: "rejecting a cancelled transfer", given: append(pendingToC1, rec(day(2), domain.TransferCancelled{TransferID: "t1", Reason: "x"})),
			when: domain.RejectTransfer{TransferID: "t1", Reason: "x"}, at: day(3), wantErr: domain.ErrTransferNotPending,
		},
		{
			name: "rejecting a pending transfer by hand", given: pendingToC1, when: domain.RejectTransfer{TransferID: "t1", Reason: "no capacity"}, at: day(2),
			then: func(t *testing.T, got []domain.Recorded) {
				require.False(t, got[0].Event.(domain.TransferRejected).Automatic)
			},
		},
		{name: "rejecting without a reason", given: pendingToC1, when: domain.RejectTransfer{TransferID: "t1"}, at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"reason"}},
		{
			name: "cancelling an accepted transfer", given: append(pendingToC1, accepted(day(2), "t1", "C1", "C01")),
			when: domain.CancelTransfer{TransferID: "t1", Reason: "x"}, at: day(3), wantErr: domain.ErrTransferNotPending,
		},
		{name: "cancelling a pending transfer", given: pendingToC1, when: domain.CancelTransfer{TransferID: "t1", Reason: "moved back"}, at: day(2)},
	})
}

func TestDecideHighRiskProvider(t *testing.T) {
	// crc is a case opened by NPS and not yet allocated, so NPS may allocate
	// it, to CRC1 among others.
	crc := func(more ...domain.Recorded) []domain.Recorded {
		return append([]domain.Recorded{opened()}, more...)
	}
	crcOwned := func(more ...domain.Recorded) []domain.Recorded {
		return append(crc(allocated(day(0), "CRC1", "C1", "C01")), more...)
	}
	crcAllocation := allocated(day(5), "CRC1", "C1", "C01")
	mappa := registered(day(2), "g1", "MAPP")
	pendingToCRC1 := owned(caseTransfer(day(1), "t1", toCRC1))
	componentsToCRC1 := owned(sentence(day(1), "s1", "community_order"), requirement(day(1), "s1", "r1"), componentTransfer(day(1), "t1", npsN01, toCRC1, "r1"))
	acceptC01 := domain.AcceptTransfer{TransferID: "t1", Team: "C1", Officer: "C01"}
	runRuleCases(t, []ruleCase{
		{name: "allocation with no risk facts", given: crc(), when: allocateToC01, at: day(3)},
		{name: "allocation with RoSH high", given: crc(assessed(day(1), "ra1", "high", 2)), when: allocateToC01, at: day(3), wantErr: domain.ErrHighRiskProvider},
		{name: "allocation with RoSH very high", given: crc(assessed(day(1), "ra1", "very_high", 2)), when: allocateToC01, at: day(3), wantErr: domain.ErrHighRiskProvider},
		{name: "allocation with RoSH medium and a high RSR: RSR does not decide it", given: crc(assessed(day(1), "ra1", "medium", 55)), when: allocateToC01, at: day(3)},
		{name: "allocation after RoSH came down from high", given: crc(assessed(day(1), "ra1", "high", 2), assessed(day(2), "ra2", "medium", 2)), when: allocateToC01, at: day(3)},
		{
			name: "allocation when the latest RoSH by occurred_at is high, though recorded first", when: allocateToC01, at: day(3), wantErr: domain.ErrHighRiskProvider,
			given: crc(assessed(day(2), "ra2", "high", 2), assessed(day(1), "ra1", "medium", 2)),
		},
		{
			name: "allocation when the latest RoSH by occurred_at is medium, though recorded first", when: allocateToC01, at: day(3),
			given: crc(assessed(day(2), "ra2", "medium", 2), assessed(day(1), "ra1", "high", 2)),
		},
		{name: "allocation back-dated before the RoSH became high", given: crc(assessed(day(5), "ra1", "high", 2)), when: allocateToC01, at: day(3)},
		{name: "allocation with an active RHRH registration", given: crc(registered(day(1), "g1", "RHRH")), when: allocateToC01, at: day(3), wantErr: domain.ErrHighRiskProvider},
		{name: "allocation with an active RVHR registration", given: crc(registered(day(1), "g1", "RVHR")), when: allocateToC01, at: day(3), wantErr: domain.ErrHighRiskProvider},
		{name: "allocation after RHRH was deregistered", given: crc(registered(day(1), "g1", "RHRH"), deregistered(day(2), "g1")), when: allocateToC01, at: day(3)},
		{name: "allocation with an RMRH registration", given: crc(registered(day(1), "g1", "RMRH")), when: allocateToC01, at: day(3)},
		{name: "allocation with an active MAPPA registration", given: crc(registered(day(1), "g1", "MAPP")), when: allocateToC01, at: day(3), wantErr: domain.ErrHighRiskProvider},
		{name: "allocation after MAPPA was deregistered", given: crc(registered(day(1), "g1", "MAPP"), deregistered(day(2), "g1")), when: allocateToC01, at: day(3)},
		{name: "allocation of a MAPPA case to a high_risk provider", given: []domain.Recorded{opened(), registered(day(1), "g1", "MAPP")}, when: allocateToN01, at: day(3)},
		{
			name: "a high RoSH learnt late, back-dated before an allocation to a CRC: the allocation stays a fact", given: crc(crcAllocation),
			when: domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "high", RSR: 2}, at: day(3),
		},
		{name: "a MAPPA registration on a case a CRC owns: its ownership stays a fact", given: crcOwned(), when: domain.AddRegistration{RegistrationID: "g1", RegType: "MAPP"}, at: day(3)},
		{
			name: "a case transfer of a MAPPA case to a CRC", given: crcOwned(mappa), at: day(3), wantErr: domain.ErrHighRiskProvider,
			when: domain.RequestTransfer{TransferID: "t1", Scope: "case", To: domain.Destination{Provider: "CRC2"}, Reason: "x"},
		},
		{
			name: "a case transfer of a MAPPA case to a high_risk provider", given: crcOwned(mappa), at: day(3),
			when: domain.RequestTransfer{TransferID: "t1", Scope: "case", To: domain.Destination{Provider: "NPS", Team: "N1"}, Reason: "MAPPA"},
		},
		{
			name: "a component transfer of a MAPPA case to a CRC", given: owned(sentence(day(1), "s1", "community_order"), requirement(day(1), "s1", "r1"), mappa), at: day(3),
			when: domain.RequestTransfer{TransferID: "t1", Scope: "components", Components: []string{"r1"}, To: toCRC1, Reason: "unpaid work"},
		},
		{name: "accepting a case transfer to a CRC after MAPPA was registered", given: append(pendingToCRC1, mappa), when: acceptC01, at: day(3), wantErr: domain.ErrHighRiskProvider},
		{name: "accepting a case transfer to a CRC after RoSH became very high", given: append(pendingToCRC1, assessed(day(2), "ra1", "very_high", 1)), when: acceptC01, at: day(3), wantErr: domain.ErrHighRiskProvider},
		{name: "accepting a case transfer to a CRC after MAPPA was deregistered", given: append(pendingToCRC1, mappa, deregistered(day(3), "g1")), when: acceptC01, at: day(4)},
		{name: "accepting a component transfer to a CRC of a MAPPA case", given: append(componentsToCRC1, mappa), when: acceptC01, at: day(3)},
	})
}

func TestDecideRegistrationsAndRisk(t *testing.T) {
	withG1 := func(more ...domain.Recorded) []domain.Recorded {
		return append(owned(registered(day(1), "g1", "ADVP")), more...)
	}
	review := domain.ReviewRegistration{RegistrationID: "g1", NextReviewDate: "2026-12-01"}
	runRuleCases(t, []ruleCase{
		{name: "reviewing an unknown registration", given: withG1(), when: domain.ReviewRegistration{RegistrationID: "g9", NextReviewDate: "2026-12-01"}, at: day(2), wantErr: domain.ErrRegistrationNotFound},
		{name: "reviewing a deregistered registration", given: withG1(deregistered(day(2), "g1")), when: review, at: day(3), wantErr: domain.ErrRegistrationNotActive},
		{name: "reviewing an active registration", given: withG1(), when: review, at: day(2)},
		{name: "reviewing without a next review date", given: withG1(), when: domain.ReviewRegistration{RegistrationID: "g1"}, at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"next_review_date"}},
		{name: "deregistering twice", given: withG1(deregistered(day(2), "g1")), when: domain.Deregister{RegistrationID: "g1", Reason: "x"}, at: day(3), wantErr: domain.ErrRegistrationNotActive},
		{name: "deregistering an unknown registration", given: withG1(), when: domain.Deregister{RegistrationID: "g9", Reason: "x"}, at: day(3), wantErr: domain.ErrRegistrationNotFound},
		{name: "deregistering an active registration", given: withG1(), when: domain.Deregister{RegistrationID: "g1", Reason: "no longer applies"}, at: day(3)},
		{name: "a registration of an unknown type", given: owned(), when: domain.AddRegistration{RegistrationID: "g2", RegType: "XXXX"}, at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"type"}},
		{
			name: "a MAPPA registration out of range", given: owned(), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"category", "level"},
			when: domain.AddRegistration{RegistrationID: "g2", RegType: "MAPP", Category: "M5", Level: "M4"},
		},
		{name: "a MAPPA registration with category and level", given: owned(), when: domain.AddRegistration{RegistrationID: "g2", RegType: "MAPP", Category: "M2", Level: "M3", NextReviewDate: "2026-06-01"}, at: day(1)},
		{
			name: "a risk assessment out of range", given: owned(), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"rosh", "rsr"},
			when: domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "extreme", RSR: 100.5},
		},
		{name: "a risk assessment", given: owned(), when: domain.AssessRisk{AssessmentID: "ra1", Tool: "OASys", RoSH: "high", RSR: 6.9}, at: day(1)},
	})
}

func TestDecideAppointmentsAndEnforcement(t *testing.T) {
	order := func(more ...domain.Recorded) []domain.Recorded {
		return append(owned(sentence(day(1), "s1", "community_order")), more...)
	}
	// attended is an order with appointment a1, whose outcome is given.
	attended := func(o string, more ...domain.Recorded) []domain.Recorded {
		return append(order(booked(day(1), "a1", day(2), "s1"), outcome(day(2), "a1", o)), more...)
	}
	book := func(officer, sentenceID string) domain.BookAppointment {
		return domain.BookAppointment{AppointmentID: "a2", StartsAt: day(20), Kind: "office", Officer: officer, SentenceID: sentenceID}
	}
	warn := func(sentenceID string, appointments ...string) domain.IssueWarning {
		return domain.IssueWarning{WarningID: "w1", SentenceID: sentenceID, AppointmentIDs: appointments}
	}
	breach := func(id, sentenceID string, appointments ...string) domain.RaiseBreach {
		return domain.RaiseBreach{BreachID: id, SentenceID: sentenceID, Reason: "non-compliance", AppointmentIDs: appointments}
	}
	openBreach := rec(day(3), domain.BreachRaised{BreachID: "b1", SentenceID: "s1", Reason: "x", AppointmentIDs: []string{"a1"}})
	runRuleCases(t, []ruleCase{
		{name: "booking with an unknown officer", given: order(), when: book("N99", ""), at: day(2), wantErr: domain.ErrUnknownOfficer, wantFields: []string{"officer"}},
		{name: "booking with an officer who has left", given: order(), org: []domain.Recorded{orgLeft(day(10), "N02")}, when: book("N02", ""), at: day(12), wantErr: domain.ErrUnknownOfficer},
		{name: "booking against an unknown sentence", given: order(), when: book("N01", "s9"), at: day(2), wantErr: domain.ErrUnknownSentence, wantFields: []string{"sentence_id"}},
		{name: "booking against a terminated sentence", given: order(rec(day(2), domain.SentenceTerminated{SentenceID: "s1", Reason: "x"})), when: book("N01", "s1"), at: day(3), wantErr: domain.ErrSentenceNotActive},
		{
			name: "booking against a licence under an open recall", given: owned(sentence(day(1), "l1", "licence"), recallRaised(day(2), "rc1", "l1")),
			when: book("N01", "l1"), at: day(3), wantErr: domain.ErrSentenceRecalled,
		},
		{name: "booking against an active sentence", given: order(), when: book("N01", "s1"), at: day(2)},
		{
			name: "booking with no start or kind", given: order(), at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"starts_at", "kind"},
			when: domain.BookAppointment{AppointmentID: "a2", Officer: "N01"},
		},
		{name: "rescheduling an unknown appointment", given: order(), when: domain.RescheduleAppointment{AppointmentID: "a9", StartsAt: day(9), Reason: "x"}, at: day(2), wantErr: domain.ErrAppointmentNotFound},
		{
			name: "rescheduling a cancelled appointment", given: order(booked(day(1), "a1", day(5), "s1"), rec(day(2), domain.AppointmentCancelled{AppointmentID: "a1", Reason: "x"})),
			when: domain.RescheduleAppointment{AppointmentID: "a1", StartsAt: day(9), Reason: "x"}, at: day(3), wantErr: domain.ErrAppointmentClosed,
		},
		{name: "rescheduling an open appointment", given: order(booked(day(1), "a1", day(5), "s1")), when: domain.RescheduleAppointment{AppointmentID: "a1", StartsAt: day(9), Reason: "ill"}, at: day(3)},
		{name: "cancelling an appointment with an outcome", given: attended("attended_complied"), when: domain.CancelAppointment{AppointmentID: "a1", Reason: "x"}, at: day(3), wantErr: domain.ErrAppointmentClosed},
		{name: "recording a second outcome", given: attended("attended_complied"), when: domain.RecordOutcome{AppointmentID: "a1", Outcome: "unacceptable_absence"}, at: day(3), wantErr: domain.ErrAppointmentClosed},
		{name: "recording an outcome", given: order(booked(day(1), "a1", day(2), "s1")), when: domain.RecordOutcome{AppointmentID: "a1", Outcome: "unacceptable_absence"}, at: day(2)},
		{name: "recording an unknown outcome", given: order(booked(day(1), "a1", day(2), "s1")), when: domain.RecordOutcome{AppointmentID: "a1", Outcome: "late"}, at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"outcome"}},
		{name: "a warning for a complied appointment", given: attended("attended_complied"), when: warn("s1", "a1"), at: day(3), wantErr: domain.ErrNotNonCompliance},
		{name: "a warning for an acceptable absence", given: attended("acceptable_absence"), when: warn("s1", "a1"), at: day(3), wantErr: domain.ErrNotNonCompliance},
		{name: "a warning for an appointment with no outcome", given: order(booked(day(1), "a1", day(2), "s1")), when: warn("s1", "a1"), at: day(3), wantErr: domain.ErrNotNonCompliance},
		{name: "a warning for an unacceptable absence", given: attended("unacceptable_absence"), when: warn("s1", "a1"), at: day(3)},
		{name: "a warning for a failure to comply", given: attended("attended_failed_to_comply"), when: warn("s1", "a1"), at: day(3)},
		{name: "a warning naming an unknown appointment", given: attended("unacceptable_absence"), when: warn("s1", "a1", "a9"), at: day(3), wantErr: domain.ErrUnknownAppointment, wantFields: []string{"appointment_ids[1]"}},
		{name: "a warning on an unknown sentence", given: attended("unacceptable_absence"), when: warn("s9", "a1"), at: day(3), wantErr: domain.ErrUnknownSentence, wantFields: []string{"sentence_id"}},
		{name: "a warning naming no appointment", given: attended("unacceptable_absence"), when: warn("s1"), at: day(3), wantErr: domain.ErrInvalid, wantFields: []string{"appointment_ids"}},
		{name: "a second open breach of a sentence", given: attended("unacceptable_absence", openBreach), when: breach("b2", "s1", "a1"), at: day(4), wantErr: domain.ErrBreachOpen},
		{name: "a breach of another sentence while one is open", given: attended("unacceptable_absence", openBreach, sentence(day(3), "s2", "community_order")), when: breach("b2", "s2"), at: day(4)},
		{
			name: "a breach after the open one was concluded", given: attended("unacceptable_absence", openBreach, rec(day(4), domain.BreachConcluded{BreachID: "b1", Outcome: "proved"})),
			when: breach("b2", "s1", "a1"), at: day(5),
		},
		{name: "a breach of a terminated sentence", given: attended("unacceptable_absence", rec(day(3), domain.SentenceTerminated{SentenceID: "s1", Reason: "x"})), when: breach("b1", "s1", "a1"), at: day(4), wantErr: domain.ErrSentenceNotActive},
		{name: "a breach naming a complied appointment", given: attended("attended_complied"), when: breach("b1", "s1", "a1"), at: day(3), wantErr: domain.ErrNotNonCompliance},
		{name: "a breach naming no appointment", given: order(), when: breach("b1", "s1"), at: day(3)},
		{name: "concluding an unknown breach", given: attended("unacceptable_absence", openBreach), when: domain.ConcludeBreach{BreachID: "b9", Outcome: "proved"}, at: day(4), wantErr: domain.ErrBreachNotFound},
		{
			name: "concluding a concluded breach", given: attended("unacceptable_absence", openBreach, rec(day(4), domain.BreachConcluded{BreachID: "b1", Outcome: "withdrawn"})),
			when: domain.ConcludeBreach{BreachID: "b1", Outcome: "proved"}, at: day(5), wantErr: domain.ErrBreachNotOpen,
		},
		{name: "concluding an open breach", given: attended("unacceptable_absence", openBreach), when: domain.ConcludeBreach{BreachID: "b1", Outcome: "proved", Sanction: "fine"}, at: day(4)},
		{name: "concluding a breach with an unknown outcome", given: attended("unacceptable_absence", openBreach), when: domain.ConcludeBreach{BreachID: "b1", Outcome: "dunno"}, at: day(4), wantErr: domain.ErrInvalid, wantFields: []string{"outcome"}},
	})
}

func TestDecideCustodyAndRecall(t *testing.T) {
	licence := func(more ...domain.Recorded) []domain.Recorded {
		return append(owned(sentence(day(1), "l1", "licence")), more...)
	}
	remand := domain.Remand{Court: "Leeds Crown", Reason: "new charge"}
	release := domain.Release{Establishment: "HMP Leeds", ReleaseType: "bail"}
	remanded := rec(day(2), domain.CustodyRemanded{Court: "Leeds", Reason: "x"})
	returned := licence(recallRaised(day(2), "rc1", "l1"), rec(day(3), domain.RecallConcluded{RecallID: "rc1", Outcome: "returned_to_custody"}))
	raise := func(id, sentenceID string) domain.RaiseRecall {
		return domain.RaiseRecall{RecallID: id, SentenceID: sentenceID, RecallType: "fixed_term", Reason: "further offence", DecidedBy: "PPCS"}
	}
	recall := recallRaised(day(10), "rc1", "l1")
	runRuleCases(t, []ruleCase{
		{name: "a remand in the community", given: owned(), when: remand, at: day(1)},
		{name: "a remand while remanded", given: owned(remanded), when: remand, at: day(3), wantErr: domain.ErrCustodyState},
		{name: "a release from remand", given: owned(remanded), when: release, at: day(3)},
		{name: "a release while in the community", given: owned(), when: release, at: day(1), wantErr: domain.ErrCustodyState},
		{name: "a remand while in custody after a recall", given: returned, when: remand, at: day(4), wantErr: domain.ErrCustodyState},
		{name: "a release from custody after a recall", given: returned, when: release, at: day(4)},
		{name: "a release back-dated before the remand", given: owned(remanded), when: release, at: day(1), wantErr: domain.ErrCustodyState},
		{name: "a recall of a community order", given: owned(sentence(day(1), "s1", "community_order")), when: raise("rc1", "s1"), at: day(2), wantErr: domain.ErrNotALicence},
		{name: "a recall of post-sentence supervision", given: owned(sentence(day(1), "p1", "post_sentence_supervision")), when: raise("rc1", "p1"), at: day(2), wantErr: domain.ErrNotALicence},
		{name: "a recall of an unknown sentence", given: licence(), when: raise("rc1", "l9"), at: day(2), wantErr: domain.ErrUnknownSentence, wantFields: []string{"sentence_id"}},
		{name: "a recall of a terminated licence", given: licence(rec(day(2), domain.SentenceTerminated{SentenceID: "l1", Reason: "expired"})), when: raise("rc1", "l1"), at: day(3), wantErr: domain.ErrSentenceNotActive},
		{name: "a recall of a licence under an open recall", given: licence(recallRaised(day(2), "rc1", "l1")), when: raise("rc2", "l1"), at: day(3), wantErr: domain.ErrRecallOpen},
		{
			name: "a recall of a licence whose recall was rescinded", at: day(4), when: raise("rc2", "l1"),
			given: licence(recallRaised(day(2), "rc1", "l1"), rec(day(3), domain.RecallConcluded{RecallID: "rc1", Outcome: "rescinded"})),
		},
		{
			name: "a recall of a licence ends its conditions", given: licence(condition(day(1), "l1", "c1")), when: raise("rc1", "l1"), at: day(2),
			then: requireTypes("recall.raised", "licence_condition.terminated"),
		},
		{
			name: "a recall with an unknown type", given: licence(), at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"type"},
			when: domain.RaiseRecall{RecallID: "rc1", SentenceID: "l1", RecallType: "indefinite", Reason: "x", DecidedBy: "PPCS"},
		},
		{
			name: "a condition back-dated before a recall would change what the recall ended", at: day(5), wantErr: domain.ErrInvalidatesHistory, wantEvent: recall.EventID, wantCause: domain.ErrConsequencesDiffer,
			given: licence(condition(day(1), "l1", "c1"), recall, causedBy(recall, domain.LicenceConditionTerminated{ConditionID: "c1", Reason: "recall", CauseEventID: recall.EventID})),
			when:  domain.ImposeLicenceCondition{SentenceID: "l1", ConditionID: "c2", Category: "curfew", Description: "7pm"},
		},
		{name: "concluding an unknown recall", given: licence(recallRaised(day(2), "rc1", "l1")), when: domain.ConcludeRecall{RecallID: "rc9", Outcome: "rescinded"}, at: day(3), wantErr: domain.ErrRecallNotFound},
		{name: "concluding a concluded recall", given: returned, when: domain.ConcludeRecall{RecallID: "rc1", Outcome: "rescinded"}, at: day(4), wantErr: domain.ErrRecallNotOpen},
		{name: "concluding an open recall", given: licence(recallRaised(day(2), "rc1", "l1")), when: domain.ConcludeRecall{RecallID: "rc1", Outcome: "returned_to_custody"}, at: day(3)},
	})
}

func TestDecideInformationAndSFO(t *testing.T) {
	receive := func(by domain.ReceivedBy) domain.ReceiveInformation {
		return domain.ReceiveInformation{InformationID: "i2", Source: domain.Source{Organisation: "Housing", Kind: "housing"},
			Channel: "email", ReceivedBy: by, Summary: "evicted", Urgency: "routine"}
	}
	route := func(id string, to domain.RoutedTo) domain.RouteInformation {
		return domain.RouteInformation{InformationID: id, To: to, Reason: "for the owner"}
	}
	withI1 := owned(received(day(1), "i1"))
	share := func(ids ...string) domain.ShareInformation {
		return domain.ShareInformation{InformationIDs: ids, Recipient: domain.Recipient{Organisation: "Children's services"}, Summary: "risk", Basis: "safeguarding"}
	}
	withSFO := owned(sfoNotified(day(1), "sfo1"))
	runRuleCases(t, []ruleCase{
		{name: "received by an unknown officer", given: owned(), when: receive(domain.ReceivedBy{Officer: "N99"}), at: day(1), wantErr: domain.ErrUnknownOfficer, wantFields: []string{"received_by.officer"}},
		{name: "received by an unknown team", given: owned(), when: receive(domain.ReceivedBy{Team: "N9"}), at: day(1), wantErr: domain.ErrUnknownTeam, wantFields: []string{"received_by.team"}},
		{name: "received by reception", given: owned(), when: receive(domain.ReceivedBy{Reception: true}), at: day(1)},
		{name: "received by an officer and team", given: owned(), when: receive(domain.ReceivedBy{Officer: "N03", Team: "N2"}), at: day(1)},
		{name: "received by nobody", given: owned(), when: receive(domain.ReceivedBy{}), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"received_by"}},
		{name: "routed to an unknown officer", given: withI1, when: route("i1", domain.RoutedTo{Officer: "N99"}), at: day(2), wantErr: domain.ErrUnknownOfficer, wantFields: []string{"to.officer"}},
		{name: "routed to an officer who has left", given: withI1, org: []domain.Recorded{orgLeft(day(1), "N02")}, when: route("i1", domain.RoutedTo{Officer: "N02"}), at: day(2), wantErr: domain.ErrUnknownOfficer},
		{name: "routed to an unknown team", given: withI1, when: route("i1", domain.RoutedTo{Team: "X1"}), at: day(2), wantErr: domain.ErrUnknownTeam, wantFields: []string{"to.team"}},
		{name: "routed to an officer", given: withI1, when: route("i1", domain.RoutedTo{Officer: "N02"}), at: day(2)},
		{name: "routed to a team", given: withI1, when: route("i1", domain.RoutedTo{Team: "N1"}), at: day(2)},
		{name: "routing unknown information", given: withI1, when: route("i9", domain.RoutedTo{Officer: "N02"}), at: day(2), wantErr: domain.ErrInformationNotFound},
		{name: "routing to nobody", given: withI1, when: route("i1", domain.RoutedTo{}), at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"to"}},
		{name: "acknowledging unknown information", given: withI1, when: domain.AcknowledgeInformation{InformationID: "i9", Action: "x"}, at: day(2), wantErr: domain.ErrInformationNotFound},
		{
			name: "acknowledging information, by the caller", given: withI1, when: domain.AcknowledgeInformation{InformationID: "i1", Action: "called police"}, at: day(2),
			then: func(t *testing.T, got []domain.Recorded) {
				require.Equal(t, practitioner.ID, got[0].Event.(domain.InformationAcknowledged).By)
			},
		},
		{name: "acknowledging without an action", given: withI1, when: domain.AcknowledgeInformation{InformationID: "i1"}, at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"action"}},
		{name: "sharing unknown information", given: withI1, when: share("i1", "i9"), at: day(2), wantErr: domain.ErrUnknownInformation, wantFields: []string{"information_ids[1]"}},
		{name: "sharing information", given: withI1, when: share("i1"), at: day(2)},
		{name: "sharing without naming information", given: withI1, when: share(), at: day(2)},
		{
			name: "sharing without a lawful basis", given: withI1, at: day(2), wantErr: domain.ErrInvalid, wantFields: []string{"basis"},
			when: domain.ShareInformation{InformationIDs: []string{"i1"}, Recipient: domain.Recipient{Organisation: "Police"}, Summary: "x"},
		},
		{name: "completing the review of an unknown SFO", given: withSFO, when: domain.CompleteSFOReview{SFOID: "sfo9", Summary: "x"}, at: day(2), wantErr: domain.ErrSFONotFound},
		{
			name: "completing a completed review", given: append(withSFO, rec(day(2), domain.SFOReviewCompleted{SFOID: "sfo1", Summary: "x"})),
			when: domain.CompleteSFOReview{SFOID: "sfo1", Summary: "again"}, at: day(3), wantErr: domain.ErrSFOReviewCompleted,
		},
		{name: "completing a review", given: withSFO, when: domain.CompleteSFOReview{SFOID: "sfo1", Summary: "lessons"}, at: day(2)},
		{
			name: "an SFO of an unknown category", given: owned(), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"category"},
			when: domain.NotifySFO{SFOID: "sfo1", Offence: "murder", OffenceDate: "2026-03-02", ChargedAt: day(1), Category: "serious"},
		},
	})
}

func TestDecideRetraction(t *testing.T) {
	open := opened()
	alloc := allocated(day(0), "NPS", "N1", "N01")
	sent := sentence(day(1), "s1", "community_order")
	req := requirement(day(2), "s1", "r1")
	risk := assessed(day(1), "ra1", "low", 1)
	retraction := rec(day(2), domain.EntryRetracted{EventID: risk.EventID, Reason: "wrong case"})
	request := caseTransfer(day(2), "t1", toCRC1)
	acceptance := accepted(day(3), "t1", "C1", "C01")
	dealloc := rec(day(2), domain.CaseDeallocated{Reason: "officer left"})
	lic := sentence(day(1), "l1", "licence")
	cond := condition(day(1), "l1", "c1")
	recall := recallRaised(day(5), "rc1", "l1")
	termination := causedBy(recall, domain.LicenceConditionTerminated{ConditionID: "c1", Reason: "recall", CauseEventID: recall.EventID})
	laterRequest := caseTransfer(day(5), "t1", toCRC1)
	retract := func(id string) domain.RetractEntry {
		return domain.RetractEntry{EventID: id, Reason: "entered in error"}
	}
	correct := func(id string, replacement domain.Event, at time.Time) domain.RetractEntry {
		return domain.RetractEntry{EventID: id, Reason: "wrong values", Replacement: replacement, ReplacementOccurredAt: at}
	}
	correctedSentence := domain.SentenceRecorded{SentenceID: "s1", Kind: "community_order", Court: "Leeds Crown", StartDate: "2026-03-02"}
	toN02 := domain.CaseAllocated{Provider: "NPS", Team: "N1", Officer: "N02", Reason: "initial_allocation", Rationale: "x"}
	runRuleCases(t, []ruleCase{
		{name: "retracting an unknown event", given: owned(), when: retract("no-such-event"), at: day(3), wantErr: domain.ErrEventNotFound},
		{name: "retracting case.opened", given: []domain.Recorded{open, alloc}, when: retract(open.EventID), at: day(3), wantErr: domain.ErrNotRetractable},
		{name: "retracting a retraction", given: owned(risk, retraction), when: retract(retraction.EventID), at: day(3), wantErr: domain.ErrNotRetractable},
		{name: "retracting a retracted entry", given: owned(risk, retraction), when: retract(risk.EventID), at: day(3), wantErr: domain.ErrAlreadyRetracted},
		{name: "retracting without a reason", given: owned(risk), when: domain.RetractEntry{EventID: risk.EventID}, at: day(3), wantErr: domain.ErrInvalid, wantFields: []string{"reason"}},
		{
			name: "retracting an entry", given: owned(risk), when: retract(risk.EventID), at: day(3),
			then: func(t *testing.T, got []domain.Recorded) {
				require.Equal(t, []domain.Recorded{{EventID: got[0].EventID, OccurredAt: day(3), Actor: practitioner,
					Event: domain.EntryRetracted{EventID: risk.EventID, Reason: "entered in error"}}}, got)
			},
		},
		{
			name: "retracting a sentence a requirement depends on", given: owned(sent, req), when: retract(sent.EventID), at: day(3),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: req.EventID, wantCause: domain.ErrSentenceNotFound,
		},
		{name: "retracting a sentence nothing depends on", given: owned(sent), when: retract(sent.EventID), at: day(3), then: requireTypes("entry.retracted")},
		{
			name: "retracting a transfer request its acceptance depends on", given: owned(request, acceptance), when: retract(request.EventID), at: day(4),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: acceptance.EventID, wantCause: domain.ErrTransferNotFound,
		},
		{name: "retracting a transfer acceptance", given: owned(request, acceptance), when: retract(acceptance.EventID), at: day(4)},
		{
			name: "retracting an allocation a deallocation depends on", given: []domain.Recorded{open, alloc, dealloc}, when: retract(alloc.EventID), at: day(3),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: dealloc.EventID, wantCause: domain.ErrNotAllocated,
		},
		{
			name: "retracting a consequence alone", given: owned(lic, cond, recall, termination), when: retract(termination.EventID), at: day(6),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: recall.EventID, wantCause: domain.ErrConsequencesDiffer,
		},
		{
			name: "retracting a recall with its consequences", given: owned(lic, cond, recall, termination), when: retract(recall.EventID), at: day(6),
			then: func(t *testing.T, got []domain.Recorded) {
				require.Equal(t, []string{"entry.retracted", "entry.retracted"}, types(got))
				require.Equal(t, recall.EventID, got[0].Event.(domain.EntryRetracted).EventID)
				require.Equal(t, termination.EventID, got[1].Event.(domain.EntryRetracted).EventID)
				require.Equal(t, got[0].EventID, got[1].CausationID)
			},
		},
		{
			name: "a correction records the replacement in the same write", given: owned(sent), when: correct(sent.EventID, correctedSentence, time.Time{}), at: day(3),
			then: func(t *testing.T, got []domain.Recorded) {
				require.Equal(t, []string{"entry.retracted", "sentence.recorded"}, types(got))
				require.Equal(t, sent.EventID, got[1].Replaces)
				require.Equal(t, sent.OccurredAt, got[1].OccurredAt, "the replacement occurs when the entry it replaces did")
				require.Equal(t, correctedSentence, got[1].Event)
			},
		},
		{
			name: "a correction is validated against the case without the retracted entry", given: owned(sent, req),
			when: correct(sent.EventID, correctedSentence, time.Time{}), at: day(3),
		},
		{
			name: "a correction at another time", given: owned(sent), when: correct(sent.EventID, correctedSentence, day(2)), at: day(3),
			then: func(t *testing.T, got []domain.Recorded) { require.Equal(t, day(2), got[1].OccurredAt) },
		},
		{
			name: "a correction whose replacement breaks a rule", given: []domain.Recorded{open, alloc}, at: day(3), wantErr: domain.ErrOfficerNotInTeam,
			when: correct(alloc.EventID, domain.CaseAllocated{Provider: "NPS", Team: "N1", Officer: "N03", Reason: "initial_allocation", Rationale: "x"}, time.Time{}),
		},
		{name: "a correction of the allocated officer", given: []domain.Recorded{open, alloc}, when: correct(alloc.EventID, toN02, time.Time{}), at: day(3)},
		{
			name: "a correction that would invalidate a later entry", given: []domain.Recorded{open, alloc, laterRequest}, when: correct(alloc.EventID, toN02, time.Time{}), at: day(6),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: laterRequest.EventID, wantCause: domain.ErrTransferFromMismatch,
		},
		{
			name: "a correction recording a case.opened", given: []domain.Recorded{open, alloc}, at: day(3), wantErr: domain.ErrInvalid, wantFields: []string{"replacement.type"},
			when: correct(alloc.EventID, domain.CaseOpened{CRN: "X123456"}, time.Time{}),
		},
		{
			name: "a correction recording org data", given: []domain.Recorded{open, alloc}, at: day(3), wantErr: domain.ErrInvalid, wantFields: []string{"replacement.type"},
			when: correct(alloc.EventID, domain.OfficerLeft{Code: "N01"}, time.Time{}),
		},
		{
			name: "a correction occurring in the future", given: owned(sent), at: day(3), wantErr: domain.ErrFutureOccurredAt, wantFields: []string{"occurred_at"},
			when: correct(sent.EventID, correctedSentence, now.Add(6*time.Minute)),
		},
	})
}

// TestEveryRuleIsNamed guards the tables above: every rule errors.go declares
// is the refusal, or the cause of one, of at least one decider test case.
func TestEveryRuleIsNamed(t *testing.T) {
	file, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	require.NoError(t, err)
	var rules []string
	for _, decl := range file.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.VAR {
			continue
		}
		for _, spec := range gen.Specs {
			for _, name := range spec.(*ast.ValueSpec).Names {
				if strings.HasPrefix(name.Name, "Err") {
					rules = append(rules, name.Name)
				}
			}
		}
	}
	require.NotEmpty(t, rules)

	var src strings.Builder
	for _, f := range []string{"rules_test.go", "org_decide_test.go"} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		src.Write(b)
	}
	for _, r := range rules {
		named := regexp.MustCompile(`want(Err|Cause): domain\.` + r + `\b`)
		require.True(t, named.MatchString(src.String()), "no decider test case is refused by %s", r)
	}
}

func TestClosureRejectsATransferSharedBySentencesOnce(t *testing.T) {
	given := stored(owned(sentence(day(1), "s1", "community_order"), requirement(day(1), "s1", "r1"),
		sentence(day(1), "s2", "suspended_sentence_order"), requirement(day(1), "s2", "r2"),
		componentTransfer(day(2), "t1", npsN01, toCRC1, "r1", "r2"))...)
	got, err := decideAt(t, given, day(5), domain.CloseCase{Reason: "ended"})
	require.NoError(t, err)
	require.Equal(t, []string{"case.closed", "sentence.terminated", "requirement.terminated", "transfer.rejected",
		"sentence.terminated", "requirement.terminated"}, types(got), "the shared transfer is rejected once")

	h := appendDecided(given, got)
	_, err = decideAt(t, h, day(4), restrictAccess)
	require.NoError(t, err, "the recorded closure stays valid when the history before it is re-checked")
}
