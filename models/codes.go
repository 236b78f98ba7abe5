package models

// Code is a problem's stable code: what a client branches on, never the
// message text. Every code, with its HTTP status, its titles and what it
// means, is listed once in handlers/problems.go and in docs/errors.md.
type Code string

// The codes of the kinds: a domain error without a code of its own answers
// its kind's code.
const (
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not-found"
	CodeConflict     Code = "conflict"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeRateLimited  Code = "rate-limited"
	CodeUnavailable  Code = "unavailable"
	CodeInternal     Code = "internal"
)

// Codes of errors a client must tell apart from others of their kind.
const (
	CodeValidationFailed    Code = "validation-failed"
	CodePhoneRegistered     Code = "phone-registered"
	CodeLoginFailed         Code = "login-failed"
	CodeRefreshTokenInvalid Code = "refresh-token-invalid"
	CodeTokenMissing        Code = "token-missing"
	CodeTokenInvalid        Code = "token-invalid"
	CodeAccountDeactivated  Code = "account-deactivated"
	CodeObjectBusy          Code = "object-busy"
	CodeRequestInProgress   Code = "request-in-progress"
	CodeIdempotencyKeyReuse Code = "idempotency-key-reused"
	CodeStaleState          Code = "stale-state"
	CodeNoPlacesLeft        Code = "no-places-left"
	CodeAlreadyPlaced       Code = "already-placed"
	CodeScheduleOverlap     Code = "schedule-overlap"
	CodeAlreadyDecided      Code = "already-decided"
	CodeInsufficientFunds   Code = "insufficient-funds"
	CodeConflictOfInterest  Code = "conflict-of-interest"
	CodeEvaluationRequired  Code = "evaluation-required"
	CodeIDNumberConflict    Code = "id-number-conflict"
	CodeInvitationClosed    Code = "invitation-closed"
	CodeNotAVolunteer       Code = "not-a-volunteer"
	CodeNotASocialWorker    Code = "not-a-social-worker"
	// The demonstration rule (issue 18; models/recognition.go).
	CodeOrganisationNotOperating Code = "organisation-not-operating"
	CodeValidEvaluationRequired  Code = "valid-evaluation-required"
)

// KindCode is the code of kind k.
func KindCode(k Kind) Code {
	switch k {
	case KindInvalid:
		return CodeInvalid
	case KindNotFound:
		return CodeNotFound
	case KindConflict:
		return CodeConflict
	case KindUnauthorized:
		return CodeUnauthorized
	case KindForbidden:
		return CodeForbidden
	case KindRateLimited:
		return CodeRateLimited
	case KindUnavailable:
		return CodeUnavailable
	}
	return CodeInternal
}

// ProblemCode is e's code: its own, else its kind's.
func (e *Error) ProblemCode() Code {
	if e.Code != "" {
		return e.Code
	}
	return KindCode(e.Kind)
}

// WithCode returns a copy of e that answers code.
func (e *Error) WithCode(code Code) *Error {
	c := *e
	c.Code = code
	return &c
}

// Codes of the posts registry (issue 18).
const (
	CodePostTaken        Code = "post-taken"
	CodeHoldsAnotherPost Code = "holds-another-post"
)
