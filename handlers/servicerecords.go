package handlers

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"html/template"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service"
	"github.com/wushe/wushe/service/records"
)

// statementJSON is a statement's canonical JSON, written as it is (not
// re-encoded), documented as a ServiceStatement.
type statementJSON json.RawMessage

// MarshalJSON writes the bytes unchanged.
func (s statementJSON) MarshalJSON() ([]byte, error) { return json.RawMessage(s).MarshalJSON() }

// Schema documents the statement's shape.
func (statementJSON) Schema(r huma.Registry) *huma.Schema {
	return r.Schema(reflect.TypeOf(models.ServiceStatement{}), true, "ServiceStatement")
}

// SignedStatementDTO is a signed statement document: post it unchanged to
// /v1/service-records/verify.
type SignedStatementDTO struct {
	Statement statementJSON `json:"statement" doc:"证明内容（RFC 8785 规范化 JSON）The statement; signed over its RFC 8785 canonical form"`
	KeyID     string        `json:"keyId"`
	Algorithm string        `json:"algorithm" enum:"Ed25519"`
	Signature string        `json:"signature" doc:"Ed25519 签名，base64url 无填充 Ed25519 signature, base64url without padding"`
}

type serviceRecordOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Totals  models.ServiceTotals     `json:"totals" doc:"仅计已核实记录；每场次每人只计最高已核实版本 Verified records only; per occurrence and volunteer only the highest verified version"`
		Records []models.StatementRecord `json:"records"`
		Signed  *SignedStatementDTO      `json:"signedStatement" doc:"签名证明；未配置签名密钥时为空 The signed statement; null when no signing key is configured"`
	}
}

type publicKeyDTO struct {
	KeyID     string `json:"keyId"`
	Algorithm string `json:"algorithm" enum:"Ed25519"`
	PublicKey string `json:"publicKey" doc:"32 字节公钥，base64url 无填充 The 32-byte public key, base64url without padding"`
}

type publicKeysOutput struct {
	Body struct {
		Keys []publicKeyDTO `json:"keys"`
	}
}

type verifyStatementInput struct {
	RawBody []byte `contentType:"application/json" doc:"签名证明文档 {statement, keyId, algorithm, signature}"`
}

type verifyStatementOutput struct {
	Body struct {
		Valid     bool                     `json:"valid"`
		Statement *models.ServiceStatement `json:"statement"`
	}
}

type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

type exportInput struct {
	Community    string `query:"community" pattern:"^[0-9]{12}$" doc:"社区代码（社区或民政）；与 organisation 须且只能给出其一 Community code (committee or civil affairs); exactly one of community and organisation is required"`
	Organisation string `query:"organisation" maxLength:"64" doc:"机构编号（机构管理员）；与 community 须且只能给出其一 Organisation id (org_admin); exactly one of community and organisation is required"`
}

// withContent documents a 200 answer of the given media type.
func withContent(o huma.Operation, contentType, desc string) huma.Operation {
	o.Responses = map[string]*huma.Response{"200": {Description: desc,
		Content: map[string]*huma.MediaType{contentType: {Schema: &huma.Schema{Type: "string"}}}}}
	return o
}

func signedDTO(s *models.SignedStatement) *SignedStatementDTO {
	if s == nil {
		return nil
	}
	return &SignedStatementDTO{Statement: statementJSON(s.Statement), KeyID: s.KeyID, Algorithm: s.Algorithm, Signature: s.Signature}
}

func registerServiceRecords(api huma.API, svc *service.Service) {
	const tag = "service-records"
	huma.Register(api, op("my-service-record", http.MethodGet, "/v1/me/service-record", tag,
		"我的志愿服务记录证明（按年度与领域合计，Ed25519 签名）My signed service record: totals by year and domain", true),
		func(ctx context.Context, _ *struct{}) (*serviceRecordOutput, error) {
			rec, err := svc.Records().MyServiceRecord(ctx, actorFrom(ctx))
			if err != nil {
				return nil, err
			}
			out := &serviceRecordOutput{CacheControl: "no-store"}
			out.Body.Totals, out.Body.Records, out.Body.Signed = rec.Statement.Totals, rec.Statement.Records, signedDTO(rec.Signed)
			return out, nil
		})
	huma.Register(api, op("service-record-keys", http.MethodGet, "/v1/service-records/public-key", tag,
		"服务记录证明的签名公钥 Public keys that sign service records", false),
		func(ctx context.Context, _ *struct{}) (*publicKeysOutput, error) {
			out := &publicKeysOutput{}
			out.Body.Keys = []publicKeyDTO{}
			for _, k := range svc.Records().PublicKeys() {
				out.Body.Keys = append(out.Body.Keys, publicKeyDTO{KeyID: k.KeyID, Algorithm: k.Algorithm,
					PublicKey: base64.RawURLEncoding.EncodeToString(k.Key)})
			}
			return out, nil
		})
	verifyOp := op("verify-service-record", http.MethodPost, "/v1/service-records/verify", tag,
		"核验服务记录证明（任何人）Check a signed service record (anyone)", false, 422)
	// The document is parsed strictly by models.ParseSignedStatement, from
	// the bytes as sent; Huma's schema check of a raw body would refuse JSON.
	verifyOp.SkipValidateBody = true
	huma.Register(api, verifyOp,
		func(ctx context.Context, in *verifyStatementInput) (*verifyStatementOutput, error) {
			st, err := svc.Records().VerifyStatement(in.RawBody)
			if err != nil {
				return nil, err
			}
			out := &verifyStatementOutput{}
			out.Body.Valid, out.Body.Statement = true, st
			return out, nil
		})
	// The body is the signed document as GET /v1/me/service-record serves
	// it under `signedStatement`: say so, or a generated client sends a string.
	api.OpenAPI().Paths["/v1/service-records/verify"].Post.RequestBody.Content["application/json"].Schema =
		api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[SignedStatementDTO](), true, "")
	huma.Register(api, withContent(op("my-service-record-html", http.MethodGet, "/v1/me/service-record.html", tag,
		"可打印的服务记录证明（HTML）Printable service record (HTML)", true), "text/html", "可打印的证明 The printable certificate"),
		func(ctx context.Context, _ *struct{}) (*fileOutput, error) {
			rec, err := svc.Records().MyServiceRecord(ctx, actorFrom(ctx))
			if err != nil {
				return nil, err
			}
			page, err := renderServiceRecord(rec)
			if err != nil {
				return nil, err
			}
			return &fileOutput{ContentType: "text/html; charset=utf-8", CacheControl: "no-store", Body: page}, nil
		})
	huma.Register(api, withDescription(withContent(op("export-hours", http.MethodGet, "/v1/hours/export.csv", tag,
		"导出已核实服务时长（CSV，社区/民政/机构）Export verified hours as CSV (committee, civil affairs, organisation)", true, 403, 422),
		"text/csv", "UTF-8（带 BOM）CSV，每条记录一行 UTF-8 CSV with BOM, one row per record"),
		"须且只能给出 community 或 organisation 之一，否则答复 422。 Exactly one of community and organisation is required; none or both is a 422."),
		func(ctx context.Context, in *exportInput) (*fileOutput, error) {
			rows, err := svc.Records().ExportHours(ctx, actorFrom(ctx), in.Community, in.Organisation)
			if err != nil {
				return nil, err
			}
			return csvFile(rows, "verified-hours.csv")
		})
	huma.Register(api, withContent(op("my-hours-export", http.MethodGet, "/v1/me/hours.csv", tag,
		"导出我的已核实服务时长（CSV）Download my verified hours as CSV", true),
		"text/csv", "UTF-8（带 BOM）CSV UTF-8 CSV with BOM"),
		func(ctx context.Context, _ *struct{}) (*fileOutput, error) {
			rows, err := svc.Records().MyHoursExport(ctx, actorFrom(ctx))
			if err != nil {
				return nil, err
			}
			return csvFile(rows, "my-hours.csv")
		})
}

// csvHeader is the header row of hours exports.
var csvHeader = []string{"志愿者身份证号", "姓名", "服务日期", "服务时长", "服务内容", "证明人", "证明单位"}

// csvCell neutralises text a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvFile writes rows as UTF-8 CSV with a BOM (so Excel reads Chinese) and
// CRLF line ends.
func csvFile(rows []records.ExportRow, name string) (*fileOutput, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(csvHeader)
	for _, r := range rows {
		_ = w.Write([]string{csvCell(r.IDNumberMasked), csvCell(r.Name), r.Date, records.FormatHours(r.Hours),
			csvCell(r.Activity), csvCell(r.VerifierName), csvCell(r.VerifierOrganisation)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, models.Internal("write csv: %v", err)
	}
	return &fileOutput{ContentType: "text/csv; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`,
		CacheControl: "no-store", Body: b.Bytes()}, nil
}

var serviceRecordPage = template.Must(template.New("record").Parse(`<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>志愿服务记录证明 - {{.Subject.Name}}</title>
<style>
body{font-family:"PingFang SC","Microsoft YaHei",sans-serif;max-width:60em;margin:2em auto;color:#111}
table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border:1px solid #888;padding:.3em .5em;text-align:left}
.sig{font-family:monospace;word-break:break-all;font-size:.85em}
@media print{body{margin:0}}
</style>
</head>
<body>
<h1>志愿服务记录证明</h1>
<p>志愿者：{{.Subject.Name}}{{if .Subject.IDNumberMasked}}　身份证号：{{.Subject.IDNumberMasked}}{{end}}　账号：{{.Subject.AccountID}}</p>
<p>出具时间：{{.IssuedAt}}</p>
<h2>服务记录</h2>
<table>
<thead><tr><th>服务日期</th><th>服务时长（小时）</th><th>领域</th><th>服务内容</th><th>证明人</th><th>证明单位</th><th>核实时间</th></tr></thead>
<tbody>
{{range .Records}}<tr><td>{{.Date}}</td><td>{{.Hours}}</td><td>{{.Domain}}</td><td>{{.Activity}}</td><td>{{.VerifierName}}</td><td>{{.VerifierOrganisation}}</td><td>{{.VerifiedAt}}</td></tr>
{{else}}<tr><td colspan="7">暂无已核实的服务记录</td></tr>
{{end}}</tbody>
</table>
<h2>合计</h2>
<p>累计服务时长：{{.Total}} 小时</p>
<table>
<thead><tr><th>年度</th><th>时长（小时）</th></tr></thead>
<tbody>{{range .ByYear}}<tr><td>{{.Key}}</td><td>{{.Hours}}</td></tr>{{end}}</tbody>
</table>
<table>
<thead><tr><th>领域</th><th>时长（小时）</th></tr></thead>
<tbody>{{range .ByDomain}}<tr><td>{{.Key}}</td><td>{{.Hours}}</td></tr>{{end}}</tbody>
</table>
<p>仅计已核实的记录；同一场次只计最高的已核实版本。每条记录由核实它的社区或机构证明（谁记录谁证明）。</p>
<h2>电子签名</h2>
{{if .Signed}}<p>签名算法：{{.Signed.Algorithm}}　密钥编号：{{.Signed.KeyID}}</p>
<p>签名：</p><p class="sig">{{.Signed.Signature}}</p>
<p>签名文档：</p><pre class="sig">{{.Document}}</pre>
<p>核验方法：将上面的签名文档原样提交至 POST /v1/service-records/verify，返回 valid 为 true 即证明真实未被篡改；也可用 GET /v1/service-records/public-key 公布的公钥（密钥编号 {{.Signed.KeyID}}），以 Ed25519 核验 statement 的 RFC 8785 规范化 JSON。</p>
{{else}}<p>本服务未配置签名密钥，本页未签名，不能作为证明使用。</p>
{{end}}</body>
</html>
`))

type pageAmount struct {
	Key   string
	Hours string
}

func sortedAmounts(m map[string]float64, label func(string) string) []pageAmount {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]pageAmount, len(keys))
	for i, k := range keys {
		out[i] = pageAmount{Key: label(k), Hours: records.FormatHours(m[k])}
	}
	return out
}

func domainLabel(code string) string {
	if t, ok := models.Domains.Label(code); ok {
		return t.Zh
	}
	if code == models.StatementNoDomain {
		return "未注明"
	}
	return code
}

// renderServiceRecord writes the printable page; every value is escaped by
// html/template.
func renderServiceRecord(rec *records.ServiceRecord) ([]byte, error) {
	sh := time.FixedZone("CST", 8*3600)
	type row struct {
		Date, Hours, Domain, Activity, VerifierName, VerifierOrganisation, VerifiedAt string
	}
	st := rec.Statement
	data := struct {
		Subject          models.StatementSubject
		IssuedAt, Total  string
		Records          []row
		ByYear, ByDomain []pageAmount
		Signed           *models.SignedStatement
		Document         string
	}{Subject: st.Subject, IssuedAt: st.IssuedAt.In(sh).Format("2006-01-02 15:04"), Total: records.FormatHours(st.Totals.Hours),
		ByYear: sortedAmounts(st.Totals.ByYear, func(s string) string { return s }), ByDomain: sortedAmounts(st.Totals.ByDomain, domainLabel),
		Signed: rec.Signed}
	for _, r := range st.Records {
		data.Records = append(data.Records, row{Date: r.Date, Hours: records.FormatHours(r.Hours), Domain: domainLabel(r.Domain),
			Activity: r.Activity, VerifierName: r.VerifierName, VerifierOrganisation: r.VerifierOrganisation,
			VerifiedAt: r.VerifiedAt.In(sh).Format("2006-01-02 15:04")})
	}
	if rec.Signed != nil {
		doc, err := json.Marshal(signedDTO(rec.Signed))
		if err != nil {
			return nil, models.Internal("signed statement: %v", err)
		}
		data.Document = string(doc)
	}
	var b bytes.Buffer
	if err := serviceRecordPage.Execute(&b, data); err != nil {
		return nil, models.Internal("render service record: %v", err)
	}
	return b.Bytes(), nil
}
