// Package demo generates a lifelike, invented organisation and case histories
// in a ledger, for trying caseledger out: `caseledger demo`.
//
// Invariants it keeps:
//
//   - Everything is written through ledger.Execute with the domain commands
//     the HTTP API uses, by the actor who would really do it: an administrator
//     for the organisation, the owning provider's practitioners for case work,
//     a reviewer for SFO reviews. A refusal is a bug in the generator and is
//     returned as an error naming the case, the command and its time.
//   - The content is deterministic for a seed: each case has its own random
//     source derived from (seed, case index), event ids derive from seeds
//     drawn from it, and times are computed from Options.Now. Cases are
//     written concurrently, so only the interleaving of streams in the global
//     order (and recorded_at, the store's clock) varies from run to run.
//   - Every occurred_at is at or before Options.Now; each case's history is
//     written in occurred_at order, except the entries deliberately typed in
//     days after the fact (back-dated), and the organisation is registered
//     before the earliest case event. recorded_at is the store's clock at
//     generation, so it follows every occurred_at by days to months: a demo
//     ledger cannot show what the record looked like on an earlier day.
//   - Nothing is real: names, teams, phone numbers (Ofcom's drama ranges)
//     and e-mail addresses (the .example domain) are invented.
package demo
