// Package cache keeps the decoded history of the streams read most recently,
// so that a request about one case decodes only the events stored since the
// case was last read, not the whole case again.
//
// The store stays the source of truth: every Load asks the store for the
// events after the cached revision (one indexed read that usually returns
// nothing), so a stream written by another process or node is seen at once
// — unless the store is the only writer of its data and knows the stream
// ends where the cache does (Tipper: the embedded store), when nothing is
// read at all.
// Cached slices are append-only and handed out with their capacity capped,
// so no caller ever sees another caller's appends; callers must not modify
// them. The cache holds at most a configured number of events; the streams
// used least recently are dropped first.
package cache
