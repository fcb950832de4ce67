package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// writeTable prints the machine, the scale and the table.
func (rep *benchReport) writeTable(w io.Writer) {
	m := rep.Machine
	fmt.Fprintf(w, "caseledger bench, %s\n", rep.Started.Format(time.RFC3339))
	fmt.Fprintf(w, "machine: %s, %d cores, %.1f GiB RAM, %s %s, %s; fsync of 4 KiB in the data directory: median %.2f ms\n",
		m.CPU, m.Cores, m.MemoryGiB, m.OS, m.Kernel, m.GoVersion, m.FsyncMS)
	fmt.Fprintf(w, "noise: other processes used %.0f%% of the CPUs while the bench ran, other machines (steal) %.0f%%\n",
		100*m.OtherCPU, 100*m.Steal)
	s := rep.Scale
	switch {
	case s.LargeCases > 0:
		fmt.Fprintf(w, "data: %s synthetic cases, %s events; median of %d restarts\n", thousands(float64(s.LargeCases)), thousands(float64(s.Events)), s.Runs)
	case s.Clients > 0:
		fmt.Fprintf(w, "data: %d demo cases, %s write cases of %d events, 1 case of %s events: %s events; %d clients; median of %d runs of %s\n",
			s.DemoCases, thousands(float64(s.WriteCases)), synthEvents, thousands(float64(s.CaseEvents)), thousands(float64(s.Events)),
			s.Clients, s.Runs, time.Duration(s.DurationS*float64(time.Second)))
	}
	fmt.Fprintf(w, "command: %s\n\n", rep.Command)
	rep.sortRows()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "row\tmetric\ttarget\tmedian\tratio to target\tmet\tbaseline\tbaseline median\tratio to baseline\tnote")
	for _, r := range rep.Rows {
		target, med, ratio, met := "—", "—", "—", "—"
		if r.Target != nil {
			op := "≤ "
			if r.AtLeast {
				op = "≥ "
			}
			target = op + formatFigure(*r.Target, r.Unit)
		}
		if r.Median != nil {
			med = formatFigure(*r.Median, r.Unit)
		}
		if r.NotMeasured != "" {
			med = "not measured"
		}
		if r.RatioToTarget != nil {
			ratio = fmt.Sprintf("%.2f", *r.RatioToTarget)
		}
		switch {
		case r.Met != nil && *r.Met:
			met = "yes"
		case r.Met != nil:
			met = "NO"
		case r.Target != nil && r.Median != nil:
			met = "not judged"
		}
		base, baseMed, baseRatio := "—", "—", "—"
		if r.Baseline != "" {
			base = r.Baseline
		}
		if r.BaselineMedian != nil {
			baseMed = formatFigure(*r.BaselineMedian, r.Unit)
		}
		if r.RatioToBaseline != nil {
			baseRatio = fmt.Sprintf("%.2f", *r.RatioToBaseline)
		}
		note := r.Note
		if r.NotMeasured != "" {
			note = strings.TrimSpace("not measured: " + r.NotMeasured + "; " + note)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Row, r.Metric, target, med, ratio, met, base, baseMed, baseRatio, strings.Trim(note, "; "))
	}
	tw.Flush()
}

// formatFigure writes a figure in its unit.
func formatFigure(v float64, unit string) string {
	switch unit {
	case unitRate:
		return thousands(v) + "/s"
	case unitMS:
		if v < 10 {
			return fmt.Sprintf("%.2f ms", v)
		}
		return fmt.Sprintf("%.1f ms", v)
	case unitMiB:
		return thousands(v) + " MiB"
	case unitS:
		return fmt.Sprintf("%.2f s", v)
	case unitRatio:
		return fmt.Sprintf("%.2f×", v)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// thousands writes v rounded to a whole number, with thousands separators.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// joinNotes joins the non-empty notes.
func joinNotes(notes ...string) string {
	var out []string
	for _, n := range notes {
		if n != "" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return strings.Join(out, "; ")
}
