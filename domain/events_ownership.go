package domain

// Owner is a provider, team and officer: who owns a case or manages a component.
type Owner struct {
	Provider string `json:"provider"`
	Team     string `json:"team"`
	Officer  string `json:"officer"`
}

// Destination is where a transfer is going; team and officer are optional.
type Destination struct {
	Provider string `json:"provider"`
	Team     string `json:"team,omitempty"`
	Officer  string `json:"officer,omitempty"`
}

// CaseAllocated makes an officer the case's owner from its occurred_at.
type CaseAllocated struct {
	Provider  string `json:"provider"`
	Team      string `json:"team"`
	Officer   string `json:"officer"`
	Reason    string `json:"reason"`
	Rationale string `json:"rationale"`
	Sensitive bool   `json:"sensitive,omitempty"`
}

// CaseDeallocated leaves the case with no owner from its occurred_at.
type CaseDeallocated struct {
	Reason string `json:"reason"`
}

// TransferRequested asks to move the case, or some components, elsewhere.
type TransferRequested struct {
	TransferID string      `json:"transfer_id"`
	Scope      string      `json:"scope"`
	Components []string    `json:"components,omitempty"`
	From       Owner       `json:"from"`
	To         Destination `json:"to"`
	Reason     string      `json:"reason"`
}

// TransferAccepted moves ownership (or component management) to the receiving
// team and officer.
type TransferAccepted struct {
	TransferID string `json:"transfer_id"`
	Team       string `json:"team"`
	Officer    string `json:"officer"`
}

// TransferRejected refuses a transfer; Automatic when the system did it.
type TransferRejected struct {
	TransferID string `json:"transfer_id"`
	Reason     string `json:"reason"`
	Automatic  bool   `json:"automatic"`
}

// TransferCancelled withdraws a transfer.
type TransferCancelled struct {
	TransferID string `json:"transfer_id"`
	Reason     string `json:"reason"`
}

// Type names.
func (CaseAllocated) Type() string     { return "case.allocated" }
func (CaseDeallocated) Type() string   { return "case.deallocated" }
func (TransferRequested) Type() string { return "transfer.requested" }
func (TransferAccepted) Type() string  { return "transfer.accepted" }
func (TransferRejected) Type() string  { return "transfer.rejected" }
func (TransferCancelled) Type() string { return "transfer.cancelled" }
