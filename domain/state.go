package domain

import "time"

// Case is the state of one case at an instant: the fold of its live events
// up to that instant. Maps are keyed by the entity's id.
type Case struct {
	Opened   bool
	CRN      string
	Person   Person
	Closed   bool
	ClosedBy string // the event id of the case.closed in force
	// OpenedBy is the organisation of whoever opened the case.
	OpenedBy               string
	Excluded, RestrictedTo []string

	Owner      *Owner
	OwnerSince time.Time
	// LastOwner is the most recent owner, kept after deallocation or closure.
	LastOwner *Owner

	Sentences     map[string]*Sentence
	Components    map[string]*Component
	Transfers     map[string]*Transfer
	Risk          *Risk
	Registrations map[string]*Registration
	Appointments  map[string]*Appointment
	Breaches      map[string]*Breach
	Recalls       map[string]*Recall
	Information   map[string]*Information
	SFOs          map[string]*SFO
	Custody       string
	// IDs maps every entity id used in the case to the event type that created it.
	IDs map[string]string
}

// Sentence is a court disposal.
type Sentence struct {
	SentenceRecorded
	Active     bool
	OpenRecall string
}

// Component is a requirement or licence condition.
type Component struct {
	ID, Kind, SentenceID, Category, Description string
	Active                                      bool
	TerminatedReason                            string
	// Manager is the component's manager when it is not the case owner.
	Manager *Owner
	// PendingTransfer is the id of the pending transfer holding it, or "".
	PendingTransfer string
}

// Component kinds.
const (
	ComponentRequirement = "requirement"
	ComponentCondition   = "licence_condition"
)

// Transfer is a transfer request and where it stands.
type Transfer struct {
	TransferRequested
	Status      string // pending, accepted, rejected, cancelled
	RequestedAt time.Time
	EventID     string
}

// Transfer statuses.
const (
	TransferPending   = "pending"
	TransferDone      = "accepted"
	TransferRefused   = "rejected"
	TransferWithdrawn = "cancelled"
)

// Risk is the latest risk assessment by occurred_at.
type Risk struct {
	RoSH       string
	RSR        float64
	AssessedAt time.Time
	EventID    string
}

// Registration is a flag on the case.
type Registration struct {
	RegistrationAdded
	Active  bool
	EventID string
}

// Appointment is a booked contact.
type Appointment struct {
	AppointmentBooked
	Cancelled bool
	Outcome   string
}

// Breach is a breach action.
type Breach struct {
	BreachRaised
	Open    bool
	Outcome string
}

// Recall is a licence recall.
type Recall struct {
	RecallRaised
	Open    bool
	Outcome string
	EventID string
}

// Information is something told to probation.
type Information struct {
	InformationReceived
	ReceivedAt time.Time
	EventID    string
}

// SFO is a serious further offence notification.
type SFO struct {
	SFONotified
	Completed bool
}

// NewCase returns the state before any event.
func NewCase() *Case { return NewCaseFor(0) }

// NewCaseFor returns the empty case ready for a fold of about n events: the
// maps that grow with the history (ids, appointments: most of a long case's
// events) are made that big at once instead of growing step by step.
func NewCaseFor(n int) *Case {
	return &Case{Sentences: map[string]*Sentence{}, Components: map[string]*Component{},
		Transfers: map[string]*Transfer{}, Registrations: map[string]*Registration{},
		Appointments: make(map[string]*Appointment, n/2), Breaches: map[string]*Breach{}, Recalls: map[string]*Recall{},
		Information: map[string]*Information{}, SFOs: map[string]*SFO{}, Custody: CustodyStatusCommunity,
		IDs: make(map[string]string, n)}
}

// HighRisk reports whether the case may only be held by a high_risk provider:
// its latest RoSH is high or very high, or it has an active RHRH/RVHR or MAPPA
// registration. RSR does not decide it.
func (c *Case) HighRisk() bool {
	if c.Risk != nil && (c.Risk.RoSH == RoSHHigh || c.Risk.RoSH == RoSHVeryHigh) {
		return true
	}
	for _, r := range c.Registrations {
		if r.Active && (r.RegType == "MAPP" || r.RegType == "RHRH" || r.RegType == "RVHR") {
			return true
		}
	}
	return false
}

// PendingCaseTransfer returns the pending case-scope transfer, if any.
func (c *Case) PendingCaseTransfer() *Transfer {
	for _, t := range c.Transfers {
		if t.Status == TransferPending && t.Scope == ScopeCase {
			return t
		}
	}
	return nil
}

// ManagerOf returns who manages a component: its own manager, or the case owner.
func (c *Case) ManagerOf(comp *Component) *Owner {
	if comp.Manager != nil {
		return comp.Manager
	}
	return c.Owner
}
