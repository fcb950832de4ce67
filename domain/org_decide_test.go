package domain_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
)

// orgCase is one command decided on the org stream: orgEvents() then given.
type orgCase struct {
	name  string
	given []domain.Recorded
	// allocations are the ownership slices of the officer the command concerns.
	allocations []domain.Allocation
	when        domain.OrgCommand
	at          time.Time
	wantErr     *domain.Error
	wantFields  []string
	wantEvent   string
	wantCause   *domain.Error
	// wantMessage is part of the refusal's message.
	wantMessage string
}

func runOrgCases(t *testing.T, base []domain.Recorded, cases []orgCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			history := stored(append(append([]domain.Recorded(nil), base...), tc.given...)...)
			got, err := domain.DecideOrg(history, meta(tc.at), tc.when, tc.allocations)
			requireOutcome(t, err, tc.wantErr, tc.wantFields, tc.wantEvent, tc.wantCause)
			if tc.wantMessage != "" {
				require.ErrorContains(t, err, tc.wantMessage)
			}
			if tc.wantErr != nil {
				require.Nil(t, got)
				return
			}
			require.Len(t, got, 1)
			require.Equal(t, tc.at, got[0].OccurredAt)
		})
	}
}

// registration finds the event of orgEvents() that registered code.
func registration(t *testing.T, h []domain.Recorded, code string) domain.Recorded {
	t.Helper()
	for _, r := range h {
		switch e := r.Event.(type) {
		case domain.ProviderRegistered:
			if e.Code == code {
				return r
			}
		case domain.TeamRegistered:
			if e.Code == code {
				return r
			}
		case domain.OfficerRegistered:
			if e.Code == code {
				return r
			}
		}
	}
	t.Fatalf("nothing registered %s", code)
	return domain.Recorded{}
}

func since(at time.Time) *time.Time { return &at }

func TestDecideOrgReferenceData(t *testing.T) {
	n05AtDay10 := rec(day(10), domain.OfficerRegistered{Code: "N05", Name: "Later", Grade: "PO", Team: "N1", Phone: "5", Email: "n05@x"})
	crc3AtDay10 := []domain.Recorded{rec(day(10), domain.ProviderRegistered{Code: "CRC3", Name: "Eastern CRC"})}
	team := func(code, provider string) domain.RegisterTeam {
		return domain.RegisterTeam{Code: code, Provider: provider, Name: "New team", Phone: "0", Email: "t@x"}
	}
	officer := func(code, team string) domain.RegisterOfficer {
		return domain.RegisterOfficer{Code: code, Name: "New Officer", Grade: "PSO", Team: team, Phone: "0", Email: "o@x"}
	}
	runOrgCases(t, orgEvents(), []orgCase{
		{name: "a provider whose code exists", when: domain.RegisterProvider{Code: "NPS", Name: "Again", HighRisk: true}, at: day(1), wantErr: domain.ErrDuplicateCode},
		{name: "a new provider", when: domain.RegisterProvider{Code: "CRC3", Name: "Eastern CRC"}, at: day(1)},
		{name: "a provider with no name", when: domain.RegisterProvider{Code: "CRC3"}, at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"name"}},
		{name: "a provider in the future", when: domain.RegisterProvider{Code: "CRC3", Name: "x"}, at: now.Add(6 * time.Minute), wantErr: domain.ErrFutureOccurredAt, wantFields: []string{"occurred_at"}},
		{name: "a team whose code exists", when: team("N1", "NPS"), at: day(1), wantErr: domain.ErrDuplicateCode},
		{name: "a team of an unknown provider", when: team("X1", "XYZ"), at: day(1), wantErr: domain.ErrUnknownProvider, wantFields: []string{"provider"}},
		{name: "a team before its provider was registered", given: crc3AtDay10, when: team("E1", "CRC3"), at: day(5), wantErr: domain.ErrUnknownProvider},
		{name: "a team after its provider was registered", given: crc3AtDay10, when: team("E1", "CRC3"), at: day(12)},
		{
			name: "a team with no contact details", when: domain.RegisterTeam{Code: "E1", Provider: "NPS", Name: "x"}, at: day(1),
			wantErr: domain.ErrInvalid, wantFields: []string{"phone", "email"},
		},
		{name: "an officer whose code exists", when: officer("N01", "N1"), at: day(1), wantErr: domain.ErrDuplicateCode},
		{
			name: "an officer whose code is registered later", given: []domain.Recorded{n05AtDay10}, when: officer("N05", "N1"), at: day(5),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: n05AtDay10.EventID, wantCause: domain.ErrDuplicateCode,
		},
		{name: "an officer of an unknown team", when: officer("N09", "N9"), at: day(1), wantErr: domain.ErrUnknownTeam, wantFields: []string{"team"}},
		{name: "a new officer", when: officer("N09", "N2"), at: day(1)},
		{
			name: "an officer of an unknown grade", when: domain.RegisterOfficer{Code: "N09", Name: "x", Grade: "Boss", Team: "N1", Phone: "0", Email: "e"}, at: day(1),
			wantErr: domain.ErrInvalid, wantFields: []string{"grade"},
		},
	})
}

func TestDecideOrgMovesAndDepartures(t *testing.T) {
	base := orgEvents()
	laterAbsence := rec(day(10), domain.OfficerAbsenceRecorded{AbsenceID: "ab1", Code: "N02", From: day(11), To: day(12)})
	laterMove := orgMoved(day(10), "N02", "N2")
	current := []domain.Allocation{{CRN: "X123456", Team: "N1", From: day(0)}}
	ended := []domain.Allocation{{CRN: "X123456", Team: "N1", From: day(0), To: since(day(4))}}
	endedLater := []domain.Allocation{{CRN: "X123456", Team: "N1", From: day(0), To: since(day(8))}, {CRN: "X654321", Team: "N1", From: day(1)}}
	runOrgCases(t, base, []orgCase{
		{name: "moving an unknown officer", when: domain.MoveOfficer{Code: "N99", Team: "N2"}, at: day(1), wantErr: domain.ErrOfficerNotFound},
		{name: "moving an officer before they were registered", when: domain.MoveOfficer{Code: "N01", Team: "N2"}, at: day(-400), wantErr: domain.ErrOfficerNotFound},
		{name: "moving an officer who has left", given: []domain.Recorded{orgLeft(day(5), "N01")}, when: domain.MoveOfficer{Code: "N01", Team: "N2"}, at: day(6), wantErr: domain.ErrOfficerLeft},
		{name: "moving an officer to an unknown team", when: domain.MoveOfficer{Code: "N01", Team: "N9"}, at: day(1), wantErr: domain.ErrUnknownTeam, wantFields: []string{"team"}},
		{name: "moving an officer", allocations: current, when: domain.MoveOfficer{Code: "N01", Team: "N2"}, at: day(6)},
		{
			name: "a move back-dated before an allocation in the old team", wantErr: domain.ErrMoveInvalidatesAllocation, wantMessage: "X123456",
			allocations: []domain.Allocation{{CRN: "X123456", Team: "N1", From: day(5)}}, when: domain.MoveOfficer{Code: "N01", Team: "N2"}, at: day(3),
		},
		{
			name:        "a move back-dated before an allocation in the new team",
			allocations: []domain.Allocation{{CRN: "X123456", Team: "N2", From: day(5)}}, when: domain.MoveOfficer{Code: "N01", Team: "N2"}, at: day(3),
		},
		{
			name: "a move back-dated to after the allocation began", allocations: []domain.Allocation{{CRN: "X123456", Team: "N1", From: day(5)}},
			when: domain.MoveOfficer{Code: "N01", Team: "N2"}, at: day(7),
		},
		{
			name: "a move back-dated before the officer's next move, whose allocation comes after it", given: []domain.Recorded{orgMoved(day(10), "N01", "N2")},
			allocations: []domain.Allocation{{CRN: "X123456", Team: "N2", From: day(12)}}, when: domain.MoveOfficer{Code: "N01", Team: "N1"}, at: day(3),
		},
		{
			name: "a move back-dated before a later move, with an allocation in between", given: []domain.Recorded{orgMoved(day(10), "N01", "N2")}, wantErr: domain.ErrMoveInvalidatesAllocation,
			allocations: []domain.Allocation{{CRN: "X123456", Team: "N1", From: day(5)}}, when: domain.MoveOfficer{Code: "N01", Team: "N2"}, at: day(3),
		},
		{
			name: "a departure while the officer owns a case", allocations: current, when: domain.RecordDeparture{Code: "N01"}, at: day(5),
			wantErr: domain.ErrOfficerOwnsCases, wantMessage: "X123456",
		},
		{
			name: "a departure back-dated before an allocation ended, naming every case", allocations: endedLater, when: domain.RecordDeparture{Code: "N01"}, at: day(5),
			wantErr: domain.ErrOfficerOwnsCases, wantMessage: "X123456, X654321",
		},
		{name: "a departure after the officer's cases were reallocated", allocations: ended, when: domain.RecordDeparture{Code: "N01"}, at: day(5)},
		{name: "a departure the instant the last case was reallocated", allocations: ended, when: domain.RecordDeparture{Code: "N01"}, at: day(4)},
		{name: "a departure of an officer who has left", given: []domain.Recorded{orgLeft(day(5), "N01")}, when: domain.RecordDeparture{Code: "N01"}, at: day(6), wantErr: domain.ErrOfficerLeft},
		{name: "a departure of an unknown officer", when: domain.RecordDeparture{Code: "N99"}, at: day(6), wantErr: domain.ErrOfficerNotFound},
		{
			name: "a departure back-dated before an absence recorded for the officer", given: []domain.Recorded{laterAbsence}, when: domain.RecordDeparture{Code: "N02"}, at: day(5),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: laterAbsence.EventID, wantCause: domain.ErrOfficerLeft,
		},
		{
			name: "a departure back-dated before a move of the officer", given: []domain.Recorded{laterMove}, when: domain.RecordDeparture{Code: "N02"}, at: day(5),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: laterMove.EventID, wantCause: domain.ErrOfficerLeft,
		},
		{name: "a departure after the officer's last org entry", given: []domain.Recorded{laterMove}, when: domain.RecordDeparture{Code: "N02"}, at: day(11)},
	})
}

func TestDecideOrgAbsences(t *testing.T) {
	absence := func(id, code, cover string, from, to time.Time) domain.RecordAbsence {
		return domain.RecordAbsence{AbsenceID: id, Code: code, From: from, To: to, CoverOfficer: cover}
	}
	ab1 := []domain.Recorded{rec(day(1), domain.OfficerAbsenceRecorded{AbsenceID: "ab1", Code: "N01", From: day(2), To: day(9), CoverOfficer: "N02"})}
	cancelled := append(ab1, rec(day(3), domain.OfficerAbsenceCancelled{AbsenceID: "ab1", Reason: "x"}))
	runOrgCases(t, orgEvents(), []orgCase{
		{name: "an absence with cover", when: absence("ab2", "N01", "N02", day(2), day(9)), at: day(1)},
		{name: "an absence without cover", when: absence("ab2", "N01", "", day(2), day(9)), at: day(1)},
		{name: "an absence whose id exists", given: ab1, when: absence("ab1", "N03", "", day(2), day(9)), at: day(2), wantErr: domain.ErrDuplicateID},
		{name: "an absence of an unknown officer", when: absence("ab2", "N99", "", day(2), day(9)), at: day(1), wantErr: domain.ErrOfficerNotFound},
		{name: "an absence of an officer who has left", given: []domain.Recorded{orgLeft(day(1), "N01")}, when: absence("ab2", "N01", "", day(2), day(9)), at: day(2), wantErr: domain.ErrOfficerLeft},
		{name: "an absence covered by an unknown officer", when: absence("ab2", "N01", "N99", day(2), day(9)), at: day(1), wantErr: domain.ErrUnknownOfficer, wantFields: []string{"cover_officer"}},
		{name: "an absence covered by an officer who has left", given: []domain.Recorded{orgLeft(day(1), "N02")}, when: absence("ab2", "N01", "N02", day(2), day(9)), at: day(2), wantErr: domain.ErrUnknownOfficer},
		{name: "an absence covered by the absent officer", when: absence("ab2", "N01", "N01", day(2), day(9)), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"cover_officer"}},
		{name: "an absence ending before it starts", when: absence("ab2", "N01", "", day(9), day(2)), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"to"}},
		{name: "an absence with no period", when: absence("", "N01", "", time.Time{}, time.Time{}), at: day(1), wantErr: domain.ErrInvalid, wantFields: []string{"absence_id", "from", "to"}},
		{name: "cancelling an unknown absence", given: ab1, when: domain.CancelAbsence{AbsenceID: "ab9", Reason: "x"}, at: day(3), wantErr: domain.ErrAbsenceNotFound},
		{name: "cancelling a cancelled absence", given: cancelled, when: domain.CancelAbsence{AbsenceID: "ab1", Reason: "x"}, at: day(4), wantErr: domain.ErrAbsenceCancelled},
		{name: "cancelling an absence", given: ab1, when: domain.CancelAbsence{AbsenceID: "ab1", Reason: "back early"}, at: day(3)},
		{name: "cancelling without a reason", given: ab1, when: domain.CancelAbsence{AbsenceID: "ab1"}, at: day(3), wantErr: domain.ErrInvalid, wantFields: []string{"reason"}},
	})
}

func TestDecideOrgRetraction(t *testing.T) {
	base := orgEvents()
	n2, n03 := registration(t, base, "N2"), registration(t, base, "N03")
	crc2, c2 := registration(t, base, "CRC2"), registration(t, base, "C2")
	emptyTeam := rec(day(1), domain.TeamRegistered{Code: "N9", Provider: "NPS", Name: "Empty", Phone: "9", Email: "n9@x"})
	moveIntoN9 := orgMoved(day(2), "N03", "N9")
	move := orgMoved(day(2), "N03", "N1")
	retraction := rec(day(3), domain.EntryRetracted{EventID: move.EventID, Reason: "wrong officer"})
	retract := func(id string) domain.RetractOrgEntry {
		return domain.RetractOrgEntry{EventID: id, Reason: "entered in error"}
	}
	runOrgCases(t, base, []orgCase{
		{name: "retracting an unknown event", when: retract("no-such-event"), at: day(4), wantErr: domain.ErrEventNotFound},
		{
			name: "retracting a team an officer depends on", when: retract(n2.EventID), at: day(4),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: n03.EventID, wantCause: domain.ErrUnknownTeam,
		},
		{
			name: "retracting a provider a team depends on", when: retract(crc2.EventID), at: day(4),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: c2.EventID, wantCause: domain.ErrUnknownProvider,
		},
		{name: "retracting a team nothing depends on", given: []domain.Recorded{emptyTeam}, when: retract(emptyTeam.EventID), at: day(4)},
		{
			name: "retracting a team a later move depends on", given: []domain.Recorded{emptyTeam, moveIntoN9}, when: retract(emptyTeam.EventID), at: day(4),
			wantErr: domain.ErrInvalidatesHistory, wantEvent: moveIntoN9.EventID, wantCause: domain.ErrUnknownTeam,
		},
		{name: "retracting a move", given: []domain.Recorded{move}, when: retract(move.EventID), at: day(4)},
		{name: "retracting a retraction", given: []domain.Recorded{move, retraction}, when: retract(retraction.EventID), at: day(4), wantErr: domain.ErrNotRetractable},
		{name: "retracting a retracted entry", given: []domain.Recorded{move, retraction}, when: retract(move.EventID), at: day(4), wantErr: domain.ErrAlreadyRetracted},
		{name: "retracting without a reason", given: []domain.Recorded{move}, when: domain.RetractOrgEntry{EventID: move.EventID}, at: day(4), wantErr: domain.ErrInvalid, wantFields: []string{"reason"}},
	})
}
