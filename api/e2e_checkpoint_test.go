package api_test

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain/merkle"
)

// TestSignedCheckpointsAndInclusionProofs: the server signs a checkpoint of
// the ledger; an auditor gets an inclusion proof of an event that verifies
// against the signed root — and not once the event is altered.
func TestSignedCheckpointsAndInclusionProofs(t *testing.T) {
	h := newHarness(t)
	privPEM, pubPEM, err := merkle.GenerateKeyPEM()
	require.NoError(t, err)
	priv, err := merkle.ParsePrivateKey(privPEM)
	require.NoError(t, err)
	pub, err := merkle.ParsePublicKey(pubPEM)
	require.NoError(t, err)
	require.NoError(t, h.api.Projections().SetSigner(priv, filepath.Join(t.TempDir(), "checkpoints.jsonl"), 0))
	h.seedOrg(t)
	crn := h.newCRN()
	h.openCase(t, crn)
	evs, _, _ := h.caseEvents(t, crn)

	requireProblem(t, h.get(t, tokN01, "/v1/audit/checkpoints"), http.StatusForbidden, "forbidden")
	r := h.get(t, tokAuditor, "/v1/audit/checkpoints")
	require.Equal(t, http.StatusOK, r.status, "%s", r)
	var cps struct{ Checkpoints []merkle.Checkpoint }
	require.NoError(t, json.Unmarshal(r.body, &cps))
	require.NotEmpty(t, cps.Checkpoints)
	cp := cps.Checkpoints[len(cps.Checkpoints)-1]
	require.NoError(t, cp.Verify(pub), "the checkpoint is signed by the server's key")

	r = h.get(t, tokAuditor, "/v1/audit/proof?event_id="+evs[0].EventID)
	require.Equal(t, http.StatusOK, r.status, "%s", r)
	var p struct {
		LeafIndex  uint64            `json:"leaf_index"`
		LeafHash   string            `json:"leaf_hash"`
		Checkpoint merkle.Checkpoint `json:"checkpoint"`
		Proof      []string          `json:"proof"`
	}
	require.NoError(t, json.Unmarshal(r.body, &p))
	require.NoError(t, p.Checkpoint.Verify(pub))
	root, err := p.Checkpoint.RootHash()
	require.NoError(t, err)
	path := make([][32]byte, len(p.Proof))
	for i, s := range p.Proof {
		b, err := hex.DecodeString(s)
		require.NoError(t, err)
		copy(path[i][:], b)
	}
	hash, err := hex.DecodeString(evs[0].Hash)
	require.NoError(t, err)
	leaf := merkle.LeafHash(hash)
	require.Equal(t, hex.EncodeToString(leaf[:]), p.LeafHash, "the leaf is the event's own hash")
	require.NoError(t, merkle.VerifyInclusion(leaf, p.LeafIndex, p.Checkpoint.Size, path, root))

	altered := append([]byte(nil), hash...)
	altered[0] ^= 1
	require.Error(t, merkle.VerifyInclusion(merkle.LeafHash(altered), p.LeafIndex, p.Checkpoint.Size, path, root),
		"an altered event does not prove against the signed root")

	requireProblem(t, h.get(t, tokAuditor, "/v1/audit/proof?event_id=00000000-0000-0000-0000-000000000000"), http.StatusNotFound, "not-found")
	requireProblem(t, h.get(t, tokAuditor, "/v1/audit/proof"), http.StatusBadRequest, "malformed")
}
