package projections

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// CaseRow is what the directory keeps of one case: its state as known now,
// as of now — enough to list, count and authorise without reading the case.
type CaseRow struct {
	CRN       string            `json:"crn"`
	Closed    bool              `json:"closed,omitempty"`
	Owner     *domain.Owner     `json:"owner"`
	LastOwner *domain.Owner     `json:"last_owner,omitempty"`
	OpenedBy  string            `json:"opened_by"`
	RoSH      string            `json:"rosh,omitempty"`
	MAPPA     bool              `json:"mappa,omitempty"`
	SFO       bool              `json:"sfo,omitempty"`
	Pending   []PendingTransfer `json:"pending,omitempty"`
	Managers  []string          `json:"managers,omitempty"` // providers managing active components
	Excluded  []string          `json:"excluded,omitempty"`
	AllowList []string          `json:"restricted_to,omitempty"`
	Revision  uint64            `json:"revision"`
}

// RowOf folds a case's history, as known now and as of now, into its row.
func RowOf(history []domain.Recorded, now time.Time) CaseRow {
	return RowAt(At(history, now, now))
}

// RowAt returns the row of the case as s shows it: RowOf(history, now) is
// RowAt(At(history, now, now)), for a caller that has that snapshot already.
func RowAt(s Snapshot) CaseRow {
	c := s.State
	row := CaseRow{CRN: c.CRN, Closed: c.Closed, Owner: c.Owner, LastOwner: c.LastOwner, OpenedBy: c.OpenedBy,
		SFO: len(c.SFOs) > 0, Pending: PendingTransfers(c, ""), Excluded: c.Excluded, AllowList: c.RestrictedTo, Revision: s.Revision()}
	if len(row.Pending) == 0 {
		row.Pending = nil
	}
	if c.Risk != nil {
		row.RoSH = c.Risk.RoSH
	}
	for _, r := range c.Registrations {
		row.MAPPA = row.MAPPA || (r.Active && r.RegType == "MAPP")
	}
	for _, comp := range c.Components {
		if m := c.ManagerOf(comp); comp.Active && m != nil && !slices.Contains(row.Managers, m.Provider) {
			row.Managers = append(row.Managers, m.Provider)
		}
	}
	sort.Strings(row.Managers)
	return row
}

// Directory is the projection of every case's row, with indexes by owner
// and by the provider a transfer is pending into. It is a fold: Put replaces
// a case's row, and the result does not depend on the order rows came in.
type Directory struct {
	Position uint64              `json:"position"`
	Rows     map[string]*CaseRow `json:"rows"`

	byOfficer   map[string]map[string]bool
	byTeam      map[string]map[string]bool
	pendingInto map[string]map[string]bool
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory {
	d := &Directory{Rows: map[string]*CaseRow{}}
	d.Reindex()
	return d
}

// Reindex rebuilds the indexes from the rows (after loading a snapshot).
func (d *Directory) Reindex() {
	d.byOfficer, d.byTeam, d.pendingInto = map[string]map[string]bool{}, map[string]map[string]bool{}, map[string]map[string]bool{}
	for _, r := range d.Rows {
		d.index(r, true)
	}
}

// Put replaces the row of a case.
func (d *Directory) Put(row CaseRow) {
	if old, ok := d.Rows[row.CRN]; ok {
		d.index(old, false)
	}
	r := row
	d.Rows[row.CRN] = &r
	d.index(&r, true)
}

func (d *Directory) index(r *CaseRow, add bool) {
	set := func(m map[string]map[string]bool, key string) {
		if key == "" {
			return
		}
		if add {
			if m[key] == nil {
				m[key] = map[string]bool{}
			}
			m[key][r.CRN] = true
		} else {
			delete(m[key], r.CRN)
		}
	}
	if r.Owner != nil && !r.Closed {
		set(d.byOfficer, r.Owner.Officer)
		set(d.byTeam, r.Owner.Team)
	}
	for _, p := range r.Pending {
		set(d.pendingInto, p.To.Provider)
	}
}

// Row returns a case's row.
func (d *Directory) Row(crn string) (*CaseRow, bool) {
	r, ok := d.Rows[crn]
	return r, ok
}

// PendingInto lists every transfer pending into a provider, oldest first. A
// team filter keeps transfers addressed to that team or to no team; an
// officer filter keeps those addressed to that officer or to no officer — so
// nothing waits unseen behind a filter.
func (d *Directory) PendingInto(provider, team, officer string) []PendingTransfer {
	out := []PendingTransfer{}
	for crn := range d.pendingInto[provider] {
		for _, p := range d.Rows[crn].Pending {
			if p.To.Provider != provider || (team != "" && p.To.Team != "" && p.To.Team != team) ||
				(officer != "" && p.To.Officer != "" && p.To.Officer != officer) {
				continue
			}
			out = append(out, p)
		}
	}
	sortPending(out)
	return out
}

// Caseload is the caseload view of an officer or a team.
type Caseload struct {
	Cases      []CaseloadEntry `json:"cases"`
	Count      int             `json:"count"`
	ByRoSH     map[string]int  `json:"by_rosh"`
	MAPPACount int             `json:"mappa_count"`
}

// CaseloadEntry is one case of a caseload.
type CaseloadEntry struct {
	CRN   string `json:"crn"`
	RoSH  string `json:"rosh"`
	MAPPA bool   `json:"mappa"`
}

// OfficerCaseload returns the active cases an officer owns, as known now.
func (d *Directory) OfficerCaseload(officer string) Caseload { return d.caseload(d.byOfficer[officer]) }

// TeamCaseload returns the active cases a team owns, as known now.
func (d *Directory) TeamCaseload(team string) Caseload { return d.caseload(d.byTeam[team]) }

func (d *Directory) caseload(crns map[string]bool) Caseload {
	out := Caseload{Cases: []CaseloadEntry{}, ByRoSH: map[string]int{"low": 0, "medium": 0, "high": 0, "very_high": 0, "unknown": 0}}
	for _, crn := range keys(crns) {
		r := d.Rows[crn]
		rosh := r.RoSH
		if rosh == "" {
			rosh = "unknown"
		}
		out.Cases = append(out.Cases, CaseloadEntry{CRN: crn, RoSH: rosh, MAPPA: r.MAPPA})
		out.ByRoSH[rosh]++
		if r.MAPPA {
			out.MAPPACount++
		}
	}
	out.Count = len(out.Cases)
	return out
}

// Filter selects rows for GET /v1/cases.
type Filter struct {
	Provider, Team, Officer string
	// After is the cursor: rows with a CRN after it.
	After string
	Limit int
	// May decides whether the caller may read a row.
	May func(*CaseRow) bool
}

// List returns the rows that match f, in CRN order, and the cursor of the
// next page ("" at the end).
func (d *Directory) List(f Filter) ([]*CaseRow, string) {
	crns := keys(d.Rows)
	i := sort.SearchStrings(crns, f.After)
	if i < len(crns) && crns[i] == f.After {
		i++
	}
	var out []*CaseRow
	for ; i < len(crns); i++ {
		r := d.Rows[crns[i]]
		if !matches(r, f) || (f.May != nil && !f.May(r)) {
			continue
		}
		if len(out) == f.Limit {
			return out, out[len(out)-1].CRN
		}
		out = append(out, r)
	}
	return out, ""
}

func matches(r *CaseRow, f Filter) bool {
	o := r.Owner
	if o == nil {
		return f.Provider == "" && f.Team == "" && f.Officer == ""
	}
	return (f.Provider == "" || strings.EqualFold(o.Provider, f.Provider)) &&
		(f.Team == "" || o.Team == f.Team) && (f.Officer == "" || o.Officer == f.Officer)
}
