package runner

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/domain/merkle"
)

// ledgerTree is the Merkle tree over every event in global order, with the
// leaf index of each event id, and the signed checkpoints made of it.
type ledgerTree struct {
	position    uint64 // global position of the last leaf
	tree        merkle.Tree
	index       leafIndex
	positions   []uint64 // global position of each leaf
	checkpoints []merkle.Checkpoint
}

func newLedgerTree() *ledgerTree { return &ledgerTree{index: newLeafIndex()} }

func (t *ledgerTree) apply(e domain.Envelope) error {
	leaf, err := merkle.EventLeaf(e)
	if err != nil {
		return fmt.Errorf("merkle leaf of %s: %w", e.EventID, err)
	}
	t.position = e.Position
	t.index.put(e.EventID, t.tree.Size())
	t.positions = append(t.positions, e.Position)
	t.tree.Append(leaf)
	return nil
}

// Proof is an inclusion proof of one event in a signed checkpoint.
type Proof struct {
	EventID    string            `json:"event_id"`
	LeafIndex  uint64            `json:"leaf_index"`
	LeafHash   string            `json:"leaf_hash"`
	Checkpoint merkle.Checkpoint `json:"checkpoint"`
	Path       []string          `json:"proof"`
}

// ErrNoCheckpoint: no signed checkpoint covers the event yet.
var ErrNoCheckpoint = errors.New("no signed checkpoint covers this event yet")

// ErrUnknownEvent: no such event id in the ledger.
var ErrUnknownEvent = errors.New("no such event")

// Checkpoints returns the signed checkpoints, oldest first.
func (r *Runner) Checkpoints() []merkle.Checkpoint {
	r.treeMu.Lock()
	defer r.treeMu.Unlock()
	return append([]merkle.Checkpoint{}, r.tree.checkpoints...)
}

// Prove returns the inclusion proof of an event in the latest checkpoint.
func (r *Runner) Prove(eventID string) (Proof, error) {
	r.treeMu.Lock()
	defer r.treeMu.Unlock()
	i, ok := r.tree.index.get(eventID)
	if !ok {
		return Proof{}, ErrUnknownEvent
	}
	n := len(r.tree.checkpoints)
	if n == 0 || r.tree.checkpoints[n-1].Size <= i {
		return Proof{}, ErrNoCheckpoint
	}
	cp := r.tree.checkpoints[n-1]
	path, err := r.tree.tree.InclusionProof(i, cp.Size)
	if err != nil {
		return Proof{}, err
	}
	leaf, err := r.tree.tree.Leaf(i)
	if err != nil {
		return Proof{}, err
	}
	out := Proof{EventID: eventID, LeafIndex: i, LeafHash: fmt.Sprintf("%x", leaf), Checkpoint: cp, Path: make([]string, len(path))}
	for k, h := range path {
		out.Path[k] = fmt.Sprintf("%x", h)
	}
	return out, nil
}

// SetSigner makes the runner sign a checkpoint whenever the ledger has grown,
// at most once per interval, appending each to the file at path (one JSON
// object a line, fsync'd) — loaded again on start.
func (r *Runner) SetSigner(key ed25519.PrivateKey, path string, interval time.Duration) error {
	r.treeMu.Lock()
	defer r.treeMu.Unlock()
	r.signKey, r.signPath, r.signEvery = key, path, interval
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var cp merkle.Checkpoint
		if err := json.Unmarshal(sc.Bytes(), &cp); err != nil {
			return fmt.Errorf("checkpoints file %s: %w", path, err)
		}
		r.tree.checkpoints = append(r.tree.checkpoints, cp)
	}
	return sc.Err()
}

// signCheckpoint signs the tree as it stands if it grew since the last
// checkpoint and the interval has passed. Called with r.treeMu held.
func (r *Runner) signCheckpoint(now time.Time) error {
	size := r.tree.tree.Size()
	if r.signKey == nil || size == 0 {
		return nil
	}
	n := len(r.tree.checkpoints)
	if n > 0 && (r.tree.checkpoints[n-1].Size >= size || now.Sub(r.tree.checkpoints[n-1].Time) < r.signEvery) {
		return nil
	}
	cp := merkle.Sign(r.signKey, size, r.tree.positions[size-1], r.tree.tree.Root(), now)
	line, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(r.signPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	r.tree.checkpoints = append(r.tree.checkpoints, cp)
	return nil
}

// CatchUpTree brings the Merkle tree up to the store and signs a checkpoint
// when one is due. The tree is not part of the projections' snapshot: after
// a restart it is rebuilt from the store in the background (Run) while the
// projections already answer; the checkpoint and proof routes call it first.
func (r *Runner) CatchUpTree(ctx context.Context) error {
	r.treeMu.Lock()
	defer r.treeMu.Unlock()
	return r.catchUpTree(ctx)
}

// catchUpTree appends every event after the tree's position. Called with
// r.treeMu held: the tree has a lock of its own, so rebuilding it never
// holds up the projections' readers.
func (r *Runner) catchUpTree(ctx context.Context) error {
	for {
		page, err := r.src.ReadAll(ctx, r.tree.position, pageSize)
		if err != nil {
			return fmt.Errorf("merkle tree: read after %d: %w", r.tree.position, err)
		}
		if len(page) == 0 {
			return r.signCheckpoint(r.now())
		}
		for _, e := range page {
			if err := r.tree.apply(e); err != nil {
				return err
			}
		}
	}
}
