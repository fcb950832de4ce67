package domain

import "time"

// Source is who told probation something.
type Source struct {
	Organisation string `json:"organisation"`
	Person       string `json:"person,omitempty"`
	Kind         string `json:"kind"`
}

// ReceivedBy is who took the information in.
type ReceivedBy struct {
	Officer   string `json:"officer,omitempty"`
	Team      string `json:"team,omitempty"`
	Reception bool   `json:"reception,omitempty"`
}

// RoutedTo is where information was sent on to.
type RoutedTo struct {
	Officer string `json:"officer,omitempty"`
	Team    string `json:"team,omitempty"`
}

// Recipient is an outside organisation information was shared with.
type Recipient struct {
	Organisation string `json:"organisation"`
	Person       string `json:"person,omitempty"`
}

// InformationReceived records something told to probation from outside.
type InformationReceived struct {
	InformationID string     `json:"information_id"`
	Source        Source     `json:"source"`
	Channel       string     `json:"channel"`
	ReceivedBy    ReceivedBy `json:"received_by"`
	Summary       string     `json:"summary"`
	RiskRelevant  bool       `json:"risk_relevant"`
	Urgency       string     `json:"urgency"`
}

// InformationRouted records information sent on to an officer or team.
type InformationRouted struct {
	InformationID string   `json:"information_id"`
	To            RoutedTo `json:"to"`
	Reason        string   `json:"reason"`
}

// InformationAcknowledged records that an officer read and acted on information.
type InformationAcknowledged struct {
	InformationID string `json:"information_id"`
	By            string `json:"by"`
	Action        string `json:"action"`
}

// InformationShared records a disclosure to an outside organisation.
type InformationShared struct {
	InformationIDs []string  `json:"information_ids,omitempty"`
	Recipient      Recipient `json:"recipient"`
	Summary        string    `json:"summary"`
	Basis          string    `json:"basis"`
}

// SFONotified records that the person was charged with a serious further offence.
type SFONotified struct {
	SFOID             string     `json:"sfo_id"`
	Offence           string     `json:"offence"`
	OffenceDate       string     `json:"offence_date"`
	ChargedAt         time.Time  `json:"charged_at"`
	FirstAppearanceAt *time.Time `json:"first_appearance_at,omitempty"`
	Category          string     `json:"category"`
}

// SFOReviewCompleted records the end of an SFO review.
type SFOReviewCompleted struct {
	SFOID   string `json:"sfo_id"`
	Summary string `json:"summary"`
}

// EntryRetracted withdraws an entry made in error.
type EntryRetracted struct {
	EventID string `json:"event_id"`
	Reason  string `json:"reason"`
}

// Type names.
func (InformationReceived) Type() string     { return "information.received" }
func (InformationRouted) Type() string       { return "information.routed" }
func (InformationAcknowledged) Type() string { return "information.acknowledged" }
func (InformationShared) Type() string       { return "information.shared" }
func (SFONotified) Type() string             { return "sfo.notified" }
func (SFOReviewCompleted) Type() string      { return "sfo.review_completed" }
func (EntryRetracted) Type() string          { return "entry.retracted" }
