package api

import (
	"crypto/sha256"
	_ "embed" // the page's template and stylesheet
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"html/template"
	"io"
	"strings"
	"time"
	_ "time/tzdata" // UK local time without relying on the host's zoneinfo

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

var (
	//go:embed pages/timeline.html
	timelineHTML string
	//go:embed pages/timeline.css
	timelineCSS string

	timelinePage = template.Must(template.New("timeline").Parse(timelineHTML))
	ukZone       = mustZone("Europe/London")
	// TimelineCSP is the page's Content-Security-Policy: nothing may load,
	// and the one inline stylesheet is allowed by its hash.
	TimelineCSP = fmt.Sprintf("default-src 'none'; style-src '%s'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'", styleHash(timelineCSS))
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func styleHash(css string) string {
	sum := sha256.Sum256([]byte(css))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// uk formats an instant in UK local time.
func uk(t time.Time) string { return t.In(ukZone).Format("02 Jan 2006 15:04 MST") }

type pageEntry struct {
	EventID, Type, Summary, Occurred, Recorded, Lag, Actor, Org, Owner, RetractedBy, Replaces string
	Late                                                                                      bool
}

type pageFinding struct {
	Rule, From, To, Summary string
	Evidence                []string
}

type pageModel struct {
	CRN, Person, DOB, From, To, KnownAt, Zone string
	CSS                                       template.CSS
	SVG                                       svgModel
	Findings, LateEntries                     []pageFinding
	Entries                                   []pageEntry
}

// RenderTimelineHTML writes the printable, self-contained timeline page.
func RenderTimelineHTML(w io.Writer, v projections.TimelineView, lateAfter time.Duration) error {
	m := pageModel{CRN: v.CRN, Person: v.Person.GivenName + " " + v.Person.FamilyName, DOB: v.Person.DateOfBirth,
		From: uk(v.From), To: uk(v.To), KnownAt: uk(v.KnownAt), Zone: "Europe/London", CSS: template.CSS(timelineCSS),
		SVG: buildSVG(v)}
	for _, f := range v.Findings {
		pf := pageFinding{Rule: f.Rule, From: uk(f.From), To: uk(f.To), Summary: f.Summary, Evidence: f.Evidence}
		if f.Rule == projections.RuleLateEntry {
			m.LateEntries = append(m.LateEntries, pf)
		} else {
			m.Findings = append(m.Findings, pf)
		}
	}
	for _, e := range v.Entries {
		owner := "no owner"
		if e.Owner != nil {
			owner = fmt.Sprintf("%s / %s / %s", e.Owner.Officer, e.Owner.Team, e.Owner.Provider)
		}
		lag := time.Duration(e.LagSeconds * float64(time.Second))
		m.Entries = append(m.Entries, pageEntry{EventID: e.EventID, Type: e.Type, Summary: e.Summary, Occurred: uk(e.OccurredAt),
			Recorded: uk(e.RecordedAt), Lag: humanLag(lag), Actor: e.Actor.Name, Org: e.Actor.Organisation, Owner: owner,
			RetractedBy: e.RetractedBy, Replaces: e.Replaces, Late: lag > lateAfter})
	}
	return timelinePage.Execute(w, m)
}

func humanLag(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "—"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.0f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// colour picks a stable colour for a provider or officer name.
func colour(s string) string {
	palette := []string{"#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#bab0ac"}
	h := fnv.New32a()
	_, _ = h.Write([]byte(s))
	return palette[h.Sum32()%uint32(len(palette))]
}

var roshColour = map[string]string{domain.RoSHLow: "#7fb77e", domain.RoSHMedium: "#f2c14e", domain.RoSHHigh: "#f08a4b", domain.RoSHVeryHigh: "#d1495b"}

var custodyColour = map[string]string{domain.CustodyStatusCommunity: "#dfe7f2", domain.CustodyStatusRemanded: "#b39ddb", domain.CustodyStatusInCustody: "#5c3c92"}

var outcomeColour = map[string]string{domain.OutcomeComplied: "#2e9e44", domain.OutcomeFailedToComply: "#f08a4b",
	domain.OutcomeAcceptableAbsence: "#9aa0a6", domain.OutcomeUnacceptableAbsence: "#d1495b"}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }
