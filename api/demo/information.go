package demo

import (
	"time"

	"github.com/caseledger/caseledger/domain"
)

// source is someone outside probation who tells it things.
type source struct {
	domain.Source
	channels  []string
	summaries []string
	risk      bool    // what they say is relevant to risk
	urgent    float64 // how often it is urgent
	shareWith domain.Recipient
	basis     string
}

var sources = []source{
	{Source: domain.Source{Organisation: "Northshire Police", Person: "Domestic abuse safeguarding unit", Kind: "police"},
		channels: []string{"phone", "email", "system"}, risk: true, urgent: 0.5,
		summaries: []string{
			"Attended a domestic incident at the home address last night; no arrest, the partner declined to support action",
			"Arrested on suspicion of assault and released under investigation",
			"Intelligence that he is associating with known drug suppliers",
		},
		shareWith: domain.Recipient{Organisation: "Northshire Children's Services", Person: "Duty team manager"},
		basis:     "Safeguarding children: Children Act 2004, section 11"},
	{Source: domain.Source{Organisation: "Riverside Housing Association", Person: "Tenancy officer", Kind: "housing"},
		channels: []string{"email", "letter"}, urgent: 0.1,
		summaries: []string{"Tenancy at risk: eight weeks of rent arrears", "Notice of seeking possession served",
			"Neighbours complain of visitors late at night"}},
	{Source: domain.Source{Organisation: "Northshire Children's Services", Person: "Duty social worker", Kind: "childrens_services"},
		channels: []string{"email", "meeting", "phone"}, risk: true, urgent: 0.5,
		summaries: []string{"Child protection strategy meeting called for the partner's children",
			"Section 47 enquiry opened after a referral from school", "Contact with the children to be supervised until further notice"},
		shareWith: domain.Recipient{Organisation: "Northshire Police", Person: "MAPPA coordinator"},
		basis:     "MAPPA duty to co-operate: Criminal Justice Act 2003, section 325"},
	{Source: domain.Source{Organisation: "HMP Leeds", Person: "Offender management unit", Kind: "prison"},
		channels: []string{"system", "email"}, urgent: 0.1,
		summaries: []string{"Intelligence from his last sentence: debts owed to other prisoners", "Visits log shows he kept in contact with a co-defendant"}},
	{Source: domain.Source{Organisation: "Victim Contact Scheme", Person: "Victim liaison officer", Kind: "victim_liaison"},
		channels: []string{"phone", "email"}, risk: true, urgent: 0.6,
		summaries: []string{"The victim reports seeing him near her workplace twice this week", "The victim asks that the exclusion zone be kept"}},
	{Source: domain.Source{Organisation: "Northshire NHS Foundation Trust", Person: "Community psychiatric nurse", Kind: "health"},
		channels: []string{"phone", "email"}, risk: true, urgent: 0.3,
		summaries: []string{"Missed two depot injections", "Admitted overnight after a mental health crisis"}},
	{Source: domain.Source{Organisation: "Member of the public", Kind: "public"},
		channels: []string{"phone"}, risk: true, urgent: 0.5,
		summaries: []string{"An anonymous caller says he has been carrying a knife"}},
	{Source: domain.Source{Organisation: "Jobcentre Plus", Person: "Work coach", Kind: "other"},
		channels:  []string{"email"},
		summaries: []string{"Started work with a warehouse agency", "Benefit sanction applied for missed appointments"}},
}

// receiveInformation records something told to probation, taken by the
// owner, the owner's team or the front desk, and plans its routing and
// acknowledgement; now and then it is typed in days after it came in, or
// retracted at once as entered on the wrong case. It plans the next one.
func (g *caseGen) receiveInformation() error {
	g.at(g.daysAfter(g.t, 20, 80), g.receiveInformation)
	occurred, late := g.t, false
	if back := officeTime(g.rng, g.t.Add(-time.Duration(between(g.rng, 3, 8))*day)); g.p.late && chance(g.rng, 0.35) && back.After(g.opened.Add(2*day)) {
		occurred, late = back, true
	}
	st := g.stateAt(occurred)
	owner := g.ownerOrLast(st)
	if owner == nil {
		return nil // not yet allocated then: nobody to tell
	}
	team := g.org.teams[owner.Team]
	src := pick(g.rng, sources)
	urgency := "routine"
	if chance(g.rng, src.urgent) {
		urgency = "urgent"
	}
	by, receiver := g.receiver(st, team, occurred)
	id := g.id("information")
	recs, err := g.doAt(occurred, g.org.actor(receiver.Code), domain.ReceiveInformation{InformationID: id, Source: src.Source,
		Channel: pick(g.rng, src.channels), ReceivedBy: by, Summary: pick(g.rng, src.summaries), RiskRelevant: src.risk, Urgency: urgency})
	if err != nil {
		return err
	}
	switch {
	case !late && chance(g.rng, 0.04):
		g.tick()
		_, err := g.do(g.org.actor(receiver.Code), domain.RetractEntry{EventID: recs[0].EventID, Reason: "Entered on the wrong case"})
		return err
	case by.Officer != "":
		g.planAcknowledgement(id, by.Officer, urgency == "urgent", src)
	default:
		lo, hi := 0, 2
		if urgency == "urgent" {
			lo, hi = 0, 0
		}
		g.at(g.daysAfter(g.t, lo, hi), func() error { return g.route(id, urgency == "urgent", src) })
	}
	return nil
}

// receiver returns who takes information in: the owner (or who stands in
// then), the owner's team's duty inbox, or the front desk — the last two
// staffed by one of the team's probation services officers.
func (g *caseGen) receiver(st *domain.Case, team *teamPlan, at time.Time) (domain.ReceivedBy, *officerPlan) {
	duty := team.pick(g.rng, "", "PSO")
	switch r := g.rng.Float64(); {
	case r < 0.4 && st.Owner != nil:
		off := g.present(st.Owner.Officer, at)
		return domain.ReceivedBy{Officer: off.Code}, off
	case r < 0.7:
		return domain.ReceivedBy{Team: team.Code}, duty
	}
	return domain.ReceivedBy{Reception: true}, duty
}

// route sends the information to the owner (or, while the owner is away,
// whoever stands in), to the team of an unowned case — or, now and then, to
// the wrong officer, who never acknowledges it.
func (g *caseGen) route(id string, urgent bool, src source) error {
	st := g.state()
	owner := g.ownerOrLast(st)
	team := g.org.teams[owner.Team]
	var to domain.RoutedTo
	ack, reason := "", "For the case manager's attention"
	switch {
	case st.Owner == nil:
		to.Team, ack, reason = team.Code, team.spo().Code, "Case unallocated: for the team's duty officer"
	case chance(g.rng, 0.07):
		to.Officer = team.pick(g.rng, owner.Officer, "PO", "PSO").Code
	default:
		p := g.present(owner.Officer, g.t)
		to.Officer, ack = p.Code, p.Code
		if p.Code != owner.Officer {
			reason = "The case manager is away: for whoever stands in"
		}
	}
	if _, err := g.do(g.org.actor(team.spo().Code), domain.RouteInformation{InformationID: id, To: to, Reason: reason}); err != nil {
		return err
	}
	if ack != "" {
		g.planAcknowledgement(id, ack, urgent, src)
	}
	return nil
}

// planAcknowledgement plans officer's acknowledgement, soon for urgent
// information; about one in eight is never acknowledged.
func (g *caseGen) planAcknowledgement(id, officer string, urgent bool, src source) {
	if chance(g.rng, 0.12) {
		return
	}
	hi := 4
	if urgent {
		hi = 1
	}
	g.at(g.daysAfter(g.t, 0, hi), func() error { return g.acknowledge(id, officer, src) })
}

// acknowledge records that officer read and acted on the information, once
// back if they are away; risk information about a family or a MAPPA case is
// then sometimes shared with another agency.
func (g *caseGen) acknowledge(id, officer string, src source) error {
	if a, away := g.org.absenceAt(officer, g.t); away {
		g.at(officeTime(g.rng, a.To), func() error { return g.acknowledge(id, officer, src) })
		return nil
	}
	action := pick(g.rng, []string{"Discussed at supervision; risk management plan updated",
		"Called him in for an unplanned appointment", "Noted on the risk plan; no further action needed",
		"Spoke to the source and agreed next steps"})
	if _, err := g.do(g.org.actor(officer), domain.AcknowledgeInformation{InformationID: id, Action: action}); err != nil {
		return err
	}
	if src.shareWith.Organisation == "" || !(g.p.domestic || g.p.children || g.p.mappa) || !chance(g.rng, 0.5) {
		return nil
	}
	g.tick()
	_, err := g.do(g.org.actor(officer), domain.ShareInformation{InformationIDs: []string{id}, Recipient: src.shareWith,
		Summary: "Passed on what " + src.Organisation + " reported", Basis: src.basis})
	return err
}
