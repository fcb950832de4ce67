package api_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/memory"
)

// faultyStore fails every call with store.ErrUnavailable while failing is set,
// as a store does when its disk is full or its server unreachable.
type faultyStore struct {
	*memory.Store
	failing atomic.Bool
}

func (f *faultyStore) Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error) {
	if f.failing.Load() {
		return store.Appended{}, store.ErrUnavailable
	}
	return f.Store.Append(ctx, stream, expected, evs...)
}

func (f *faultyStore) ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error) {
	if f.failing.Load() {
		return nil, store.ErrUnavailable
	}
	return f.Store.ReadStream(ctx, stream, from, limit)
}

// TestStoreFaultsAre503AndRecover: while the store fails, writes and reads
// get 503 with Retry-After and nothing is written; the server stays up and
// answers again by itself once the store is back. A draining server answers
// 503 too.
func TestStoreFaultsAre503AndRecover(t *testing.T) {
	st := &faultyStore{Store: memory.New()}
	raw := tokensFile(t)
	toks, err := api.ParseTokens(raw)
	require.NoError(t, err)
	srv := api.New(api.Config{Store: st, Tokens: toks, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	base := "http://" + ln.Addr().String()
	call := func(method, path, body string) *http.Response {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokN01)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	open := `{"crn":"X555555","person":{"given_name":"A","family_name":"B","date_of_birth":"1990-01-01"}}`

	st.failing.Store(true)
	for _, r := range []*http.Response{call(http.MethodPost, "/v1/cases", open), call(http.MethodGet, "/v1/cases/X555555", ""), call(http.MethodGet, "/readyz", "")} {
		require.Equal(t, http.StatusServiceUnavailable, r.StatusCode)
		require.NotEmpty(t, r.Header.Get("Retry-After"))
	}
	all, err := st.Store.ReadAll(context.Background(), 0, 10)
	require.NoError(t, err)
	require.Empty(t, all, "nothing written while the store failed")

	st.failing.Store(false)
	require.Equal(t, http.StatusCreated, call(http.MethodPost, "/v1/cases", open).StatusCode, "recovers by itself")
	require.Equal(t, http.StatusOK, call(http.MethodGet, "/readyz", "").StatusCode)

	srv.Drain()
	r := call(http.MethodGet, "/v1/cases/X555555", "")
	require.Equal(t, http.StatusServiceUnavailable, r.StatusCode, "a draining server refuses new requests")
	require.NotEmpty(t, r.Header.Get("Retry-After"))
	require.Equal(t, http.StatusOK, call(http.MethodGet, "/healthz", "").StatusCode, "but stays alive")
}
