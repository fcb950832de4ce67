package api

import (
	"fmt"
	"time"

	"github.com/caseledger/caseledger/projections"
)

// The SVG of the timeline page: lanes across, time along.
type svgModel struct {
	Width, Height, Left, Right, Top, AxisY, LabelY int
	Lanes                                          []svgLane
	Ticks                                          []svgTick
	Rects                                          []svgRect
	Lines                                          []svgLine
	Dots                                           []svgDot
}

type svgLane struct {
	Name         string
	LabelY, Base int
}

type svgTick struct {
	X     float64
	Label string
}

type svgRect struct {
	X, Y, W, H, TextX, TextY        float64
	Fill, Stroke, Title, Text, Href string
	TextFill                        string
	Opacity                         float64
}

type svgLine struct {
	X1, X2, Y           float64
	Stroke, Dash, Title string
}

type svgDot struct {
	X, Y              float64
	Fill, Title, Href string
}

const (
	svgWidth  = 1100
	laneLeft  = 120
	laneRight = 1085
	laneTop   = 10
	laneH     = 34
)

var laneNames = []string{"Owner", "RoSH", "Custody", "Appointments", "Information", "Findings"}

// buildSVG lays the timeline's lanes out over its window.
func buildSVG(v projections.TimelineView) svgModel {
	m := svgModel{Width: svgWidth, Left: laneLeft, Right: laneRight, Top: laneTop}
	for i, n := range laneNames {
		base := laneTop + (i+1)*laneH
		m.Lanes = append(m.Lanes, svgLane{Name: n, LabelY: base - laneH/2 + 4, Base: base})
	}
	m.AxisY = laneTop + len(laneNames)*laneH + 4
	m.LabelY = m.AxisY + 14
	m.Height = m.LabelY + 10
	x := scale(v.From, v.To)
	m.Ticks = ticks(v.From, v.To, x)
	top := func(lane int) float64 { return float64(laneTop + lane*laneH + 6) }
	band := func(lane int, from, to time.Time, fill, title, text, href string, opacity float64) {
		x1, x2 := x(from), x(to)
		if x2 < x1+1 {
			x2 = x1 + 1
		}
		r := svgRect{X: x1, Y: top(lane), W: x2 - x1, H: laneH - 12, Fill: fill, Stroke: "#ffffff", Title: title, Href: href, Opacity: opacity, TextFill: "#ffffff"}
		if x2-x1 > float64(7*len(text)) {
			r.Text, r.TextX, r.TextY = text, x1+4, top(lane)+(laneH-12)/2+4
		}
		m.Rects = append(m.Rects, r)
	}
	for _, s := range v.Slices {
		to := v.To
		if s.To != nil {
			to = *s.To
		}
		band(0, clamp(s.From, v), clamp(to, v), colour(s.Provider), fmt.Sprintf("%s (%s, %s) from %s", s.Officer, s.Team, s.Provider, uk(s.From)),
			s.Officer+" · "+s.Provider, "#ev-"+s.EventID, 0.9)
	}
	for _, a := range v.Lanes.Absences {
		x1, x2 := x(clamp(a.From, v)), x(clamp(a.To, v))
		title := "owner absent, no cover recorded"
		if a.Value != "" {
			title = "owner absent, covered by " + a.Value
		}
		m.Rects = append(m.Rects, svgRect{X: x1, Y: top(0) + float64(laneH-12)/2, W: max(x2-x1, 1), H: float64(laneH-12) / 2,
			Fill: "#1d2125", Stroke: "#ffffff", Title: title + " from " + uk(a.From) + " to " + uk(a.To), Opacity: 0.55, TextFill: "#ffffff"})
	}
	for _, p := range v.Lanes.RoSH {
		band(1, clamp(p.From, v), clamp(p.To, v), roshColour[p.Value], "RoSH "+words(p.Value)+" from "+uk(p.From), words(p.Value), "#ev-"+p.EventID, 0.95)
	}
	for _, p := range v.Lanes.Custody {
		band(2, clamp(p.From, v), clamp(p.To, v), custodyColour[p.Value], words(p.Value)+" from "+uk(p.From), words(p.Value), "#ev-"+p.EventID, 0.95)
	}
	for i := range m.Rects {
		if m.Rects[i].Fill == custodyColour["community"] {
			m.Rects[i].TextFill = "#334"
		}
	}
	mid := func(lane int) float64 { return top(lane) + float64(laneH-12)/2 }
	for _, a := range v.Lanes.Appointments {
		if inWindow(a.At, v) {
			m.Dots = append(m.Dots, svgDot{X: x(a.At), Y: mid(3), Fill: outcomeColour[a.Value], Title: words(a.Label) + ": " + words(a.Value) + " at " + uk(a.At), Href: "#ev-" + a.EventID})
		}
	}
	for _, in := range v.Lanes.Information {
		if !inWindow(in.ReceivedAt, v) {
			continue
		}
		end, dash, stroke, title := in.AckAt, "", "#4e79a7", "acknowledged "+uk(in.AckAt)
		if end.IsZero() || end.After(v.To) {
			end, dash, stroke, title = v.To, "6 4", "#d1495b", "never acknowledged"
		}
		m.Lines = append(m.Lines, svgLine{X1: x(in.ReceivedAt), X2: x(end), Y: mid(4), Stroke: stroke, Dash: dash, Title: "information " + in.ID + ": " + title})
		fill := "#4e79a7"
		if in.RiskRelevant {
			fill = "#d1495b"
		}
		m.Dots = append(m.Dots, svgDot{X: x(in.ReceivedAt), Y: mid(4), Fill: fill, Title: "information " + in.ID + " received " + uk(in.ReceivedAt), Href: "#ev-" + in.EventID})
	}
	for _, f := range v.Findings {
		if f.Rule == projections.RuleLateEntry {
			continue // shown in the chronology's lag column
		}
		href := ""
		if len(f.Evidence) > 0 {
			href = "#ev-" + f.Evidence[0]
		}
		band(5, clamp(f.From, v), clamp(f.To, v), "#d1495b", f.Rule+": "+f.Summary, "", href, 0.35)
	}
	return m
}

func inWindow(t time.Time, v projections.TimelineView) bool {
	return !t.Before(v.From) && t.Before(v.To)
}

func clamp(t time.Time, v projections.TimelineView) time.Time {
	if t.Before(v.From) {
		return v.From
	}
	if t.After(v.To) {
		return v.To
	}
	return t
}

// scale maps an instant of the window to an x coordinate.
func scale(from, to time.Time) func(time.Time) float64 {
	span := to.Sub(from).Seconds()
	if span <= 0 {
		span = 1
	}
	return func(t time.Time) float64 {
		return laneLeft + (laneRight-laneLeft)*t.Sub(from).Seconds()/span
	}
}

// ticks marks the first of each month (or each week over short windows).
func ticks(from, to time.Time, x func(time.Time) float64) []svgTick {
	var out []svgTick
	step, format := func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }, "Jan 2006"
	start := time.Date(from.In(ukZone).Year(), from.In(ukZone).Month(), 1, 0, 0, 0, 0, ukZone)
	if to.Sub(from) < 75*24*time.Hour {
		step, format = func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }, "02 Jan"
		start = time.Date(from.In(ukZone).Year(), from.In(ukZone).Month(), from.In(ukZone).Day(), 0, 0, 0, 0, ukZone)
	}
	for t := start; !t.After(to); t = step(t) {
		if !t.Before(from) {
			out = append(out, svgTick{X: x(t), Label: t.Format(format)})
		}
	}
	return out
}
