package main

import (
	"testing"

	"github.com/caseledger/caseledger/projections"
)

// FuzzFindingsConfig feeds arbitrary findings configuration files and
// --threshold flags to their decoders: no panic, and no negative threshold
// is ever accepted.
func FuzzFindingsConfig(f *testing.F) {
	for _, s := range []string{`{}`, `{"ack_urgent":"2d"}`, `{"late_entry":"36h"}`, `{"ack_urgent":"-1d"}`, `{"nope":"1d"}`,
		`{"ack_urgent":"1.5d"}`, `{"ack_urgent":5}`, `{"ack_urgent":"1d"} {}`, `[]`, ``} {
		f.Add(s, "ack_routine=3d")
	}
	f.Fuzz(func(t *testing.T, file, flag string) {
		th := projections.DefaultThresholds()
		if err := decodeConfig([]byte(file), &th); err != nil {
			return
		}
		var fl thresholdFlags
		if fl.Set(flag) == nil {
			_ = fl.apply(&th)
		}
		for _, d := range []projections.Duration{th.AckUrgent, th.AckRoutine, th.EnforcementWindow, th.RepeatWindow, th.NoContact,
			th.NoContactHighRisk, th.RiskEscalation, th.TransferPending, th.HomeVisit, th.LateEntry} {
			if d < 0 {
				t.Fatalf("a negative threshold was accepted from %q / %q", file, flag)
			}
		}
	})
}
