// Package merkle is the audit layer over the ledger's global order: an RFC 6962
// (Certificate Transparency) Merkle tree of every event, its inclusion and
// consistency proofs, and checkpoints — a tree size and root signed with
// Ed25519 — so that an auditor who kept an old checkpoint can prove, offline,
// that nothing before it has since been changed, removed or reordered.
//
// Invariants kept here:
//
//   - Leaf i is the i-th event in global order, counting from 0. It is not the
//     event's Position: positions are the store's (dense in the memory store,
//     sparse in EventStoreDB); a checkpoint names the Position of its last leaf.
//   - The leaf data of an event is the 32 raw bytes of its envelope hash
//     (LeafData). That hash covers all of the event but its position, so a leaf
//     commits to the event's content and, through prev_hash, to its stream.
//   - Hashing is exactly RFC 6962 §2.1 / RFC 9162 §2.1.1: leaf = SHA-256(0x00 ||
//     data), node = SHA-256(0x01 || left || right), the left subtree of n > 1
//     leaves holds the largest power of two smaller than n, and the empty tree's
//     root is SHA-256 of nothing. Any CT tool can therefore check our proofs.
//   - A Tree only grows. RootAt(m) never changes once the tree holds m leaves,
//     which is what makes a consistency proof from an old root meaningful.
//   - Proofs are checked by pure functions (VerifyInclusion, VerifyConsistency,
//     Checkpoint.Verify) that need no tree and no server. A root does not fix
//     its tree's size (as in RFC 6962, a root of n leaves can pass for one of
//     another size with another proof), so the sizes given to the verifiers
//     must come from signed checkpoints, never from the server's answer alone.
//   - A checkpoint's signature covers every field but the signature itself, in
//     the byte string documented on Checkpoint; "v1" in it never changes meaning.
//   - Pure like the rest of domain: times arrive as arguments. The one exception
//     is GenerateKeyPEM, which must draw a fresh key from the system's secure
//     random source; nothing else here reads randomness.
package merkle
