package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caseledger/caseledger/api"
)

// benchServer is the real server in this process, on 127.0.0.1:0: the API
// over the store with its projections runner running, as `serve` runs it.
type benchServer struct {
	api  *api.Server
	base string
	srv  *http.Server
	stop context.CancelFunc
	done chan struct{}
}

func startBenchServer(ctx context.Context, st api.Store, tokens api.Authenticator, snapshot string, noAccessLog bool) (*benchServer, error) {
	h := api.New(api.Config{Store: st, Tokens: tokens, Snapshot: snapshot, NoAccessLog: noAccessLog,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}) // the request log is formatted, as in serve, then dropped
	if _, err := h.Projections().Load(); err != nil {
		return nil, err
	}
	// Caught up before serving, so that no run pays for the start.
	if err := h.Projections().CatchUp(ctx); err != nil {
		return nil, err
	}
	if err := h.Projections().CatchUpTree(ctx); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	runCtx, stop := context.WithCancel(ctx)
	s := &benchServer{api: h, base: "http://" + ln.Addr().String(), srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second},
		stop: stop, done: make(chan struct{})}
	go func() {
		h.Projections().Run(runCtx, time.Second, func(error) {})
		close(s.done)
	}()
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// settle waits until the server's projections and Merkle tree have caught
// up with every event stored, as its runner does within a second or two
// after a load: each load is measured from the same steady state, not while
// the server is still folding the burst the load before it wrote (the
// reads alone write tens of thousands of access-log events).
func (s *benchServer) settle(ctx context.Context) error {
	if err := s.api.Projections().CatchUp(ctx); err != nil {
		return err
	}
	return s.api.Projections().CatchUpTree(ctx)
}

// close shuts the server down and waits for its runner.
func (s *benchServer) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	s.stop()
	<-s.done
	return err
}

// benchClient is the load generator's HTTP client: a keep-alive connection
// per concurrent client.
func benchClient(clients int) *http.Client {
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConns: 2 * clients, MaxIdleConnsPerHost: 2 * clients, IdleConnTimeout: time.Minute, DisableCompression: true,
	}}
}

// benchCall is one request of a load.
type benchCall struct {
	method, path, token string
	body                []byte
	want                int
}

// loadResult is what a load measured: the requests answered with the
// expected status in the window, the others, and the latencies of the
// former, sorted.
type loadResult struct {
	ok, failed   int
	firstFailure string
	window       time.Duration
	latencies    []time.Duration
	noise        float64 // the share of the CPUs other processes used meanwhile
}

func (r loadResult) perSecond() float64 { return float64(r.ok) / r.window.Seconds() }

// quantile is the nearest-rank q-quantile of the latencies, in milliseconds.
func (r loadResult) quantile(q float64) float64 {
	if len(r.latencies) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(r.latencies)))) - 1
	return float64(r.latencies[max(0, i)]) / float64(time.Millisecond)
}

// load describes a load: clients clients send next's requests back to back;
// requests completing in the warm-up are not counted; the window lasts
// duration, and longer if need be until minSamples requests are counted.
type load struct {
	client     *http.Client
	base       string
	clients    int
	warmup     time.Duration
	duration   time.Duration
	minSamples int
	next       func(rng *rand.Rand) benchCall
}

// run runs the load and returns what it measured. It fails only when ctx
// ends; failed requests are counted.
func (l load) run(ctx context.Context, seed uint64) (loadResult, error) {
	start := time.Now().Add(l.warmup)
	end := start.Add(l.duration)
	var counted atomic.Int64
	var mu sync.Mutex
	var res loadResult
	var wg sync.WaitGroup
	for c := range l.clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(c)))
			var lat []time.Duration
			ok, failed, first := 0, 0, ""
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(end) && counted.Load() >= int64(l.minSamples) {
					break
				}
				call := l.next(rng)
				err := l.do(ctx, call)
				t1 := time.Now()
				if t1.Before(start) || (!t1.Before(end) && counted.Load() >= int64(l.minSamples)) {
					continue
				}
				if err != nil {
					failed++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				ok++
				counted.Add(1)
				lat = append(lat, t1.Sub(t0))
			}
			mu.Lock()
			res.ok += ok
			res.failed += failed
			if res.firstFailure == "" {
				res.firstFailure = first
			}
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	res.window = max(l.duration, time.Since(start))
	if l.minSamples == 0 {
		res.window = l.duration
	}
	slices.Sort(res.latencies)
	return res, nil
}

// do sends one request and reads the whole answer.
func (l load) do(ctx context.Context, c benchCall) error {
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, l.base+c.path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != c.want {
		if len(data) > 200 {
			data = data[:200]
		}
		return fmt.Errorf("%s %s: %d %s", c.method, c.path, resp.StatusCode, bytes.TrimSpace(data))
	}
	return nil
}

// errNoSamples is a load that counted nothing.
var errNoSamples = errors.New("no request succeeded")

// check returns a load's failure when nothing succeeded, so that a figure is
// never made of nothing.
func (r loadResult) check() error {
	if r.ok == 0 {
		if r.firstFailure != "" {
			return fmt.Errorf("%w: %s", errNoSamples, r.firstFailure)
		}
		return errNoSamples
	}
	return nil
}

// failures describes the failed requests, for a row's note.
func (r loadResult) failures() string {
	if r.failed == 0 {
		return ""
	}
	return fmt.Sprintf("%d requests failed (first: %s)", r.failed, r.firstFailure)
}
