package api

import (
	"slices"

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
