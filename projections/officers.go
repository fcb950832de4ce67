package projections

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/caseledger/caseledger/domain"
)

// OfficerCases indexes, from the global order of events, every case each
// officer was ever made owner of (by allocation or transfer acceptance).
// It over-approximates on purpose: retractions are not applied, so the
// application loads each case named and folds its exact ownership.
type OfficerCases struct {
	position uint64
	cases    map[string]map[string]bool
}

// NewOfficerCases returns an empty index.
func NewOfficerCases() *OfficerCases {
	return &OfficerCases{cases: map[string]map[string]bool{}}
}

// Position is the global position of the last event applied.
func (o *OfficerCases) Position() uint64 { return o.position }

// Apply folds one event of the global order into the index.
func (o *OfficerCases) Apply(e domain.Envelope) {
	o.position = e.Position
	if e.Type != "case.allocated" && e.Type != "transfer.accepted" {
		return
	}
	crn, ok := strings.CutPrefix(e.Stream, "case-")
	if !ok {
		return
	}
	var p struct {
		Officer string `json:"officer"`
	}
	if json.Unmarshal(e.Data, &p) != nil || p.Officer == "" {
		return
	}
	if o.cases[p.Officer] == nil {
		o.cases[p.Officer] = map[string]bool{}
	}
	o.cases[p.Officer][crn] = true
}

// Cases returns the CRNs an officer was ever made owner of, sorted.
func (o *OfficerCases) Cases(officer string) []string {
	out := make([]string, 0, len(o.cases[officer]))
	for crn := range o.cases[officer] {
		out = append(out, crn)
	}
	sort.Strings(out)
	return out
}
