package domain

// createdID returns the entity id an event introduces into the case, or "".
// Ids are unique across the whole case, whatever their kind and time.
func createdID(e Event) string {
	switch e := e.(type) {
	case SentenceRecorded:
		return e.SentenceID
	case RequirementImposed:
		return e.RequirementID
	case LicenceConditionImposed:
		return e.ConditionID
	case TransferRequested:
		return e.TransferID
	case RiskAssessed:
		return e.AssessmentID
	case RegistrationAdded:
		return e.RegistrationID
	case AppointmentBooked:
		return e.AppointmentID
	case WarningIssued:
		return e.WarningID
	case BreachRaised:
		return e.BreachID
	case RecallRaised:
		return e.RecallID
	case InformationReceived:
		return e.InformationID
	case SFONotified:
		return e.SFOID
	}
	return ""
}

// validateFields checks the values of an event's own fields: required fields,
// enumerations, dates, ranges. It needs no state.
func validateFields(ev Event) *Error {
	var f fields
	switch e := ev.(type) {
	case CaseOpened:
		if !ValidCRN(e.CRN) {
			f.add("crn", "must be a capital letter and six digits, e.g. X123456")
		}
		f.required("person.given_name", e.Person.GivenName)
		f.required("person.family_name", e.Person.FamilyName)
		f.date("person.date_of_birth", e.Person.DateOfBirth, true)
	case CaseClosed:
		f.required("reason", e.Reason)
	case CaseReopened:
		f.required("reason", e.Reason)
	case SentenceRecorded:
		f.required("sentence_id", e.SentenceID)
		f.oneOf("kind", e.Kind, SentenceKinds)
		f.required("court", e.Court)
		f.date("start_date", e.StartDate, true)
		f.date("expected_end_date", e.ExpectedEndDate, false)
		if e.ExpectedEndDate != "" && e.StartDate != "" && e.ExpectedEndDate < e.StartDate {
			f.add("expected_end_date", "is before start_date")
		}
	case SentenceTerminated:
		f.required("reason", e.Reason)
	case RequirementImposed:
		f.required("requirement_id", e.RequirementID)
		f.oneOf("category", e.Category, RequirementCategories)
		f.required("description", e.Description)
	case RequirementTerminated:
		f.required("reason", e.Reason)
	case LicenceConditionImposed:
		f.required("condition_id", e.ConditionID)
		f.oneOf("category", e.Category, ConditionCategories)
		f.required("description", e.Description)
	case LicenceConditionVaried:
		f.required("description", e.Description)
	case LicenceConditionTerminated:
		f.oneOf("reason", e.Reason, ConditionEndReasons)
	default:
		return validateOwnershipFields(ev)
	}
	return asRule(f.err())
}

func validateOwnershipFields(ev Event) *Error {
	var f fields
	switch e := ev.(type) {
	case CaseAllocated:
		f.required("provider", e.Provider)
		f.required("team", e.Team)
		f.required("officer", e.Officer)
		f.oneOf("reason", e.Reason, AllocationReasons)
		f.required("rationale", e.Rationale)
	case CaseDeallocated:
		f.required("reason", e.Reason)
	case TransferRequested:
		f.required("transfer_id", e.TransferID)
		f.oneOf("scope", e.Scope, TransferScopes)
		if e.Scope == ScopeCase && len(e.Components) > 0 {
			f.add("components", "must be empty for a case transfer")
		}
		if e.Scope == ScopeComponents {
			f.ids("components", e.Components, true)
		}
		f.required("to.provider", e.To.Provider)
		f.required("reason", e.Reason)
	case TransferAccepted:
		f.required("team", e.Team)
		f.required("officer", e.Officer)
	case TransferRejected:
		f.required("reason", e.Reason)
	case TransferCancelled:
		f.required("reason", e.Reason)
	case RiskAssessed:
		f.required("assessment_id", e.AssessmentID)
		f.required("tool", e.Tool)
		f.oneOf("rosh", e.RoSH, RoSHLevels)
		f.percent("rsr", e.RSR)
		if e.OGRS != nil {
			f.percent("ogrs", *e.OGRS)
		}
	case RegistrationAdded:
		f.required("registration_id", e.RegistrationID)
		f.oneOf("type", e.RegType, RegistrationTypes)
		if e.RegType == "MAPP" {
			f.optionalOneOf("category", e.Category, MAPPACategories)
			f.optionalOneOf("level", e.Level, MAPPALevels)
		}
		f.date("next_review_date", e.NextReviewDate, false)
	case RegistrationReviewed:
		f.date("next_review_date", e.NextReviewDate, true)
	case RegistrationDeregistered:
		f.required("reason", e.Reason)
	default:
		return validateContactFields(ev)
	}
	return asRule(f.err())
}

func validateContactFields(ev Event) *Error {
	var f fields
	switch e := ev.(type) {
	case AppointmentBooked:
		f.required("appointment_id", e.AppointmentID)
		f.instant("starts_at", e.StartsAt)
		f.oneOf("kind", e.Kind, AppointmentKinds)
		f.required("officer", e.Officer)
	case AppointmentRescheduled:
		f.instant("starts_at", e.StartsAt)
		f.required("reason", e.Reason)
	case AppointmentCancelled:
		f.required("reason", e.Reason)
	case AppointmentOutcomeRecorded:
		f.oneOf("outcome", e.Outcome, Outcomes)
	case WarningIssued:
		f.required("warning_id", e.WarningID)
		f.required("sentence_id", e.SentenceID)
		f.ids("appointment_ids", e.AppointmentIDs, true)
	case BreachRaised:
		f.required("breach_id", e.BreachID)
		f.required("sentence_id", e.SentenceID)
		f.required("reason", e.Reason)
		f.ids("appointment_ids", e.AppointmentIDs, false)
	case BreachConcluded:
		f.oneOf("outcome", e.Outcome, BreachOutcomes)
	case CustodyRemanded:
		f.required("court", e.Court)
		f.required("reason", e.Reason)
	case CustodyReleased:
		f.required("establishment", e.Establishment)
		f.required("release_type", e.ReleaseType)
	case RecallRaised:
		f.required("recall_id", e.RecallID)
		f.required("sentence_id", e.SentenceID)
		f.oneOf("type", e.RecallType, RecallTypes)
		f.required("reason", e.Reason)
		f.required("decided_by", e.DecidedBy)
	case RecallConcluded:
		f.oneOf("outcome", e.Outcome, RecallOutcomes)
	default:
		return validateInformationFields(ev)
	}
	return asRule(f.err())
}

func validateInformationFields(ev Event) *Error {
	var f fields
	switch e := ev.(type) {
	case InformationReceived:
		f.required("information_id", e.InformationID)
		f.required("source.organisation", e.Source.Organisation)
		f.oneOf("source.kind", e.Source.Kind, SourceKinds)
		f.oneOf("channel", e.Channel, Channels)
		if e.ReceivedBy.Officer == "" && e.ReceivedBy.Team == "" && !e.ReceivedBy.Reception {
			f.add("received_by", "must name an officer, a team or reception")
		}
		f.required("summary", e.Summary)
		f.oneOf("urgency", e.Urgency, Urgencies)
	case InformationRouted:
		if e.To.Officer == "" && e.To.Team == "" {
			f.add("to", "must name an officer or a team")
		}
		f.required("reason", e.Reason)
	case InformationAcknowledged:
		f.required("by", e.By)
		f.required("action", e.Action)
	case InformationShared:
		f.ids("information_ids", e.InformationIDs, false)
		f.required("recipient.organisation", e.Recipient.Organisation)
		f.required("summary", e.Summary)
		f.required("basis", e.Basis)
	case SFONotified:
		f.required("sfo_id", e.SFOID)
		f.required("offence", e.Offence)
		f.date("offence_date", e.OffenceDate, true)
		f.instant("charged_at", e.ChargedAt)
		f.oneOf("category", e.Category, SFOCategories)
	case SFOReviewCompleted:
		f.required("summary", e.Summary)
	case EntryRetracted:
		f.required("event_id", e.EventID)
		f.required("reason", e.Reason)
	default:
		return validateOrgFields(ev)
	}
	return asRule(f.err())
}

func validateOrgFields(ev Event) *Error {
	var f fields
	switch e := ev.(type) {
	case ProviderRegistered:
		f.required("code", e.Code)
		f.required("name", e.Name)
	case TeamRegistered:
		f.required("code", e.Code)
		f.required("provider", e.Provider)
		f.required("name", e.Name)
		f.required("phone", e.Phone)
		f.required("email", e.Email)
	case OfficerRegistered:
		f.required("code", e.Code)
		f.required("name", e.Name)
		f.oneOf("grade", e.Grade, Grades)
		f.required("team", e.Team)
		f.required("phone", e.Phone)
		f.required("email", e.Email)
	case OfficerMoved:
		f.required("team", e.Team)
	case OfficerAbsenceRecorded:
		f.required("absence_id", e.AbsenceID)
		f.instant("from", e.From)
		f.instant("to", e.To)
		if !e.From.IsZero() && !e.To.IsZero() && !e.To.After(e.From) {
			f.add("to", "must be after from")
		}
		if e.CoverOfficer != "" && e.CoverOfficer == e.Code {
			f.add("cover_officer", "cannot cover their own absence")
		}
	case OfficerAbsenceCancelled:
		f.required("reason", e.Reason)
	}
	return asRule(f.err())
}

func asRule(err error) *Error {
	if err == nil {
		return nil
	}
	return err.(*Error)
}
