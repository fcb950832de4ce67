// Package projections holds the read models of the ledger: folds over
// events that answer the views of DOMAIN.md. A projection is a value with an
// Apply method (or a function of a case's history); it does no I/O, so the
// application feeds it from the store and a test feeds it directly.
package projections
