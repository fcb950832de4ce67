package domain

import "fmt"

// ChainFailure names one event whose place in its stream's hash chain is wrong.
type ChainFailure struct {
	Stream   string `json:"stream"`
	Revision uint64 `json:"revision"`
	EventID  string `json:"event_id,omitempty"`
	Reason   string `json:"reason"`
}

// ChainVerifier checks every stream's hash chain as events are fed to it in
// global order. It reports at most one failure per stream: the first bad event.
type ChainVerifier struct {
	last   map[string]chainTip
	failed map[string]bool
	// Events and Streams count what was checked.
	Events   int
	Failures []ChainFailure
}

type chainTip struct {
	revision uint64
	hash     string
}

// NewChainVerifier returns a verifier that has seen nothing.
func NewChainVerifier() *ChainVerifier {
	return &ChainVerifier{last: map[string]chainTip{}, failed: map[string]bool{}}
}

// Streams is the number of distinct streams seen.
func (v *ChainVerifier) Streams() int { return len(v.last) }

// Add checks e against what came before it in its stream.
func (v *ChainVerifier) Add(e Envelope) {
	v.Events++
	tip, seen := v.last[e.Stream]
	v.last[e.Stream] = chainTip{revision: e.Revision, hash: e.Hash}
	if v.failed[e.Stream] {
		return
	}
	fail := func(reason string, args ...any) {
		v.failed[e.Stream] = true
		v.Failures = append(v.Failures, ChainFailure{Stream: e.Stream, Revision: e.Revision, EventID: e.EventID, Reason: fmt.Sprintf(reason, args...)})
	}
	wantRev, wantPrev := uint64(0), ZeroHash
	if seen {
		wantRev, wantPrev = tip.revision+1, tip.hash
	}
	switch {
	case e.Revision != wantRev:
		fail("revision %d where %d was expected: an event is missing or out of order", e.Revision, wantRev)
	case e.PrevHash != wantPrev:
		fail("prev_hash does not match the previous event's hash: an event was removed, reordered or altered")
	default:
		got, err := ComputeHash(e)
		if err != nil {
			fail("cannot hash: %v", err)
		} else if got != e.Hash {
			fail("hash mismatch: the event was altered")
		}
	}
}
