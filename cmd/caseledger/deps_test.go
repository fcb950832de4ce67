package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDepsCheckRefusesNetHTTPInDomain shows that `make deps` (.ci/deps.sh)
// fails once domain imports net/http, and passes on the tree as it is.
func TestDepsCheckRefusesNetHTTPInDomain(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list on a copy of the tree")
	}
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	tmp := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", ".ci/deps.sh"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(tmp, f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(tmp, f), b, 0o755))
	}
	require.NoError(t, os.CopyFS(filepath.Join(tmp, "domain"), os.DirFS(filepath.Join(root, "domain"))))
	check := func() (string, error) {
		cmd := exec.Command("bash", ".ci/deps.sh")
		cmd.Dir = tmp
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := check()
	require.NoError(t, err, out)

	probe := "package domain\n\nimport _ \"net/http\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "domain", "zz_probe.go"), []byte(probe), 0o644))
	out, err = check()
	require.Error(t, err, "the check must fail when domain imports net/http")
	require.Contains(t, out, "net/http")
}
