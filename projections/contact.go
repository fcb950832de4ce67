package projections

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// ContactView says whom to contact about a case at an instant.
type ContactView struct {
	Owner  *OwnerContact `json:"owner"`
	Absent bool          `json:"absent"`
	Cover  *Person       `json:"cover"`
	Duty   *Duty         `json:"duty"`
	AsOf   time.Time     `json:"as_of"`
}

// OwnerContact is the owning officer with their team's details.
type OwnerContact struct {
	Officer   string `json:"officer"`
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	Email     string `json:"email"`
	Team      string `json:"team"`
	TeamPhone string `json:"team_phone"`
	TeamEmail string `json:"team_email"`
}

// Person is an officer's contact details.
type Person struct {
	Officer string `json:"officer"`
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
}

// Duty is the owner's team, the contact when the owner is away with no cover.
type Duty struct {
	Team      string `json:"team"`
	TeamPhone string `json:"team_phone"`
	TeamEmail string `json:"team_email"`
}

// Contact returns whom to contact about the case at the snapshot's instant:
// the owner, or — when the owner is absent — the cover officer, or with no
// cover the owner's team as the duty contact.
func Contact(s Snapshot, org *domain.Org) ContactView {
	out := ContactView{AsOf: s.AsOf.UTC()}
	o := s.State.Owner
	if o == nil {
		return out
	}
	oc := &OwnerContact{Officer: o.Officer, Team: o.Team}
	if off, ok := org.Officers[o.Officer]; ok {
		oc.Name, oc.Phone, oc.Email = off.Name, off.Phone, off.Email
	}
	team, hasTeam := org.Teams[o.Team]
	if hasTeam {
		oc.TeamPhone, oc.TeamEmail = team.Phone, team.Email
	}
	out.Owner = oc
	a, absent := org.AbsenceAt(o.Officer, s.AsOf)
	if !absent {
		return out
	}
	out.Absent = true
	if cover, ok := org.Officers[a.CoverOfficer]; ok && a.CoverOfficer != "" {
		out.Cover = &Person{Officer: cover.Code, Name: cover.Name, Phone: cover.Phone, Email: cover.Email}
		return out
	}
	out.Duty = &Duty{Team: o.Team, TeamPhone: oc.TeamPhone, TeamEmail: oc.TeamEmail}
	return out
}
