package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
)

// orgPlan is the invented organisation: three providers, their teams and
// officers, and the officers' absences. Cases read it, never change it, so
// they can be generated concurrently.
type orgPlan struct {
	start     time.Time // when the organisation is registered
	providers []*providerPlan
	teams     map[string]*teamPlan
	officers  map[string]*officerPlan
	absences  []*absencePlan
}

type providerPlan struct {
	domain.ProviderRegistered
	mail  string // the e-mail domain
	teams []*teamPlan
}

type teamPlan struct {
	domain.TeamRegistered
	officers []*officerPlan
}

type officerPlan struct {
	domain.OfficerRegistered
	provider string
}

// absencePlan is an officer's absence, recorded at recorded (its
// occurred_at) and, when cancelled is set, withdrawn then.
type absencePlan struct {
	domain.OfficerAbsenceRecorded
	recorded  time.Time
	cancelled time.Time
}

// The providers and teams. Phone numbers are in Ofcom's ranges reserved for
// drama, and e-mail addresses in the reserved .example domain.
var (
	providerSpecs = []struct {
		code, name, mail string
		highRisk         bool
	}{
		{"NPS", "National Probation Service", "nps.example", true},
		{"CRC-N", "Northern CRC", "crc-north.example", false},
		{"CRC-S", "Southern CRC", "crc-south.example", false},
	}
	teamSpecs = []struct{ code, provider, name, phone, mailbox string }{
		{"N-LDS", "NPS", "Leeds Public Protection", "0113 496 0100", "leeds.pp"},
		{"N-SHF", "NPS", "Sheffield Courts and Public Protection", "0114 496 0200", "sheffield.courts"},
		{"N-BRS", "NPS", "Bristol Public Protection", "0117 496 0300", "bristol.pp"},
		{"CN-BRD", "CRC-N", "Bradford Central", "01632 960400", "bradford.central"},
		{"CN-MCR", "CRC-N", "Manchester North", "0161 496 0500", "manchester.north"},
		{"CN-NCL", "CRC-N", "Newcastle and Gateshead", "0191 498 0600", "newcastle"},
		{"CS-RDG", "CRC-S", "Reading and Wokingham", "0118 496 0700", "reading"},
		{"CS-LDN", "CRC-S", "South London", "020 7946 0800", "south.london"},
	}
	// teamGrades is every team's staffing: a senior probation officer who
	// manages it, probation officers and probation services officers.
	teamGrades = []string{"SPO", "PO", "PO", "PO", "PSO", "PSO"}
)

// planOrg invents the organisation registered at start.
func planOrg(rng *rand.Rand, start, now time.Time) *orgPlan {
	o := &orgPlan{start: start, teams: map[string]*teamPlan{}, officers: map[string]*officerPlan{}}
	byCode := map[string]*providerPlan{}
	for _, s := range providerSpecs {
		p := &providerPlan{ProviderRegistered: domain.ProviderRegistered{Code: s.code, Name: s.name, HighRisk: s.highRisk}, mail: s.mail}
		o.providers = append(o.providers, p)
		byCode[s.code] = p
	}
	mails := map[string]bool{}
	for _, s := range teamSpecs {
		p := byCode[s.provider]
		t := &teamPlan{TeamRegistered: domain.TeamRegistered{Code: s.code, Provider: s.provider, Name: s.name,
			Phone: s.phone, Email: s.mailbox + "@" + p.mail}}
		for i, grade := range teamGrades {
			off := o.planOfficer(rng, t, p, i, grade, mails)
			t.officers = append(t.officers, off)
		}
		p.teams = append(p.teams, t)
		o.teams[t.Code] = t
	}
	o.planAbsences(rng, now)
	return o
}

func (o *orgPlan) planOfficer(rng *rand.Rand, t *teamPlan, p *providerPlan, i int, grade string, mails map[string]bool) *officerPlan {
	given, family := personName(rng)
	mail := strings.ToLower(given + "." + family)
	for n := 2; mails[mail]; n++ {
		mail = strings.ToLower(fmt.Sprintf("%s.%s%d", given, family, n))
	}
	mails[mail] = true
	off := &officerPlan{provider: p.Code, OfficerRegistered: domain.OfficerRegistered{
		Code: fmt.Sprintf("%s-%02d", t.Code, i+1), Name: given + " " + family, Grade: grade, Team: t.Code,
		Phone: fmt.Sprintf("07700 900%03d", len(o.officers)), Email: mail + "@" + p.mail,
	}}
	o.officers[off.Code] = off
	return off
}

// teamsOf returns a provider's teams.
func (o *orgPlan) teamsOf(provider string) []*teamPlan {
	for _, p := range o.providers {
		if p.Code == provider {
			return p.teams
		}
	}
	return nil
}

// highRisk reports whether a provider may hold high-risk cases.
func (o *orgPlan) highRisk(provider string) bool {
	for _, p := range o.providers {
		if p.Code == provider {
			return p.HighRisk
		}
	}
	return false
}

// spo returns the team's senior probation officer, who manages it.
func (t *teamPlan) spo() *officerPlan { return t.officers[0] }

// pick returns a random officer of the team of one of grades, other than except.
func (t *teamPlan) pick(rng *rand.Rand, except string, grades ...string) *officerPlan {
	var out []*officerPlan
	for _, off := range t.officers {
		for _, g := range grades {
			if off.Grade == g && off.Code != except {
				out = append(out, off)
			}
		}
	}
	return pick(rng, out)
}

// actor returns the officer as the practitioner who records something.
func (o *orgPlan) actor(code string) domain.Actor {
	off := o.officers[code]
	return domain.Actor{ID: off.Code, Name: off.Name, Organisation: off.provider, Roles: []string{rolePractitioner}}
}

// absenceAt returns the officer's absence covering t, if any.
func (o *orgPlan) absenceAt(code string, t time.Time) (*absencePlan, bool) {
	for _, a := range o.absences {
		if a.Code == code && a.cancelled.IsZero() && !t.Before(a.From) && t.Before(a.To) {
			return a, true
		}
	}
	return nil, false
}

// register writes the organisation, as the administrator, in occurred_at order.
func (o *orgPlan) register(w *writer) error {
	type timed struct {
		at  time.Time
		cmd domain.OrgCommand
	}
	var cmds []timed
	at := o.start
	add := func(t time.Time, cmd domain.OrgCommand) { cmds = append(cmds, timed{t, cmd}) }
	for _, p := range o.providers {
		add(at, domain.RegisterProvider(p.ProviderRegistered))
		for _, t := range p.teams {
			add(at.Add(time.Minute), domain.RegisterTeam(t.TeamRegistered))
			for _, off := range t.officers {
				add(at.Add(2*time.Minute), domain.RegisterOfficer(off.OfficerRegistered))
			}
		}
	}
	for _, a := range o.absences {
		add(a.recorded, domain.RecordAbsence(a.OfficerAbsenceRecorded))
		if !a.cancelled.IsZero() {
			add(a.cancelled, domain.CancelAbsence{AbsenceID: a.AbsenceID, Reason: "Leave cancelled: needed to cover the team's court duty rota"})
		}
	}
	slices.SortStableFunc(cmds, func(a, b timed) int { return a.at.Compare(b.at) })
	for _, c := range cmds {
		if _, err := w.execute(adminActor, c.at, ledger.Org(c.cmd, nil)); err != nil {
			return fmt.Errorf("demo: org: %T at %s: %w", c.cmd, domain.FormatTime(c.at), err)
		}
	}
	return nil
}
