package sqlite

import (
	"errors"
	"strings"

	"github.com/caseledger/caseledger/store"
)

// commit carries out a batch of requests in one transaction and answers
// each only after COMMIT has returned. A request that fails its own checks
// is rolled back to its savepoint and fails alone; a driver failure, or a
// failed COMMIT, fails the whole batch.
func (w *writer) commit(batch []*request) {
	if err := w.begin(); err != nil {
		w.failAll(batch, nil, err)
		return
	}
	pending := map[string]tip{} // tips written in this batch, not yet committed
	replies := make([]reply, len(batch))
	wrote := false
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			replies[i].err = err // the caller has gone; its retry will find out
			continue
		}
		res, err := w.apply(r, pending)
		if errors.Is(err, store.ErrUnavailable) {
			w.failAll(batch, pending, errors.Join(err, w.rollback()))
			return
		}
		replies[i] = reply{res: res, err: err}
		wrote = wrote || (err == nil && !res.Duplicate)
	}
	if err := w.exec("COMMIT"); err != nil {
		w.failAll(batch, pending, errors.Join(unavailable("commit", err), w.rollback()))
		return
	}
	w.commits.Add(1)
	w.tips.commit(pending)
	w.known.committed(pending)
	if wrote {
		w.notify()
	}
	for i, r := range batch {
		r.reply <- replies[i]
	}
}

// failAll answers every request of a batch that did not commit with err,
// and forgets the tips the batch touched.
func (w *writer) failAll(batch []*request, pending map[string]tip, err error) {
	w.tips.forget(pending)
	for _, r := range batch {
		r.reply <- reply{err: err}
	}
}

// begin opens the batch's transaction. If a transaction is somehow still
// open from a failure whose ROLLBACK failed too, it is rolled back and BEGIN
// tried once more, so one bad batch cannot wedge the writer.
func (w *writer) begin() error {
	err := w.exec("BEGIN IMMEDIATE")
	if err == nil {
		return nil
	}
	if w.rollback() == nil && w.exec("BEGIN IMMEDIATE") == nil {
		return nil
	}
	return unavailable("begin", err)
}

// rollback abandons the open transaction, if SQLite has not already. Its
// error, if any, is only reported alongside the one that caused it.
func (w *writer) rollback() error {
	if err := w.exec("ROLLBACK"); err != nil && !isNoTransaction(err) {
		return unavailable("rollback", err)
	}
	return nil
}

// isNoTransaction reports whether err is SQLite saying there was no
// transaction to roll back: it rolls back by itself on some failures. The
// driver has no distinct code for it, so the message is matched.
func isNoTransaction(err error) bool {
	return strings.Contains(err.Error(), "no transaction is active")
}
