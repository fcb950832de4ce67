package api

import (
	"context"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/cache"
)

// measuredStore counts appended events by stream kind and times every store
// call, for /metrics.
type measuredStore struct {
	Store
	appends *prometheus.CounterVec
	latency *prometheus.HistogramVec
}

func newMeasuredStore(st Store, m *metrics) *measuredStore {
	ms := &measuredStore{Store: st, appends: m.appends,
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "caseledger_store_duration_seconds", Help: "Event store call latency, by operation.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}, []string{"op"})}
	m.registry.MustRegister(ms.latency)
	return ms
}

// streamLabel is the metrics label of a stream: case, access, org.
func streamLabel(stream string) string {
	kind, _, _ := strings.Cut(stream, "-")
	return kind
}

func (m *measuredStore) Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error) {
	start := time.Now()
	res, err := m.Store.Append(ctx, stream, expected, evs...)
	m.latency.WithLabelValues("append").Observe(time.Since(start).Seconds())
	if err == nil && !res.Duplicate {
		m.appends.WithLabelValues(streamLabel(stream)).Add(float64(len(evs)))
	}
	return res, err
}

func (m *measuredStore) ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error) {
	start := time.Now()
	defer func() { m.latency.WithLabelValues("read_stream").Observe(time.Since(start).Seconds()) }()
	return m.Store.ReadStream(ctx, stream, from, limit)
}

func (m *measuredStore) ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error) {
	start := time.Now()
	defer func() { m.latency.WithLabelValues("read_all").Observe(time.Since(start).Seconds()) }()
	return m.Store.ReadAll(ctx, after, limit)
}

// Tip and Observe pass through the store's knowledge of where streams end
// (cache.Tipper), when it has any, so the cache of decoded cases can skip
// its reads.
func (m *measuredStore) Tip(stream string) (last, epoch uint64, ok bool) {
	if t, is := m.Store.(cache.Tipper); is {
		return t.Tip(stream)
	}
	return 0, 0, false
}

func (m *measuredStore) Observe(stream string, last, epoch uint64) {
	if t, is := m.Store.(cache.Tipper); is {
		t.Observe(stream, last, epoch)
	}
}
