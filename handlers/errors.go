package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"
	"github.com/gofiber/fiber/v2"

	"github.com/wushe/wushe/models"
)

// statusOf is the one table from domain error kinds to HTTP statuses.
var statusOf = map[models.Kind]int{
	models.KindInvalid:      http.StatusUnprocessableEntity,
	models.KindNotFound:     http.StatusNotFound,
	models.KindConflict:     http.StatusConflict,
	models.KindUnauthorized: http.StatusUnauthorized,
	models.KindForbidden:    http.StatusForbidden,
	models.KindRateLimited:  http.StatusTooManyRequests,
	models.KindUnavailable:  http.StatusServiceUnavailable,
	models.KindInternal:     http.StatusInternalServerError,
}

// defaultRetryAfter is the Retry-After (seconds) of a 503 whose cause names
// no better time: the stores' breakers probe twice a second.
const defaultRetryAfter = 2

// unavailableLogged is when a 503 was last logged at WARN (Unix seconds).
var unavailableLogged atomic.Int64

// logUnavailable logs a 503's cause. An outage a circuit breaker has
// detected is logged by the breaker, once, when it starts and ends; here
// it is debug. Other causes (a lock waited on too long, a slow store) warn
// at most once a second, so an outage is never a log line per request.
func logUnavailable(ctx context.Context, err error) {
	var o interface{ Outage() bool }
	if errors.As(err, &o) && o.Outage() {
		logFor(ctx).DebugContext(ctx, "store unavailable (breaker open)", "err", err.Error())
		return
	}
	now := time.Now().Unix()
	if prev := unavailableLogged.Load(); now == prev || !unavailableLogged.CompareAndSwap(prev, now) {
		return
	}
	logFor(ctx).WarnContext(ctx, "dependency unavailable (logged at most once a second)", "err", err.Error())
}

// english reports whether the client asked for English.
func english(acceptLanguage string) bool {
	al := strings.ToLower(strings.TrimSpace(acceptLanguage))
	return strings.HasPrefix(al, "en")
}

type loggerKey struct{}

type englishKey struct{}

// englishFrom reports whether the request asked for English.
func englishFrom(ctx context.Context) bool {
	en, _ := ctx.Value(englishKey{}).(bool)
	return en
}

// problem builds the problem+json body for err. Every error leaving the API
// goes through here: Huma's own (validation, body parsing) and the
// service's domain errors alike. It never echoes a submitted value.
func problem(ctx context.Context, status int, msg string, en bool, errs []error, setHeader func(k, v string)) *ErrorModel {
	var dom *models.Error
	for _, e := range errs {
		if errors.As(e, &dom) {
			break
		}
	}
	if dom != nil {
		status = statusOf[dom.Kind]
		p := &ErrorModel{Code: dom.ProblemCode(), Status: status, Detail: pick(en, dom.Zh, dom.En)}
		if dom.Kind == models.KindInternal {
			logFor(ctx).ErrorContext(ctx, "internal error", "err", dom.Error())
		}
		if dom.Kind == models.KindUnavailable {
			logUnavailable(ctx, dom)
			setHeader("Retry-After", strconv.Itoa(cmp.Or(dom.RetryAfter, defaultRetryAfter)))
		}
		if dom.Kind == models.KindRateLimited && dom.RetryAfter > 0 {
			setHeader("Retry-After", strconv.Itoa(dom.RetryAfter))
		}
		if dom.Kind == models.KindUnauthorized {
			setHeader("WWW-Authenticate", `Bearer realm="wushe"`)
		}
		for _, f := range dom.Fields {
			p.Errors = append(p.Errors, &ErrorDetail{Location: location(ctx, f.Field), Message: pick(en, f.Zh, f.En)})
		}
		switch {
		case len(dom.Fields) == 1:
			p.Detail = pick(en, dom.Fields[0].Zh, dom.Fields[0].En)
		case len(dom.Fields) > 1 && p.Code == models.CodeValidationFailed:
			// The service's field names may carry the client's own keys:
			// the detail gives the reasons, errors[] the locations.
			p.Detail = fieldSummary(p.Errors, false, en)
		}
		return finishProblem(p, en)
	}
	code := codeFor(status, msg)
	if status >= 500 {
		var causes []string
		for _, e := range errs {
			if e != nil {
				causes = append(causes, e.Error())
			}
		}
		logFor(ctx).ErrorContext(ctx, "unexpected error", "status", status, "msg", msg, "errs", causes)
		return finishProblem(&ErrorModel{Code: code, Status: status, Detail: pick(en, "服务器内部错误，请稍后再试", "internal error; please try again later")}, en)
	}
	p := &ErrorModel{Code: code, Status: status, Detail: translateDetail(msg, en)}
	if code == "body-not-json" {
		p.Detail = pick(en, "请求体不是有效的 JSON", "request body is not valid JSON")
	}
	if status == http.StatusUnsupportedMediaType {
		unsupported := pick(en, "请以 Content-Type: application/json 发送请求体", "send the body with Content-Type: application/json")
		p.Detail = unsupported
		p.Errors = []*ErrorDetail{{Location: "header.Content-Type", Message: unsupported}}
		return finishProblem(p, en)
	}
	for _, e := range errs {
		if e == nil {
			continue
		}
		d := &huma.ErrorDetail{Message: e.Error()}
		var hd huma.ErrorDetailer
		if errors.As(e, &hd) {
			d = hd.ErrorDetail()
		}
		loc := d.Location
		message := d.Message
		// Huma names a missing property in the message; name it in the location too.
		if prop, ok := missingProperty(message); ok {
			loc = strings.TrimSuffix(loc, ".") + "." + prop
		}
		if message == validation.MsgUnexpectedProperty {
			loc = unknownFieldLocation(loc)
		}
		if field, ok := decodedField(message); ok && loc == "body" {
			loc += field
		}
		if status == http.StatusBadRequest && loc == "body" {
			message = pick(en, "请求体不是有效的 JSON", "request body is not valid JSON")
		} else {
			message = safeMessage(message, en)
		}
		// Never echo the submitted value (it may be a password, a code or an
		// ID number) nor a Go error text: safeMessage keeps only fixed texts.
		p.Errors = append(p.Errors, &ErrorDetail{Location: loc, Message: message})
	}
	// Huma's locations are the schema's: the detail names them.
	switch {
	case code == models.CodeValidationFailed && len(p.Errors) == 1:
		p.Detail = describeInput(p.Errors[0], true, en)
	case code == models.CodeValidationFailed && len(p.Errors) > 1:
		p.Detail = fieldSummary(p.Errors, true, en)
	}
	return finishProblem(p, en)
}

// codeFor is the code of a problem no domain error explains: Huma's and
// Fiber's own, by status and message.
func codeFor(status int, msg string) models.Code {
	switch {
	case status == http.StatusBadRequest && msg == "validation failed":
		return "body-not-json"
	case status == http.StatusBadRequest && msg == "request body is required":
		return "body-required"
	case status == http.StatusNotFound && msg == "no such route":
		return "unknown-route"
	}
	if c, ok := codeOfStatus[status]; ok {
		return c
	}
	if status >= 500 {
		return models.CodeInternal
	}
	return "bad-request"
}

// finishProblem sets the problem's type and title from its code, and makes
// sure its detail says what the title does not: else the one failing
// input's message, or else the code's explanation.
func finishProblem(p *ErrorModel, en bool) *ErrorModel {
	c, ok := problemByCode[p.Code]
	if !ok { // a code missing from the catalogue is a bug; answer its kind's
		c = problemByCode[codeFor(p.Status, "")]
		p.Code = c.Code
	}
	p.Type = problemType(p.Code)
	p.Title = pick(en, c.Title[0], c.Title[1])
	if len(p.Errors) == 1 && strings.EqualFold(p.Detail, p.Title) {
		p.Detail = p.Errors[0].Message
	}
	if p.Detail == "" || strings.EqualFold(p.Detail, p.Title) {
		p.Detail = pick(en, c.About[0], c.About[1])
	}
	return p
}

// fieldSummary is the detail of a problem with several failing inputs:
// how many, and the first few (with their locations when those are the
// schema's).
func fieldSummary(errs []*ErrorDetail, withLocations, en bool) string {
	var parts []string
	for _, e := range errs {
		if part := describeInput(e, withLocations, en); len(parts) < 3 && !slices.Contains(parts, part) {
			parts = append(parts, part)
		}
	}
	if en {
		return fmt.Sprintf("%d inputs fail: %s", len(errs), strings.Join(parts, "; "))
	}
	return fmt.Sprintf("%d 处参数有误：%s", len(errs), strings.Join(parts, "；"))
}

// describeInput is one failing input in words: its location and why, or
// only why when the location is an unknown field's name (the client's own
// text, never repeated outside errors[].location).
func describeInput(e *ErrorDetail, withLocation, en bool) string {
	if !withLocation || e.Location == "" || slices.Contains(unknownNameMessages, e.Message) {
		return e.Message
	}
	return e.Location + pick(en, "：", ": ") + e.Message
}

// unknownNameMessages are the messages of a body field the API does not
// know, zh-CN and English: its location is the client's own name for it.
var unknownNameMessages = func() []string {
	for _, t := range humaTemplates {
		if t.code == "unexpected_property" {
			return []string{t.msg.zh, t.msg.en}
		}
	}
	panic("no unexpected_property message")
}()

func pick(en bool, zh, eng string) string {
	if en || zh == "" {
		return eng
	}
	return zh
}

func logFor(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// installErrorModel makes every Huma error go through problem.
func installErrorModel() {
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		ctx := context.Background()
		en := false
		set := func(string, string) {}
		if hctx != nil {
			ctx = hctx.Context()
			en = english(hctx.Header("Accept-Language"))
			set = hctx.SetHeader
		}
		return problem(ctx, status, msg, en, errs, set)
	}
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return problem(context.Background(), status, msg, false, errs, func(string, string) {})
	}
}

// fiberErrorHandler renders errors from plain Fiber routes, middleware
// (body limit, unknown route) and recovered panics through the same table.
func fiberErrorHandler(c *fiber.Ctx, err error) error {
	return writeFiberProblem(c, err)
}

// writeFiberProblem writes err as problem+json on a plain Fiber route.
func writeFiberProblem(c *fiber.Ctx, err error) error {
	en := english(c.Get(fiber.HeaderAcceptLanguage))
	ctx := c.UserContext()
	var p *ErrorModel
	var fe *fiber.Error
	if errors.As(err, &fe) {
		p = problem(ctx, fe.Code, fiberMessage(fe), en, nil, func(k, v string) { c.Set(k, v) })
	} else {
		p = problem(ctx, http.StatusInternalServerError, "", en, []error{err}, func(k, v string) { c.Set(k, v) })
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Status(p.Status).JSON(p, "application/problem+json")
}

func fiberMessage(fe *fiber.Error) string {
	switch fe.Code {
	case http.StatusNotFound:
		return "no such route"
	case http.StatusRequestEntityTooLarge:
		return "request body is too large"
	case http.StatusMethodNotAllowed:
		return "method not allowed"
	}
	return fe.Message
}

// detail messages Huma itself produces, in zh-CN.
var detailZh = map[string]string{
	"validation failed":          "请求参数校验失败",
	"request body is required":   "缺少请求体",
	"no such route":              "接口不存在",
	"request body is too large":  "请求体过大",
	"method not allowed":         "不支持该请求方法",
	"request body read timeout":  "读取请求体超时",
	"unable to marshal response": "无法按所需格式返回",
}

func translateDetail(msg string, en bool) string {
	if strings.HasPrefix(msg, "request body is too large") {
		msg = "request body is too large"
	}
	if en {
		return msg
	}
	if zh, ok := detailZh[msg]; ok {
		return zh
	}
	return msg
}

// identifierRe is what a field name in a location may look like.
var identifierRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,63}$`)

// unknownFieldLocation is the location of a property the schema does not
// know: its name when it looks like a field name, else its parent's path
// (the name is the client's own text).
func unknownFieldLocation(loc string) string {
	i := strings.LastIndexByte(loc, '.')
	if i < 0 || identifierRe.MatchString(loc[i+1:]) {
		return loc
	}
	return loc[:i]
}

// decodedFieldRe finds the field in a JSON decoding error of Go's
// ("json: cannot unmarshal number 1e30 into Go struct field .NeedBody.headcount of type int").
var decodedFieldRe = regexp.MustCompile(`Go struct field (\S+) of type`)

// decodedField is the JSON path (".headcount", ".window.start") of the
// field a Go decoding error names: its lower-case segments (Go type names
// of embedded structs are capitalised; the API's JSON names are camelCase).
func decodedField(msg string) (string, bool) {
	m := decodedFieldRe.FindStringSubmatch(msg)
	if m == nil {
		return "", false
	}
	var out strings.Builder
	for _, seg := range strings.Split(m[1], ".") {
		if seg != "" && seg[0] >= 'a' && seg[0] <= 'z' {
			out.WriteString("." + seg)
		}
	}
	return out.String(), out.Len() > 0
}
