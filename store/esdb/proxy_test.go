package esdb

import (
	"io"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// proxy forwards TCP connections from its own address to a server's, and
// can be cut: every connection through it is closed and new ones are
// refused, as when the network to a node fails or the node goes down.
// Opened again, it listens on the same address, as the node coming back.
type proxy struct {
	t      *testing.T
	target string

	mu    sync.Mutex
	addr  string       // where clients connect, fixed once first opened
	ln    net.Listener // nil while cut
	conns map[net.Conn]bool
	wg    sync.WaitGroup // the accept loops and the copies
}

// startProxy opens a proxy to target, cut when the test ends.
func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	p := &proxy{t: t, target: target, addr: "127.0.0.1:0", conns: map[net.Conn]bool{}}
	p.open()
	t.Cleanup(func() {
		p.cut()
		p.wg.Wait()
	})
	return p
}

// open starts accepting connections again, on the address the proxy had.
func (p *proxy) open() {
	p.t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	require.NoError(p.t, err)
	p.mu.Lock()
	p.addr, p.ln = ln.Addr().String(), ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return // cut
			}
			p.forward(ln, c)
		}
	}()
}

// forward joins c, which ln accepted, to a new connection to the target.
func (p *proxy) forward(ln net.Listener, c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	if p.ln != ln { // cut meanwhile
		p.mu.Unlock()
		_, _ = c.Close(), s.Close()
		return
	}
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	p.wg.Add(2)
	pipe := func(dst, src net.Conn) {
		defer p.wg.Done()
		_, _ = io.Copy(dst, src)
		_, _ = dst.Close(), src.Close()
		p.mu.Lock()
		delete(p.conns, dst)
		delete(p.conns, src)
		p.mu.Unlock()
	}
	go pipe(s, c)
	go pipe(c, s)
}

// cut closes the listener and every connection through the proxy: calls in
// flight lose their connection, and new ones are refused. Cutting twice is
// harmless.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

// url is the connection string of the fake server through the proxy.
func (p *proxy) url() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fakeURL(p.addr)
}
