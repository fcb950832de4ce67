package api

import (
	"time"

	"github.com/caseledger/caseledger/projections"
	"github.com/caseledger/caseledger/store/cache"
)

// current is a case's current state, remembered with its stream (see
// currentOf): the snapshot and row as at, as known at, the instant at, which
// hold unchanged until the first instant after at at which one of the
// stream's events occurred or was recorded.
type current struct {
	at, until time.Time
	snap      projections.Snapshot
	row       projections.CaseRow
}

// currentOf returns the case as now, as known now, and its row: the fold
// remembered with the stream when the stream has not grown since and no
// event of it occurred or was recorded between that fold and now, else a
// new fold, remembered. The two are the same fold: At(history, t, t) only
// changes at the instants where an event occurred or was recorded. Callers
// must not modify what it returns.
//
// whole reports that the snapshot's Timeline is the whole stream's live
// events in fold order (domain.Timeline): none of them occurs, or was
// recorded, after now.
func currentOf(stream cache.Stream, now time.Time) (snap projections.Snapshot, row projections.CaseRow, whole bool) {
	if v, ok := stream.Recall(); ok {
		if c := v.(*current); !now.Before(c.at) && now.Before(c.until) {
			snap := c.snap
			snap.AsOf, snap.KnownAt = now, now
			return snap, c.row, c.until.Equal(endOfTime)
		}
	}
	snap = projections.At(stream.Events, now, now)
	c := &current{at: now, until: nextChange(stream, now), snap: snap, row: projections.RowAt(snap)}
	stream.Remember(c)
	return snap, c.row, c.until.Equal(endOfTime)
}

// endOfTime is later than any instant an event can have.
var endOfTime = time.Unix(1<<62, 0)

// nextChange is the first instant after t at which an event of the stream
// occurred or was recorded, or endOfTime.
func nextChange(stream cache.Stream, t time.Time) time.Time {
	next := endOfTime
	for _, r := range stream.Events {
		if r.OccurredAt.After(t) && r.OccurredAt.Before(next) {
			next = r.OccurredAt
		}
		if r.RecordedAt.After(t) && r.RecordedAt.Before(next) {
			next = r.RecordedAt
		}
	}
	return next
}
