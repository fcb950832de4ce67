// Package domain is the heart of caseledger: the events of a probation case
// record, the commands that ask for them, and the deciders that turn a command
// into events or refuse it with a named rule.
//
// Invariants kept here:
//
//   - Pure: no I/O, no clock, no randomness. Times, ids and the caller's identity
//     arrive inside commands (see Meta); event ids are derived from a seed.
//   - Events are facts: Evolve never fails. Every rule is checked in Decide, as
//     at the command's occurred_at, and the whole history must stay valid after
//     the new events are inserted at their occurred_at (see Decide).
//   - Every rule is a package-level *Error value with a Kind, so a test can name it.
//   - The envelope's hash chain (Seal, VerifyChain) is defined here, so every
//     store computes and checks it the same way.
package domain
