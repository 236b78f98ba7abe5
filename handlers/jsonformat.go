package handlers

import (
	"encoding/json"
	"io"
	"time"

	"github.com/danielgtaylor/huma/v2"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/wushe/wushe/models"
)

// jsonFormat is the API's JSON: encoding/json's semantics (the v1 options
// of the v2 encoder, so omitempty, nil slices and map order are as before)
// with one change that makes the time convention hold everywhere without a
// per-field type: every instant is written as RFC 3339 in UTC with exactly
// three fractional digits ("2026-12-04T01:00:00.000Z", models.FormatInstant),
// whatever zone or precision the value carried. Decoding is encoding/json's
// (any RFC 3339 offset is accepted on input).
var jsonFormat = huma.Format{
	Marshal: func(w io.Writer, v any) error {
		if err := jsonv2.MarshalWrite(w, v, jsonOptions); err != nil {
			return err
		}
		_, err := w.Write([]byte{'\n'})
		return err
	},
	Unmarshal: json.Unmarshal,
}

var jsonOptions = jsonv2.JoinOptions(
	jsonv1.DefaultOptionsV1(),
	jsontext.EscapeForHTML(false), // as Huma's encoder: "<" stays "<" in a JSON body
	jsonv2.WithMarshalers(jsonv2.MarshalToFunc(func(enc *jsontext.Encoder, t time.Time) error {
		return enc.WriteToken(jsontext.String(models.FormatInstant(t)))
	})),
)

// marshalAPI encodes v exactly as a response body is encoded (for bodies
// built outside Huma, such as the signed statement embedded in a page).
func marshalAPI(v any) ([]byte, error) { return jsonv2.Marshal(v, jsonOptions) }

// weekdayName documents models.Weekday: the day's name, as the keys of
// the weekly availability grid.
type weekdayName string

// Schema is an enum of the names, Monday first.
func (weekdayName) Schema(huma.Registry) *huma.Schema {
	enum := make([]any, 0, 7)
	for _, n := range models.WeekdayNames() {
		enum = append(enum, n)
	}
	return &huma.Schema{Type: huma.TypeString, Enum: enum,
		Description: "星期，与每周可服务时段的键相同 A weekday, as the keys of weekly availability: mon … sun"}
}
