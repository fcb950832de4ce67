package domain_test

import (
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// samples has one value of every event type, every field set, so a field
// that does not survive the round trip shows.
func samples() []domain.Event {
	at := time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)
	later := at.Add(72 * time.Hour)
	ogrs := 41.5
	return []domain.Event{
		domain.CaseOpened{CRN: "X123456", Person: domain.Person{GivenName: "Lee", FamilyName: "Barr", DateOfBirth: "1990-01-01", PNC: "2001/0000000X", NOMS: "A1234BC"}},
		domain.CaseClosed{Reason: "sentence ended"},
		domain.CaseReopened{Reason: "new order"},
		domain.CaseAccessRestricted{Excluded: []string{"U1", "U2"}, RestrictedTo: []string{"U3"}},
		domain.SentenceRecorded{SentenceID: "s1", Kind: "community_order", Court: "Leeds MC", StartDate: "2026-03-02", ExpectedEndDate: "2027-03-01"},
		domain.SentenceTerminated{SentenceID: "s1", Reason: "revoked"},
		domain.RequirementImposed{SentenceID: "s1", RequirementID: "r1", Category: "unpaid_work", Description: "100 hours"},
		domain.RequirementTerminated{RequirementID: "r1", Reason: "completed"},
		domain.LicenceConditionImposed{SentenceID: "l1", ConditionID: "c1", Category: "residence", Description: "reside at AP"},
		domain.LicenceConditionVaried{ConditionID: "c1", Description: "reside at home"},
		domain.LicenceConditionTerminated{ConditionID: "c1", Reason: "recall", CauseEventID: "e1"},
		domain.CaseAllocated{Provider: "NPS", Team: "N1", Officer: "N01", Reason: "initial_allocation", Rationale: "fits caseload", Sensitive: true},
		domain.CaseDeallocated{Reason: "officer left"},
		domain.TransferRequested{TransferID: "t1", Scope: "components", Components: []string{"r1", "r2"},
			From: domain.Owner{Provider: "NPS", Team: "N1", Officer: "N01"}, To: domain.Destination{Provider: "CRC1", Team: "C1", Officer: "C01"}, Reason: "unpaid work"},
		domain.TransferAccepted{TransferID: "t1", Team: "C1", Officer: "C01"},
		domain.TransferRejected{TransferID: "t1", Reason: "terminated", Automatic: true},
		domain.TransferCancelled{TransferID: "t1", Reason: "case closed"},
		domain.RiskAssessed{AssessmentID: "ra1", Tool: "OASys", RoSH: "very_high", RSR: 6.9, OGRS: &ogrs},
		domain.RegistrationAdded{RegistrationID: "g1", RegType: "MAPP", Level: "M2", Category: "M1", NextReviewDate: "2026-06-01", Notes: "MAPPA level 2"},
		domain.RegistrationReviewed{RegistrationID: "g1", NextReviewDate: "2026-09-01", Notes: "still applies"},
		domain.RegistrationDeregistered{RegistrationID: "g1", Reason: "no longer applies"},
		domain.AppointmentBooked{AppointmentID: "a1", StartsAt: later, Kind: "home_visit", Officer: "N01", SentenceID: "s1"},
		domain.AppointmentRescheduled{AppointmentID: "a1", StartsAt: later.Add(time.Hour), Reason: "officer ill"},
		domain.AppointmentCancelled{AppointmentID: "a1", Reason: "sentence terminated"},
		domain.AppointmentOutcomeRecorded{AppointmentID: "a1", Outcome: "unacceptable_absence", Notes: "no answer"},
		domain.WarningIssued{WarningID: "w1", SentenceID: "s1", AppointmentIDs: []string{"a1", "a2"}},
		domain.BreachRaised{BreachID: "b1", SentenceID: "s1", Reason: "two absences", AppointmentIDs: []string{"a1"}},
		domain.BreachConcluded{BreachID: "b1", Outcome: "proved", Sanction: "curfew added"},
		domain.CustodyRemanded{Court: "Leeds Crown", Reason: "new charge"},
		domain.CustodyReleased{Establishment: "HMP Leeds", ReleaseType: "bail"},
		domain.RecallRaised{RecallID: "rc1", SentenceID: "l1", RecallType: "standard", Reason: "further offence", DecidedBy: "PPCS"},
		domain.RecallConcluded{RecallID: "rc1", Outcome: "returned_to_custody"},
		domain.InformationReceived{InformationID: "i1", Source: domain.Source{Organisation: "WYP", Person: "DC Smith", Kind: "police"},
			Channel: "phone", ReceivedBy: domain.ReceivedBy{Officer: "N02", Team: "N1", Reception: true}, Summary: "arrested", RiskRelevant: true, Urgency: "urgent"},
		domain.InformationRouted{InformationID: "i1", To: domain.RoutedTo{Officer: "N01", Team: "N1"}, Reason: "owner"},
		domain.InformationAcknowledged{InformationID: "i1", By: "N01", Action: "called police"},
		domain.InformationShared{InformationIDs: []string{"i1"}, Recipient: domain.Recipient{Organisation: "Children's services", Person: "SW Jones"}, Summary: "risk to child", Basis: "safeguarding"},
		domain.SFONotified{SFOID: "sfo1", Offence: "murder", OffenceDate: "2026-05-01", ChargedAt: later, FirstAppearanceAt: &later, Category: "mandatory"},
		domain.SFOReviewCompleted{SFOID: "sfo1", Summary: "lessons learnt"},
		domain.EntryRetracted{EventID: "e1", Reason: "wrong case"},
		domain.AccessRecorded{View: "summary", Outcome: domain.AccessAllowed},
		domain.ProviderRegistered{Code: "NPS", Name: "National Probation Service", HighRisk: true},
		domain.TeamRegistered{Code: "N1", Provider: "NPS", Name: "Leeds North", Phone: "0113", Email: "n1@x"},
		domain.OfficerRegistered{Code: "N01", Name: "Sam Pike", Grade: "PO", Team: "N1", Phone: "1", Email: "n01@x"},
		domain.OfficerMoved{Code: "N01", Team: "N2"},
		domain.OfficerAbsenceRecorded{AbsenceID: "ab1", Code: "N01", From: at, To: later, CoverOfficer: "N02"},
		domain.OfficerAbsenceCancelled{AbsenceID: "ab1", Reason: "recorded in error"},
		domain.OfficerLeft{Code: "N01"},
	}
}

func TestSamplesCoverEveryEventType(t *testing.T) {
	var got []string
	for _, e := range samples() {
		got = append(got, e.Type())
	}
	sort.Strings(got)
	require.Equal(t, domain.EventTypes(), got)
}

func TestEveryEventTypeRoundTrips(t *testing.T) {
	for _, given := range samples() {
		t.Run(given.Type(), func(t *testing.T) {
			data, err := json.Marshal(given)
			require.NoError(t, err)

			got, err := domain.Decode(given.Type(), domain.SchemaVersion, data)
			require.NoError(t, err)
			require.Equal(t, given, got)

			got, err = domain.DecodeStrict(given.Type(), data)
			require.NoError(t, err)
			require.Equal(t, given, got)

			env := domain.Envelope{Type: given.Type(), SchemaVersion: domain.SchemaVersion, Data: data}
			got, err = domain.DecodeEnvelope(env)
			require.NoError(t, err)
			require.Equal(t, given, got)
		})
	}
}

func TestDecodedEventsKeepTheirTypeName(t *testing.T) {
	for _, typ := range domain.EventTypes() {
		got, err := domain.Decode(typ, domain.SchemaVersion, nil)
		require.NoError(t, err, "an empty payload decodes to the zero value")
		require.Equal(t, typ, got.Type())
	}
}

func TestDecodeRefuses(t *testing.T) {
	tests := []struct {
		name    string
		typ     string
		version int
		data    string
		wantErr string
	}{
		{name: "unknown type", typ: "case.deleted", version: domain.SchemaVersion, data: `{}`, wantErr: "unknown event type"},
		{name: "unknown schema version", typ: "case.closed", version: domain.SchemaVersion + 1, data: `{"reason":"x"}`, wantErr: "schema version"},
		{name: "not JSON", typ: "case.closed", version: domain.SchemaVersion, data: `{"reason":`, wantErr: "decode case.closed"},
		{name: "wrong field type", typ: "risk.assessed", version: domain.SchemaVersion, data: `{"rsr":"high"}`, wantErr: "decode risk.assessed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := domain.Decode(tc.typ, tc.version, []byte(tc.data))
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestDecodeToleratesUnknownFieldsOfStoredEvents(t *testing.T) {
	got, err := domain.Decode("case.closed", domain.SchemaVersion, []byte(`{"reason":"x","extra":1}`))
	require.NoError(t, err)
	require.Equal(t, domain.CaseClosed{Reason: "x"}, got)
}

func TestDecodeStrict(t *testing.T) {
	tests := []struct {
		name    string
		typ     string
		data    string
		want    domain.Event
		wantErr string
	}{
		{name: "known fields", typ: "case.closed", data: `{"reason":"x"}`, want: domain.CaseClosed{Reason: "x"}},
		{name: "trailing whitespace", typ: "case.closed", data: "{\"reason\":\"x\"} \n\t", want: domain.CaseClosed{Reason: "x"}},
		{name: "nested known fields", typ: "information.routed", data: `{"information_id":"i1","to":{"officer":"N01"},"reason":"r"}`,
			want: domain.InformationRouted{InformationID: "i1", To: domain.RoutedTo{Officer: "N01"}, Reason: "r"}},
		{name: "unknown field", typ: "case.closed", data: `{"reason":"x","deleted":true}`, wantErr: "unknown field"},
		{name: "unknown nested field", typ: "case.opened", data: `{"crn":"X123456","person":{"given_name":"Lee","nickname":"L"}}`, wantErr: "unknown field"},
		{name: "field of another event type", typ: "case.closed", data: `{"reason":"x","sentence_id":"s1"}`, wantErr: "unknown field"},
		{name: "a second value", typ: "case.closed", data: `{"reason":"x"} {"reason":"y"}`, wantErr: "trailing data"},
		{name: "trailing garbage", typ: "case.closed", data: `{"reason":"x"} x`, wantErr: "trailing data"},
		{name: "trailing closing brace", typ: "case.closed", data: `{"reason":"x"}}`, wantErr: "trailing data"},
		{name: "trailing closing bracket", typ: "case.closed", data: `{"reason":"x"}]`, wantErr: "trailing data"},
		{name: "trailing comma", typ: "case.closed", data: `{"reason":"x"},`, wantErr: "trailing data"},
		{name: "empty", typ: "case.closed", data: ``, wantErr: "decode case.closed"},
		{name: "truncated", typ: "case.closed", data: `{"reason":"x"`, wantErr: "decode case.closed"},
		{name: "unknown type", typ: "case.deleted", data: `{}`, wantErr: "unknown event type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := domain.DecodeStrict(tc.typ, []byte(tc.data))
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// FuzzDecodeStrict checks that DecodeStrict never panics, and that what it
// accepts is a value of the type asked for whose encoding decodes strictly
// back to the same encoding.
func FuzzDecodeStrict(f *testing.F) {
	for _, e := range samples() {
		data, err := json.Marshal(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(e.Type(), data)
	}
	for _, seed := range []string{`{}`, `null`, `[]`, `{"reason":"x"}}`, `{"reason":"x"} {}`, `{"reason":1}`, `{"reason":"x","extra":1}`, "{\"reason\":\"\xff\"}", ``} {
		f.Add("case.closed", []byte(seed))
	}
	f.Add("sfo.notified", []byte(`{"charged_at":"2026-03-02T09:00:00+01:00","first_appearance_at":null}`))
	f.Add("risk.assessed", []byte(`{"rsr":1e400}`))
	f.Add("no.such_type", []byte(`{}`))

	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		got, err := domain.DecodeStrict(typ, data)
		if err != nil {
			require.Nil(t, got)
			return
		}
		require.Equal(t, typ, got.Type())
		once, err := json.Marshal(got)
		require.NoError(t, err)
		again, err := domain.DecodeStrict(typ, once)
		require.NoError(t, err, "its own encoding %s is refused", once)
		twice, err := json.Marshal(again)
		require.NoError(t, err)
		require.Equal(t, string(once), string(twice))
	})
}
