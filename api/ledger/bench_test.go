package ledger_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/caseledger/caseledger/api/demo"
	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store/memory"
)

// BenchmarkExecuteBooking is the CPU a durable write costs the application
// without HTTP and without the disk: load the case (through the cache),
// decide, seal and append an appointment booking to one of 20 demo cases, in
// turn, on the in-memory store. `caseledger bench` measures the whole write.
func BenchmarkExecuteBooking(b *testing.B) {
	ctx := context.Background()
	st := memory.New()
	l := ledger.New(st, time.Now)
	if _, err := demo.Generate(ctx, l, demo.Options{Cases: 20, Seed: 1, Now: time.Now().Add(-time.Minute), Workers: 1}); err != nil {
		b.Fatal(err)
	}
	var bookings []booking
	for _, bk := range bookingsOf(b, st) { // those the rules allow now
		cmd := bk.cmd
		cmd.AppointmentID = "probe"
		if _, err := l.Execute(ctx, ledger.Request{Stream: bk.stream, Actor: bk.actor}, ledger.Case(cmd)); err == nil {
			bookings = append(bookings, bk)
		}
	}
	if len(bookings) < 5 {
		b.Fatalf("only %d demo cases take a booking", len(bookings))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bk := bookings[i%len(bookings)]
		cmd := bk.cmd
		cmd.AppointmentID = fmt.Sprintf("bench-%d", i)
		req := ledger.Request{Stream: bk.stream, Actor: bk.actor, CorrelationID: cmd.AppointmentID}
		if _, err := l.Execute(ctx, req, ledger.Case(cmd)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// booking is a booking a case's history shows valid: its officer, sentence
// and actor, to book again.
type booking struct {
	stream string
	actor  domain.Actor
	cmd    domain.BookAppointment
}

// bookingsOf finds the last booking of every case in st.
func bookingsOf(b *testing.B, st *memory.Store) []booking {
	b.Helper()
	all, err := st.ReadAll(context.Background(), 0, 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	last := map[string]booking{}
	var order []string
	for _, e := range all {
		if !strings.HasPrefix(e.Stream, "case-") || e.Type != "appointment.booked" {
			continue
		}
		r, err := domain.FromEnvelope(e)
		if err != nil {
			b.Fatal(err)
		}
		ev := r.Event.(domain.AppointmentBooked)
		ev.StartsAt = time.Now().Add(7 * 24 * time.Hour).UTC().Truncate(time.Second)
		if _, seen := last[e.Stream]; !seen {
			order = append(order, e.Stream)
		}
		last[e.Stream] = booking{stream: e.Stream, actor: e.Actor, cmd: domain.BookAppointment(ev)}
	}
	out := make([]booking, 0, len(order))
	for _, s := range order {
		out = append(out, last[s])
	}
	if len(out) == 0 {
		b.Fatal("the demo booked no appointment")
	}
	return out
}
