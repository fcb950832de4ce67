package api

import (
	"errors"
	"os"
	"sync"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Authenticator turns a bearer token into the caller's identity.
type Authenticator interface {
	Authenticate(token string) (domain.Actor, bool)
}

// TokenFile is a tokens file that is read again when it changes, so a token
// made with `caseledger token new` works without a restart. A file that
// becomes unreadable or invalid keeps the last good tokens (and is logged by
// the caller through Err).
type TokenFile struct {
	path string
	mu   sync.Mutex
	mod  time.Time
	size int64
	cur  *Tokens
	err  error
}

// WatchTokens reads the tokens file at path; a missing file means no tokens
// yet (every request is refused until one is made).
func WatchTokens(path string) (*TokenFile, error) {
	f := &TokenFile{path: path, cur: &Tokens{}}
	f.refresh()
	if f.err != nil && !errors.Is(f.err, os.ErrNotExist) {
		return nil, f.err
	}
	return f, nil
}

// Err is the last error reading the file, if any.
func (f *TokenFile) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Authenticate implements Authenticator.
func (f *TokenFile) Authenticate(token string) (domain.Actor, bool) {
	f.mu.Lock()
	f.refresh()
	cur := f.cur
	f.mu.Unlock()
	return cur.Authenticate(token)
}

func (f *TokenFile) refresh() {
	st, err := os.Stat(f.path)
	if err != nil {
		f.err = err
		return
	}
	if st.ModTime().Equal(f.mod) && st.Size() == f.size {
		return
	}
	t, err := LoadTokens(f.path)
	if err != nil {
		f.err = err
		return
	}
	f.cur, f.err, f.mod, f.size = t, nil, st.ModTime(), st.Size()
}
