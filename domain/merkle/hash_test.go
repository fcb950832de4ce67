package merkle_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/domain/merkle"
)

// The Certificate Transparency reference tree (certificate-transparency-go and
// transparency-dev/merkle test data, RFC 6962 hashing): eight leaves and the
// root of every prefix, from the empty tree up.
var (
	ctLeafData = []string{"", "00", "10", "2021", "3031", "40414243",
		"5051525354555657", "606162636465666768696a6b6c6d6e6f"}
	ctRoots = []string{
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
		"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
		"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
		"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	}
)

// ctTree is the reference tree of the eight CT leaves.
func ctTree(t *testing.T) *merkle.Tree {
	t.Helper()
	tree := &merkle.Tree{}
	for _, d := range ctLeafData {
		data, err := hex.DecodeString(d)
		require.NoError(t, err)
		tree.Append(merkle.LeafHash(data))
	}
	return tree
}

func TestRootsMatchTheCertificateTransparencyVectors(t *testing.T) {
	tree := ctTree(t)
	for size, want := range ctRoots {
		root := tree.RootAt(uint64(size))
		require.Equal(t, want, hex.EncodeToString(root[:]), "root of the first %d leaves", size)
	}
	root := tree.Root()
	require.Equal(t, ctRoots[8], hex.EncodeToString(root[:]))
	require.Equal(t, ctRoots[0], hex.EncodeToString(merkle.EmptyRoot[:]))
}

func TestHashesAreDomainSeparated(t *testing.T) {
	l, r := sha256.Sum256([]byte("l")), sha256.Sum256([]byte("r"))
	require.Equal(t, sha256.Sum256(append([]byte{0x00}, "data"...)), merkle.LeafHash([]byte("data")))
	require.Equal(t, sha256.Sum256(append(append([]byte{0x01}, l[:]...), r[:]...)), merkle.NodeHash(l, r))
	require.NotEqual(t, merkle.NodeHash(l, r), merkle.NodeHash(r, l), "order matters")
	require.NotEqual(t, merkle.NodeHash(l, r), merkle.LeafHash(append(l[:], r[:]...)),
		"a leaf of 64 bytes cannot pass for the node over them")
}

// sealedEvent is a case event sealed as the first of its stream.
func sealedEvent(t *testing.T) domain.Envelope {
	t.Helper()
	e := domain.Envelope{
		EventID: "7d3f4d1e-5c43-4f4e-9d1b-2f55b1a0c001", Type: "case.closed", SchemaVersion: 1,
		OccurredAt: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC),
		Actor:      domain.Actor{ID: "P1", Name: "A Practitioner", Organisation: "PS Wales", Roles: []string{"practitioner"}},
		Data:       json.RawMessage(`{"reason":"moved abroad"}`),
	}
	require.NoError(t, domain.Seal(&e, "case-X123456", 0, domain.ZeroHash, time.Date(2025, 3, 1, 9, 1, 0, 0, time.UTC)))
	return e
}

func TestAnEventsLeafIsItsHashDecoded(t *testing.T) {
	e := sealedEvent(t)
	data, err := merkle.LeafData(e)
	require.NoError(t, err)
	require.Equal(t, e.Hash, hex.EncodeToString(data))
	require.Len(t, data, 32)

	leaf, err := merkle.EventLeaf(e)
	require.NoError(t, err)
	require.Equal(t, merkle.LeafHash(data), leaf)

	e.Position = 99
	moved, err := merkle.EventLeaf(e)
	require.NoError(t, err)
	require.Equal(t, leaf, moved, "a leaf is the event's hash, which leaves out its position")
}

func TestLeafDataRefusesHashesTheLedgerDoesNotWrite(t *testing.T) {
	good := sealedEvent(t).Hash
	for _, tc := range []struct{ name, hash string }{
		{"empty", ""},
		{"upper case", strings.ToUpper(good)},
		{"short", good[:62]},
		{"long", good + "00"},
		{"not hex", "zz" + good[2:]},
		{"prefixed", "0x" + good[2:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := sealedEvent(t)
			e.Hash = tc.hash
			_, err := merkle.LeafData(e)
			require.Error(t, err)
			_, err = merkle.EventLeaf(e)
			require.Error(t, err)
		})
	}
}
