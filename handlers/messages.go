package handlers

import (
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2/validation"
)

// The one catalogue of validation messages, in zh-CN and English, keyed by
// a stable code. Huma formats its validation messages from the templates in
// its validation package; at start-up (before any route is registered, as
// Huma precomputes some messages per schema) each template is replaced by
// its code followed by its arguments, so that an answer is looked up by
// code here instead of being recognised in Huma's English. A template's
// arguments come from the schema (a bound, a pattern, the allowed values, a
// property name), never from the submitted value; the entries marked
// noArgs (an e-mail address, a URI, a duration whose parse error would quote
// the value) are answered without them.
type message struct {
	zh, en string // fmt templates over the arguments, in order
	noArgs bool   // the arguments carry the submitted value: never shown
}

// tagged marks a message made from a tagged template: tag, code, then each
// argument after sep.
const (
	tag = "\x1f"
	sep = "\x1e"
)

var catalogue = map[string]message{}

// huma's templates: the variable, its code, and the messages.
var humaTemplates = []struct {
	v    *string
	code string
	args int
	msg  message
}{
	{&validation.MsgUnexpectedProperty, "unexpected_property", 0, message{zh: "不允许的字段", en: "unexpected property"}},
	{&validation.MsgExpectedRFC3339DateTime, "date_time", 0, message{zh: "应为 RFC 3339 日期时间", en: "expected string to be RFC 3339 date-time"}},
	{&validation.MsgExpectedRFC1123DateTime, "rfc1123_date_time", 0, message{zh: "应为 RFC 1123 日期时间", en: "expected string to be RFC 1123 date-time"}},
	{&validation.MsgExpectedRFC3339Date, "date", 0, message{zh: "应为日期（YYYY-MM-DD）", en: "expected string to be RFC 3339 date"}},
	{&validation.MsgExpectedRFC3339Time, "time", 0, message{zh: "应为时间", en: "expected string to be RFC 3339 time"}},
	{&validation.MsgExpectedRFC5322Email, "email", 1, message{zh: "应为电子邮箱地址", en: "expected string to be RFC 5322 email", noArgs: true}},
	{&validation.MsgExpectedRFC5890Hostname, "hostname", 0, message{zh: "应为主机名", en: "expected string to be RFC 5890 hostname"}},
	{&validation.MsgExpectedRFC2673IPv4, "ipv4", 0, message{zh: "应为 IPv4 地址", en: "expected string to be RFC 2673 ipv4"}},
	{&validation.MsgExpectedRFC2373IPv6, "ipv6", 0, message{zh: "应为 IPv6 地址", en: "expected string to be RFC 2373 ipv6"}},
	{&validation.MsgExpectedRFCIPAddr, "ip", 0, message{zh: "应为 IP 地址", en: "expected string to be either RFC 2673 ipv4 or RFC 2373 ipv6"}},
	{&validation.MsgExpectedRFC3986URI, "uri", 1, message{zh: "应为 URI", en: "expected string to be RFC 3986 uri", noArgs: true}},
	{&validation.MsgExpectedRFC4122UUID, "uuid", 1, message{zh: "应为 UUID", en: "expected string to be RFC 4122 uuid", noArgs: true}},
	{&validation.MsgExpectedRFC6570URITemplate, "uri_template", 0, message{zh: "应为 URI 模板", en: "expected string to be RFC 6570 uri-template"}},
	{&validation.MsgExpectedRFC6901JSONPointer, "json_pointer", 0, message{zh: "应为 JSON 指针", en: "expected string to be RFC 6901 json-pointer"}},
	{&validation.MsgExpectedRFC6901RelativeJSONPointer, "relative_json_pointer", 0, message{zh: "应为相对 JSON 指针", en: "expected string to be RFC 6901 relative-json-pointer"}},
	{&validation.MsgExpectedRegexp, "regex", 1, message{zh: "应为正则表达式", en: "expected string to be regex", noArgs: true}},
	{&validation.MsgExpectedMatchAtLeastOneSchema, "any_of", 0, message{zh: "不符合任何一种允许的格式", en: "expected value to match at least one schema but matched none"}},
	{&validation.MsgExpectedMatchExactlyOneSchema, "one_of", 0, message{zh: "应恰好符合一种允许的格式", en: "expected value to match exactly one schema but matched none"}},
	{&validation.MsgExpectedNotMatchSchema, "not", 0, message{zh: "取值不被允许", en: "expected value to not match schema"}},
	{&validation.MsgExpectedPropertyNameInObject, "property_name", 0, message{zh: "对象中缺少所需的字段名", en: "expected propertyName value to be present in object"}},
	{&validation.MsgExpectedBoolean, "boolean", 0, message{zh: "应为布尔值", en: "expected boolean"}},
	{&validation.MsgExpectedDuration, "duration", 1, message{zh: "应为时长", en: "expected duration", noArgs: true}},
	{&validation.MsgExpectedNumber, "number", 0, message{zh: "应为数字", en: "expected number"}},
	{&validation.MsgExpectedInteger, "integer", 0, message{zh: "应为整数", en: "expected integer"}},
	{&validation.MsgExpectedString, "string", 0, message{zh: "应为字符串", en: "expected string"}},
	{&validation.MsgExpectedBase64String, "base64", 0, message{zh: "应为 Base64 编码的字符串", en: "expected string to be base64 encoded"}},
	{&validation.MsgExpectedArray, "array", 0, message{zh: "应为数组", en: "expected array"}},
	{&validation.MsgExpectedObject, "object", 0, message{zh: "应为对象", en: "expected object"}},
	{&validation.MsgExpectedArrayItemsUnique, "unique_items", 0, message{zh: "数组元素不能重复", en: "expected array items to be unique"}},
	{&validation.MsgExpectedOneOf, "enum", 1, message{zh: "取值应为以下之一：\"%s\"", en: "expected value to be one of \"%s\""}},
	{&validation.MsgExpectedMinimumNumber, "minimum", 1, message{zh: "应 >= %s", en: "expected number >= %s"}},
	{&validation.MsgExpectedExclusiveMinimumNumber, "exclusive_minimum", 1, message{zh: "应 > %s", en: "expected number > %s"}},
	{&validation.MsgExpectedMaximumNumber, "maximum", 1, message{zh: "应 <= %s", en: "expected number <= %s"}},
	{&validation.MsgExpectedExclusiveMaximumNumber, "exclusive_maximum", 1, message{zh: "应 < %s", en: "expected number < %s"}},
	{&validation.MsgExpectedNumberBeMultipleOf, "multiple_of", 1, message{zh: "应为 %s 的倍数", en: "expected number to be a multiple of %s"}},
	{&validation.MsgExpectedMinLength, "min_length", 1, message{zh: "长度应 >= %s", en: "expected length >= %s"}},
	{&validation.MsgExpectedMaxLength, "max_length", 1, message{zh: "长度应 <= %s", en: "expected length <= %s"}},
	{&validation.MsgExpectedBePattern, "pattern_described", 1, message{zh: "格式不正确，应为%s", en: "expected string to be %s"}},
	{&validation.MsgExpectedMatchPattern, "pattern", 1, message{zh: "格式不正确（应匹配 %s）", en: "expected string to match pattern %s"}},
	{&validation.MsgExpectedMinItems, "min_items", 1, message{zh: "数组长度应 >= %s", en: "expected array length >= %s"}},
	{&validation.MsgExpectedMaxItems, "max_items", 1, message{zh: "数组长度应 <= %s", en: "expected array length <= %s"}},
	{&validation.MsgExpectedMinProperties, "min_properties", 1, message{zh: "字段数应 >= %s", en: "expected object with at least %s properties"}},
	{&validation.MsgExpectedMaxProperties, "max_properties", 1, message{zh: "字段数应 <= %s", en: "expected object with at most %s properties"}},
	{&validation.MsgExpectedRequiredProperty, "required", 1, message{zh: "缺少必填字段 %s", en: "expected required property %s to be present"}},
	{&validation.MsgExpectedDependentRequiredProperty, "dependent_required", 2, message{zh: "有字段 %[2]s 时须有字段 %[1]s", en: "expected property %s to be present when %s is present"}},
}

// Huma's parameter messages that are plain strings, not templates.
var plainMessages = map[string]message{
	"invalid integer":         {zh: "应为整数", en: "invalid integer"},
	"invalid float":           {zh: "应为数字", en: "invalid float"},
	"invalid floating value":  {zh: "应为数字", en: "invalid floating value"},
	"invalid boolean":         {zh: "应为布尔值", en: "invalid boolean"},
	"unknown query parameter": {zh: "未知的查询参数", en: "unknown query parameter"},
	"unparsable value":        {zh: "无法解析的值", en: "unparsable value"},
	"unsupported type":        {zh: "不支持的取值类型", en: "unsupported type"},
	"expected at most one value, but received multiple values": {zh: "只能有一个值", en: "expected at most one value, but received multiple values"},
}

// genericMessage answers anything the catalogue does not know.
var genericMessage = message{zh: "取值类型不符或超出范围", en: "the value has the wrong type or is out of range"}

func init() {
	for _, t := range humaTemplates {
		*t.v = tag + t.code + strings.Repeat(sep+"%v", t.args)
		catalogue[t.code] = t.msg
	}
}

// parseTagged splits a message made from a tagged template into its code
// and arguments.
func parseTagged(msg string) (code string, args []string, ok bool) {
	rest, ok := strings.CutPrefix(msg, tag)
	if !ok {
		return "", nil, false
	}
	parts := strings.Split(rest, sep)
	return parts[0], parts[1:], true
}

// safeMessage answers a validation message of Huma's in the client's
// language, from the catalogue. Anything else Huma or a decoder may say (a
// Go error naming a struct, a type or the value, a parse error quoting the
// input) never reaches the client: it gets the generic text.
func safeMessage(msg string, en bool) string {
	if m, ok := plainMessages[msg]; ok {
		return pick(en, m.zh, m.en)
	}
	if where, ok := strings.CutPrefix(msg, "required "); ok {
		if where, ok = strings.CutSuffix(where, " parameter is missing"); ok && isParamLocation(where) {
			return pick(en, "缺少必需的"+where+"参数", msg)
		}
	}
	if format, ok := strings.CutPrefix(msg, "invalid date/time for format "); ok && !strings.ContainsAny(format, " \"") {
		return pick(en, "日期时间格式不正确（应为 "+format+"）", msg)
	}
	code, args, ok := parseTagged(msg)
	m, known := catalogue[code]
	if !ok || !known {
		return pick(en, genericMessage.zh, genericMessage.en)
	}
	if m.noArgs {
		return pick(en, m.zh, m.en)
	}
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a
	}
	return fmt.Sprintf(pick(en, m.zh, m.en), vals...)
}

func isParamLocation(s string) bool {
	return s == "query" || s == "path" || s == "header" || s == "cookie"
}

// missingProperty is the property a "required property" message names.
func missingProperty(msg string) (string, bool) {
	code, args, ok := parseTagged(msg)
	if !ok || code != "required" || len(args) != 1 {
		return "", false
	}
	return args[0], true
}
