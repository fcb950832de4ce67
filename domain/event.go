package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Event is a payload of the ledger. Type returns its stable type name, which
// never changes once written.
type Event interface {
	Type() string
}

// SchemaVersion is the current payload shape version of every event type.
// Old shapes are upgraded in Decode, and only there.
const SchemaVersion = 1

var registry = map[string]reflect.Type{}

func register(evs ...Event) {
	for _, e := range evs {
		registry[e.Type()] = reflect.TypeOf(e)
	}
}

func init() {
	register(
		CaseOpened{}, CaseClosed{}, CaseReopened{}, CaseAccessRestricted{},
		SentenceRecorded{}, SentenceTerminated{},
		RequirementImposed{}, RequirementTerminated{},
		LicenceConditionImposed{}, LicenceConditionVaried{}, LicenceConditionTerminated{},
		CaseAllocated{}, CaseDeallocated{},
		TransferRequested{}, TransferAccepted{}, TransferRejected{}, TransferCancelled{},
		RiskAssessed{}, RegistrationAdded{}, RegistrationReviewed{}, RegistrationDeregistered{},
		AppointmentBooked{}, AppointmentRescheduled{}, AppointmentCancelled{}, AppointmentOutcomeRecorded{},
		WarningIssued{}, BreachRaised{}, BreachConcluded{},
		CustodyRemanded{}, CustodyReleased{}, RecallRaised{}, RecallConcluded{},
		InformationReceived{}, InformationRouted{}, InformationAcknowledged{}, InformationShared{},
		SFONotified{}, SFOReviewCompleted{},
		EntryRetracted{}, AccessRecorded{},
		ProviderRegistered{}, TeamRegistered{}, OfficerRegistered{}, OfficerMoved{},
		OfficerAbsenceRecorded{}, OfficerAbsenceCancelled{}, OfficerLeft{},
	)
}

// EventTypes lists every known event type name, sorted.
func EventTypes() []string {
	out := make([]string, 0, len(registry))
	for t := range registry {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Decode turns a stored payload of the given type and schema version into its
// Go value. It is the one place where old payload shapes would be upcast.
//
// Payloads are decoded with go-json-experiment's v1 options: encoding/json's
// semantics on the engine that became encoding/json/v2, several times
// faster, which a rebuild of every projection needs. A payload it refuses
// is decoded by encoding/json as before, so errors and payloads followed by
// more text come out as they always have.
func Decode(typ string, version int, data []byte) (Event, error) {
	rt, ok := registry[typ]
	if !ok {
		return nil, fmt.Errorf("unknown event type %q", typ)
	}
	if version != SchemaVersion {
		return nil, fmt.Errorf("event type %q: unknown schema version %d", typ, version)
	}
	ptr := reflect.New(rt)
	if len(data) > 0 && jsonv2.Unmarshal(data, ptr.Interface(), payloadOptions) != nil {
		// Unmarshal takes one JSON value and nothing else; a stored payload
		// is decoded as its first value, as it always has been, error and all.
		ptr = reflect.New(rt)
		if err := json.NewDecoder(bytes.NewReader(data)).Decode(ptr.Interface()); err != nil {
			return nil, fmt.Errorf("decode %s: %w", typ, err)
		}
	}
	return ptr.Elem().Interface().(Event), nil
}

// payloadOptions are encoding/json's semantics (v1) without its legacy
// error reporting, which checks a whole payload before decoding it: Decode
// leaves errors to encoding/json anyway.
var payloadOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))

// DecodeStrict is Decode refusing unknown fields: for payloads that arrive
// from outside (a correction's replacement, an import).
func DecodeStrict(typ string, data []byte) (Event, error) {
	rt, ok := registry[typ]
	if !ok {
		return nil, fmt.Errorf("unknown event type %q", typ)
	}
	ptr := reflect.New(rt)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(ptr.Interface()); err != nil {
		return nil, fmt.Errorf("decode %s: %w", typ, err)
	}
	// More would miss a stray '}' or ']': only the end of input may follow.
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("decode %s: trailing data", typ)
	}
	return ptr.Elem().Interface().(Event), nil
}

// DecodeEnvelope decodes the payload of a stored envelope.
func DecodeEnvelope(e Envelope) (Event, error) {
	return Decode(e.Type, e.SchemaVersion, e.Data)
}

func marshalEvent(e Event) (json.RawMessage, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", e.Type(), err)
	}
	return b, nil
}
