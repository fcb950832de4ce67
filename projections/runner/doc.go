// Package runner keeps the global projections (the directory of case rows
// and the actor index) up to date: it reads the store's global order from a
// checkpoint, folds each page of events in, and writes checkpointed
// snapshots, so that a restart resumes from the snapshot instead of
// replaying the whole ledger.
//
// Invariants: the projections are always those of a prefix of the global
// order (Position); a snapshot is written atomically (temporary file, fsync,
// rename) and holds the position it is complete up to.
package runner
