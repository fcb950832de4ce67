package esdb

import (
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/EventStore/EventStore-Client-Go/v4/protos/shared"
	api "github.com/EventStore/EventStore-Client-Go/v4/protos/streams"
	"github.com/google/uuid"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// fakeServer speaks just enough of EventStoreDB's gRPC streams API — append,
// stream and $all reads, catch-up subscriptions to $all — for the real client
// to drive the store in tests. It keeps EventStoreDB's rules as this package
// relies on them: optimistic concurrency on the expected revision, one $all
// position per event (commit = prepare) also reported on stream reads,
// reads of $all that include the position they start from. It writes a
// system event after every append, as a server's own streams do, and can
// be told to refuse calls as a follower or an unavailable node would.
type fakeServer struct {
	api.UnimplementedStreamsServer
	addr *net.TCPAddr

	mu        sync.Mutex
	log       []*fakeEvent
	streams   map[string][]*fakeEvent
	changed   chan struct{} // closed and replaced on every append
	notLeader int           // refuse this many next calls as a follower
	down      int           // refuse this many next calls as unavailable
	unmarked  int           // calls made without the requires-leader header
	served    int           // calls made
	drop      chan struct{} // closed to drop every subscription
	interpose func()        // run once before the next append, unlocked
	midStream string        // the stream whose next read of several events runs midRead
	midRead   func()        // run once after that read's first event is sent, unlocked
}

// fakeEvent is an event as the fake server keeps it.
type fakeEvent struct {
	id             uuid.UUID
	stream         string
	revision, pos  uint64
	typ, content   string
	data, metadata []byte
}

// startFake serves a fakeServer on a local port until the test ends.
func startFake(t *testing.T) *fakeServer {
	t.Helper()
	return startFakeAt(t, "127.0.0.1:0")
}

// startFakeAt serves a fakeServer at addr until the test ends.
func startFakeAt(t *testing.T, addr string) *fakeServer {
	t.Helper()
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{
		addr: lis.Addr().(*net.TCPAddr), streams: map[string][]*fakeEvent{},
		changed: make(chan struct{}), drop: make(chan struct{}),
	}
	srv := grpc.NewServer()
	api.RegisterStreamsServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return f
}

// url is the connection string of the fake server.
func (f *fakeServer) url() string { return fakeURL(f.addr.String()) }

// fakeURL is the connection string of a fake server at addr, giving up
// quickly when there is none.
func fakeURL(addr string) string {
	return "esdb://" + addr + "?tls=false&maxDiscoverAttempts=2&discoveryInterval=10&gossipTimeout=1"
}

// gate refuses a call when the server was told to, and counts calls that
// did not ask for the leader.
func (f *fakeServer) gate(ctx context.Context) error {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.served++
	if len(md.Get("requires-leader")) == 0 {
		f.unmarked++
	}
	switch {
	case f.notLeader > 0:
		f.notLeader--
		_ = grpc.SetTrailer(ctx, metadata.Pairs("exception", "not-leader",
			"leader-endpoint-host", f.addr.IP.String(), "leader-endpoint-port", strconv.Itoa(f.addr.Port)))
		return status.Error(codes.NotFound, "leader info available")
	case f.down > 0:
		f.down--
		return status.Error(codes.Unavailable, "server is not ready")
	}
	return nil
}

// Append stores the proposed events if the stream is at the expected revision.
func (f *fakeServer) Append(srv api.Streams_AppendServer) error {
	if err := f.gate(srv.Context()); err != nil {
		return err
	}
	f.mu.Lock()
	interpose := f.interpose
	f.interpose = nil
	f.mu.Unlock()
	if interpose != nil {
		interpose()
	}
	head, err := srv.Recv()
	if err != nil {
		return err
	}
	var msgs []*api.AppendReq_ProposedMessage
	for {
		req, err := srv.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		msgs = append(msgs, req.GetProposedMessage())
	}
	return srv.SendAndClose(f.append(head.GetOptions(), msgs))
}

// append is Append once the request is received.
func (f *fakeServer) append(opts *api.AppendReq_Options, msgs []*api.AppendReq_ProposedMessage) *api.AppendResp {
	f.mu.Lock()
	defer f.mu.Unlock()
	name := string(opts.GetStreamIdentifier().GetStreamName())
	evs := f.streams[name]
	if !expectationMet(opts, len(evs)) {
		wrong := &api.AppendResp_WrongExpectedVersion{
			CurrentRevisionOption:  &api.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}},
			ExpectedRevisionOption: &api.AppendResp_WrongExpectedVersion_ExpectedAny{ExpectedAny: &shared.Empty{}},
		}
		if len(evs) > 0 {
			wrong.CurrentRevisionOption = &api.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(len(evs) - 1)}
		}
		return &api.AppendResp{Result: &api.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: wrong}}
	}
	for _, m := range msgs {
		f.store(&fakeEvent{
			id: protoUUID(m.GetId()), stream: name, revision: uint64(len(f.streams[name])),
			typ: m.GetMetadata()["type"], content: m.GetMetadata()["content-type"],
			data: m.GetData(), metadata: m.GetCustomMetadata(),
		})
	}
	last := f.log[len(f.log)-1]
	f.store(&fakeEvent{id: uuid.New(), stream: "$stats-fake", revision: uint64(len(f.streams["$stats-fake"])),
		typ: "$statsCollected", content: "application/json", data: []byte("{}")})
	close(f.changed)
	f.changed = make(chan struct{})
	return &api.AppendResp{Result: &api.AppendResp_Success_{Success: &api.AppendResp_Success{
		CurrentRevisionOption: &api.AppendResp_Success_CurrentRevision{CurrentRevision: last.revision},
		PositionOption: &api.AppendResp_Success_Position{Position: &api.AppendResp_Position{
			CommitPosition: last.pos, PreparePosition: last.pos}},
	}}}
}

// store places e at the end of the log. f.mu must be held.
func (f *fakeServer) store(e *fakeEvent) {
	e.pos = 1000
	if n := len(f.log); n > 0 {
		e.pos = f.log[n-1].pos + 100 + uint64(len(e.data)+len(e.metadata))
	}
	f.log = append(f.log, e)
	f.streams[e.stream] = append(f.streams[e.stream], e)
}

// expectationMet reports whether a stream of n events satisfies opts.
func expectationMet(opts *api.AppendReq_Options, n int) bool {
	switch x := opts.GetExpectedStreamRevision().(type) {
	case *api.AppendReq_Options_Revision:
		return n > 0 && x.Revision == uint64(n-1)
	case *api.AppendReq_Options_NoStream:
		return n == 0
	case *api.AppendReq_Options_StreamExists:
		return n > 0
	}
	return true
}

// protoUUID reads an event id in either of its wire forms.
func protoUUID(id *shared.UUID) uuid.UUID {
	if s := id.GetStructured(); s != nil {
		u, _ := esdb.ParseUUIDFromInt64(s.GetMostSignificantBits(), s.GetLeastSignificantBits())
		return u
	}
	u, _ := uuid.Parse(id.GetString_())
	return u
}

// Read serves stream reads, $all reads and subscriptions to $all.
func (f *fakeServer) Read(req *api.ReadReq, srv api.Streams_ReadServer) error {
	if err := f.gate(srv.Context()); err != nil {
		return err
	}
	o := req.GetOptions()
	if o.GetSubscription() != nil {
		return f.subscribe(o, srv)
	}
	var evs []*fakeEvent
	var mid func()
	if s := o.GetStream(); s != nil {
		var found bool
		if evs, found = f.readStream(s, o.GetReadDirection(), o.GetCount()); !found {
			return srv.Send(&api.ReadResp{Content: &api.ReadResp_StreamNotFound_{
				StreamNotFound: &api.ReadResp_StreamNotFound{StreamIdentifier: s.GetStreamIdentifier()}}})
		}
		f.mu.Lock()
		if len(evs) > 1 && f.midStream == string(s.GetStreamIdentifier().GetStreamName()) {
			mid, f.midStream, f.midRead = f.midRead, "", nil
		}
		f.mu.Unlock()
	} else {
		f.mu.Lock()
		evs = f.log[f.indexAt(o.GetAll()):]
		evs = evs[:min(uint64(len(evs)), o.GetCount())]
		f.mu.Unlock()
	}
	for i, e := range evs {
		if err := srv.Send(e.resp()); err != nil {
			return err
		}
		if i == 0 && mid != nil {
			mid()
		}
	}
	return nil
}

// readStream selects the events of a stream read.
func (f *fakeServer) readStream(s *api.ReadReq_Options_StreamOptions, dir api.ReadReq_Options_ReadDirection, count uint64) ([]*fakeEvent, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	all, found := f.streams[string(s.GetStreamIdentifier().GetStreamName())]
	if !found {
		return nil, false
	}
	from := uint64(0)
	switch x := s.GetRevisionOption().(type) {
	case *api.ReadReq_Options_StreamOptions_Revision:
		from = x.Revision
	case *api.ReadReq_Options_StreamOptions_End:
		from = uint64(len(all))
	}
	var out []*fakeEvent
	if dir == api.ReadReq_Options_Backwards {
		for i := min(from, uint64(len(all))-1) + 1; i > 0 && uint64(len(out)) < count; i-- {
			out = append(out, all[i-1])
		}
		return out, true
	}
	for i := from; i < uint64(len(all)) && uint64(len(out)) < count; i++ {
		out = append(out, all[i])
	}
	return out, true
}

// indexAt is the index in the log of the first event at or after where a
// read of $all starts. f.mu must be held.
func (f *fakeServer) indexAt(o *api.ReadReq_Options_AllOptions) int {
	switch x := o.GetAllOption().(type) {
	case *api.ReadReq_Options_AllOptions_Position:
		for i, e := range f.log {
			if e.pos >= x.Position.GetCommitPosition() {
				return i
			}
		}
		return len(f.log)
	case *api.ReadReq_Options_AllOptions_End:
		return len(f.log)
	}
	return 0
}

// subscribe serves a catch-up subscription to $all until the client goes.
func (f *fakeServer) subscribe(o *api.ReadReq_Options, srv api.Streams_ReadServer) error {
	confirm := &api.ReadResp{Content: &api.ReadResp_Confirmation{
		Confirmation: &api.ReadResp_SubscriptionConfirmation{SubscriptionId: uuid.NewString()}}}
	if err := srv.Send(confirm); err != nil {
		return err
	}
	keep := filterOf(o.GetFilter())
	f.mu.Lock()
	next := f.indexAt(o.GetAll())
	f.mu.Unlock()
	for {
		f.mu.Lock()
		evs, changed, drop := f.log[next:], f.changed, f.drop
		f.mu.Unlock()
		for _, e := range evs {
			next++
			if !keep(e) {
				continue
			}
			if err := srv.Send(e.resp()); err != nil {
				return err
			}
		}
		select {
		case <-changed:
		case <-drop:
			return status.Error(codes.Unavailable, "node is shutting down")
		case <-srv.Context().Done():
			return nil
		}
	}
}

// filterOf is the server side of a subscription filter.
func filterOf(o *api.ReadReq_Options_FilterOptions) func(*fakeEvent) bool {
	if o == nil {
		return func(*fakeEvent) bool { return true }
	}
	expr, field := o.GetEventType(), func(e *fakeEvent) string { return e.typ }
	if o.GetStreamIdentifier() != nil {
		expr, field = o.GetStreamIdentifier(), func(e *fakeEvent) string { return e.stream }
	}
	re := regexp.MustCompile(expr.GetRegex())
	return func(e *fakeEvent) bool {
		for _, p := range expr.GetPrefix() {
			if strings.HasPrefix(field(e), p) {
				return true
			}
		}
		return expr.GetRegex() != "" && re.MatchString(field(e))
	}
}

// resp is e as a read response, its $all position included.
func (e *fakeEvent) resp() *api.ReadResp {
	most, least := esdb.UUIDAsInt64(e.id)
	return &api.ReadResp{Content: &api.ReadResp_Event{Event: &api.ReadResp_ReadEvent{
		Event: &api.ReadResp_ReadEvent_RecordedEvent{
			Id: &shared.UUID{Value: &shared.UUID_Structured_{Structured: &shared.UUID_Structured{
				MostSignificantBits: most, LeastSignificantBits: least}}},
			StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(e.stream)},
			StreamRevision:   e.revision, PreparePosition: e.pos, CommitPosition: e.pos,
			Metadata: map[string]string{"type": e.typ, "content-type": e.content,
				"created": strconv.FormatInt(time.Now().UnixNano()/100, 10)},
			CustomMetadata: e.metadata, Data: e.data,
		},
		Position: &api.ReadResp_ReadEvent_CommitPosition{CommitPosition: e.pos},
	}}}
}

// set changes the fake's behaviour under its lock.
func (f *fakeServer) set(change func(f *fakeServer)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f)
}

// unmarkedCalls is how many calls did not ask for the leader.
func (f *fakeServer) unmarkedCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.unmarked
}

// calls is how many calls reached the server.
func (f *fakeServer) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.served
}

// writeSystem appends n of the server's own events to $all.
func (f *fakeServer) writeSystem(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.store(&fakeEvent{id: uuid.New(), stream: "$stats-fake", revision: uint64(len(f.streams["$stats-fake"])),
			typ: "$statsCollected", content: "application/json", data: []byte("{}")})
	}
}
