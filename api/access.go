package api

import (
	"slices"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// mayRead decides whether actor may read a case, judged on its current row
// (never on an as_of or known_at the caller asks for):
//
//   - a limited-access case refuses excluded users, and with an allow list
//     everyone not on it — whatever their role, auditors excepted;
//   - auditors and admins read everything;
//   - reviewers read cases with an SFO notified;
//   - practitioners read the cases their provider owns, that have a transfer
//     pending into it, whose components it manages, or — with no owner —
//     that it opened or last owned.
func mayRead(a domain.Actor, row *projections.CaseRow) bool {
	if hasRole(a, RoleAuditor) {
		return true
	}
	if slices.Contains(row.Excluded, a.ID) || (len(row.AllowList) > 0 && !slices.Contains(row.AllowList, a.ID)) {
		return false
	}
	if hasRole(a, RoleAdmin) || (hasRole(a, RoleReviewer) && row.SFO) {
		return true
	}
	return hasRole(a, RolePractitioner) && practitionerReaches(a.Organisation, row)
}

func practitionerReaches(org string, row *projections.CaseRow) bool {
	if row.Owner != nil && row.Owner.Provider == org {
		return true
	}
	for _, p := range row.Pending {
		if p.To.Provider == org {
			return true
		}
	}
	if slices.Contains(row.Managers, org) {
		return true
	}
	if row.Owner == nil {
		return row.OpenedBy == org || (row.LastOwner != nil && row.LastOwner.Provider == org)
	}
	return false
}

// mayWrite decides whether actor (who holds the route's role) may carry out
// cmd on the case whose history is h, judged on its current state:
// practitioners write the cases they may read — and only the provider a
// transfer is addressed to accepts or rejects it, and only the provider it
// comes from cancels it; reviewers complete reviews of cases with an SFO; a
// limited-access case refuses excluded users (or everyone off its allow list).
func mayWrite(a domain.Actor, cmd domain.Command, h []domain.Recorded, now time.Time) bool {
	if _, opening := cmd.(domain.OpenCase); opening {
		return true
	}
	row := projections.RowOf(h, now)
	if slices.Contains(row.Excluded, a.ID) || (len(row.AllowList) > 0 && !slices.Contains(row.AllowList, a.ID)) {
		return false
	}
	switch c := cmd.(type) {
	case domain.RestrictAccess:
		return hasRole(a, RoleAdmin)
	case domain.CompleteSFOReview:
		return row.SFO
	case domain.AcceptTransfer:
		return transferParty(row, c.TransferID, a.Organisation, true)
	case domain.RejectTransfer:
		return transferParty(row, c.TransferID, a.Organisation, true)
	case domain.CancelTransfer:
		return transferParty(row, c.TransferID, a.Organisation, false)
	}
	return practitionerReaches(a.Organisation, &row)
}

// transferParty reports whether org is the transfer's receiving (to) or
// sending (from) provider. A transfer that is not pending is left to the
// decider to refuse (404 or 409), so the answer does not depend on the caller.
func transferParty(row projections.CaseRow, id, org string, to bool) bool {
	for _, p := range row.Pending {
		if p.TransferID == id {
			if to {
				return p.To.Provider == org
			}
			return p.From.Provider == org
		}
	}
	return practitionerReaches(org, &row)
}
