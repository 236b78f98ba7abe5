// Package models holds Wushe's domain types, their validation and the small
// vocabulary of domain errors. It imports only the standard library.
package models

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error; handlers map each kind to one HTTP status.
type Kind int

const (
	KindInternal     Kind = iota // a bug or an outage: logged, shown generically
	KindInvalid                  // the request breaks a rule of the domain
	KindNotFound                 // no such object, or the caller may not know it exists
	KindConflict                 // the object exists already, or its state forbids the change
	KindUnauthorized             // no valid credentials
	KindForbidden                // valid credentials, but not for this object
	KindRateLimited              // too many attempts; RetryAfter says when to try again
	KindUnavailable              // a dependency is down
)

// Sentinel errors, one per kind, for errors.Is.
var (
	ErrInternal     = &Error{Kind: KindInternal, Zh: "服务器内部错误", En: "internal error"}
	ErrInvalid      = &Error{Kind: KindInvalid, Zh: "请求无效", En: "invalid request"}
	ErrNotFound     = &Error{Kind: KindNotFound, Zh: "未找到", En: "not found"}
	ErrConflict     = &Error{Kind: KindConflict, Zh: "与现有数据冲突", En: "conflict"}
	ErrUnauthorized = &Error{Kind: KindUnauthorized, Zh: "未登录或登录已失效", En: "not authenticated"}
	ErrForbidden    = &Error{Kind: KindForbidden, Zh: "无权执行此操作", En: "forbidden"}
	ErrRateLimited  = &Error{Kind: KindRateLimited, Zh: "尝试次数过多，请稍后再试", En: "too many attempts, try again later"}
	ErrUnavailable  = &Error{Kind: KindUnavailable, Zh: "服务暂不可用", En: "service unavailable"}
)

// Error is a domain error with a message in zh-CN and English. Field, when
// set, names the input that broke the rule by its field name ("phone",
// "window.start", "tranches[1].amountFen"); the handlers turn a name into
// the request's location of it (body, query, path or header).
type Error struct {
	Kind       Kind
	Code       Code // the problem code clients branch on; empty: the kind's (ProblemCode)
	Zh, En     string
	Field      string
	RetryAfter int // seconds, for KindRateLimited
	Fields     []FieldError
	cause      error
}

// FieldError is one failing input of a validation error.
type FieldError struct {
	Field  string
	Zh, En string
}

func (e *Error) Error() string {
	msg := e.En
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.cause != nil {
		return msg + ": " + e.cause.Error()
	}
	return msg
}

// Unwrap exposes the cause (for logs; never shown to clients).
func (e *Error) Unwrap() error { return e.cause }

// Is matches any *Error of the same kind, so errors.Is(err, ErrNotFound)
// holds for every not-found error.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && (t.Zh == "" || t == sentinel(t.Kind))
}

func sentinel(k Kind) *Error {
	switch k {
	case KindInvalid:
		return ErrInvalid
	case KindNotFound:
		return ErrNotFound
	case KindConflict:
		return ErrConflict
	case KindUnauthorized:
		return ErrUnauthorized
	case KindForbidden:
		return ErrForbidden
	case KindRateLimited:
		return ErrRateLimited
	case KindUnavailable:
		return ErrUnavailable
	}
	return ErrInternal
}

// E builds a domain error of kind k with a bilingual message.
func E(k Kind, zh, en string) *Error { return &Error{Kind: k, Zh: zh, En: en} }

// Wrap returns a copy of e that carries cause (for logs).
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// Invalid is a validation error naming one field.
func Invalid(field, zh, en string) *Error {
	return &Error{Kind: KindInvalid, Code: CodeValidationFailed, Zh: zh, En: en, Field: field,
		Fields: []FieldError{{Field: field, Zh: zh, En: en}}}
}

// Problems collects field errors; Err returns nil when there are none.
type Problems []FieldError

// Add records one failing field.
func (p *Problems) Add(field, zh, en string) { *p = append(*p, FieldError{field, zh, en}) }

// Err is the validation error for all recorded fields, or nil.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Code: CodeValidationFailed, Zh: "请求参数有误", En: "validation failed", Field: p[0].Field, Fields: p}
}

// Internal wraps an unexpected error from a dependency.
func Internal(format string, args ...any) error {
	return ErrInternal.Wrap(fmt.Errorf(format, args...))
}

// KindOf reports the kind of err; errors that are not domain errors are internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}
