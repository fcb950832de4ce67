//go:build linux

package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// walFault makes the engine's writes to a WAL file fail with a real I/O
// error, and can undo it. Every descriptor the process holds on the file
// (SQLite's own, opened by the engine) is swapped, under the same number,
// for one opened read-only: reads still see the file as it is, and every
// write(2) SQLite makes fails (EBADF), which its VFS reports exactly as it
// reports EIO from a failing disk, SQLITE_IOERR_WRITE. Neither root nor a
// special file system is needed, and nothing outside the test's own file
// is touched. Making the file unwritable with chmod would not do: the
// engine's descriptors are open already (and CI runs as root).
type walFault struct {
	saved map[int]int // the engine's descriptor → a duplicate of the original
}

// breakWAL swaps every descriptor on the WAL at path for a read-only one.
func breakWAL(t *testing.T, path string) *walFault {
	t.Helper()
	path, err := filepath.EvalSymlinks(path)
	require.NoError(t, err)
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	f := &walFault{saved: map[int]int{}}
	t.Cleanup(f.clear)
	for _, e := range entries {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil || target != path {
			continue // the directory's own descriptor, closed by now, or another file
		}
		fd, err := strconv.Atoi(e.Name())
		require.NoError(t, err)
		saved, err := syscall.Dup(fd)
		require.NoError(t, err)
		syscall.CloseOnExec(saved)
		f.saved[fd] = saved
		ro, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		require.NoError(t, err)
		require.NoError(t, syscall.Dup3(ro, fd, syscall.O_CLOEXEC))
		require.NoError(t, syscall.Close(ro))
	}
	require.NotEmpty(t, f.saved, "the engine has the WAL open")
	return f
}

// clear puts the engine's original descriptors back. Clearing twice is
// harmless.
func (f *walFault) clear() {
	for fd, saved := range f.saved {
		_ = syscall.Dup3(saved, fd, syscall.O_CLOEXEC)
		_ = syscall.Close(saved)
	}
	clear(f.saved)
}

// TestIOErrorAnswers503AndRecovers makes every write of the engine to its
// WAL fail with an I/O error under a running server, then heals it.
func TestIOErrorAnswers503AndRecovers(t *testing.T) {
	h := newHarness(t)
	crn := h.newCRN()
	requireWritten(t, h.post(t, tokN01, "/v1/cases", openCase(crn)), http.StatusCreated)
	requireWritten(t, h.post(t, tokN01, "/v1/cases/"+crn+"/sentences", addSentence("s1")), http.StatusCreated)
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/cases/"+crn).status)
	before := ledgerOf(t, h.store)

	// When the disk fails every write.
	fault := breakWAL(t, filepath.Join(h.dir, "caseledger.db-wal"))

	// Then every write answers 503 and stores nothing.
	key, keyed := "io-error-retry", openCase(h.newCRN())
	requireUnavailable(t, h.post(t, tokN01, "/v1/cases", openCase(h.newCRN())), "open a case")
	requireUnavailable(t, h.post(t, tokN01, "/v1/cases", keyed, "Idempotency-Key", key), "open a case with an Idempotency-Key")
	requireUnavailable(t, h.post(t, tokN01, "/v1/cases/"+crn+"/sentences", addSentence("s2")), "add to a case")
	requireUnavailable(t, h.get(t, tokN01, "/v1/cases/"+crn), "a case read, which logs the access first")
	// The server stays up, and ready: the store still answers reads.
	require.Equal(t, http.StatusOK, h.get(t, "", "/healthz").status)
	requireReady(t, h, http.StatusOK)
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/cases").status, "the case list only reads")
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/org").status, "the org only reads")
	requireVerified(t, h, len(before))
	requireSameLedger(t, before, ledgerOf(t, h.store))

	// When the disk heals, writes succeed again without a restart.
	fault.clear()
	again := requireWritten(t, h.post(t, tokN01, "/v1/cases", keyed, "Idempotency-Key", key), http.StatusCreated)
	require.Len(t, again.Events, 1)
	requireWritten(t, h.post(t, tokN01, "/v1/cases/"+crn+"/sentences", addSentence("s2"), "If-Match", `"1"`), http.StatusCreated)
	require.Equal(t, http.StatusOK, h.get(t, tokN01, "/v1/cases/"+crn).status)
	after := ledgerOf(t, h.store)
	requireSameLedger(t, before, after[:len(before)])
	requireVerified(t, h, len(after))
}
