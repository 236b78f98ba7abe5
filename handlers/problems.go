package handlers

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wushe/wushe/models"
)

// problemCode is one entry of the catalogue of problem codes.
type problemCode struct {
	Code   models.Code
	Status int
	Title  [2]string // short title, zh-CN and English: the problem's `title`
	About  [2]string // what it means and what a client does about it
}

// problemCodes is the one list of problem codes: every problem the API
// answers carries one of them as `code`, and `/problems/<code>` as `type`.
// docs/errors.md lists the same codes (a test holds them together).
var problemCodes = []problemCode{
	// The request itself.
	{"body-not-json", 400, [2]string{"请求体不是 JSON", "Body is not JSON"},
		[2]string{"请求体不是有效的 JSON 文档。修正请求体后重发。", "The request body is not a valid JSON document. Fix the body and send it again."}},
	{"body-required", 400, [2]string{"缺少请求体", "Body required"},
		[2]string{"该接口需要 JSON 请求体，请求中没有。", "The operation takes a JSON body and the request had none."}},
	{"bad-request", 400, [2]string{"请求格式错误", "Bad request"},
		[2]string{"请求在 HTTP 层面无法解析。", "The request cannot be parsed at the HTTP level."}},
	{"unknown-route", 404, [2]string{"接口不存在", "Unknown route"},
		[2]string{"没有这个路径的接口；/openapi.json 列出全部接口。", "No operation has this path; /openapi.json lists every operation."}},
	{"method-not-allowed", 405, [2]string{"不支持该请求方法", "Method not allowed"},
		[2]string{"该路径存在，但不接受这个 HTTP 方法。", "The path exists but does not take this HTTP method."}},
	{"not-acceptable", 406, [2]string{"无法提供所需格式", "Not acceptable"},
		[2]string{"无法以 Accept 头要求的格式作答；请接受 application/json。", "The answer cannot be given in the format the Accept header asks for; accept application/json."}},
	{"request-timeout", 408, [2]string{"请求超时", "Request timeout"},
		[2]string{"请求体未能及时读完。", "The request body was not read in time."}},
	{"body-too-large", 413, [2]string{"请求体过大", "Body too large"},
		[2]string{"请求体超过该接口允许的大小。", "The request body is larger than the operation allows."}},
	{"unsupported-media-type", 415, [2]string{"不支持的内容类型", "Unsupported media type"},
		[2]string{"请求体须以 Content-Type: application/json 发送。", "Send the body with Content-Type: application/json."}},
	{"validation-failed", 422, [2]string{"请求参数校验失败", "Validation failed"},
		[2]string{"一个或多个参数不合规则；errors 列出每个参数的位置（body.、query.、path.、header.）和原因。", "One or more inputs break a rule; errors lists each input's location (body., query., path., header.) and why."}},

	// The kinds of domain errors: a problem without a more specific code.
	{models.CodeInvalid, 422, [2]string{"请求无效", "Invalid request"},
		[2]string{"请求违反了业务规则；detail 说明是哪条。", "The request breaks a rule of the domain; detail says which."}},
	{models.CodeUnauthorized, 401, [2]string{"未认证", "Unauthorized"},
		[2]string{"需要有效的登录凭证。", "Valid credentials are needed."}},
	{models.CodeForbidden, 403, [2]string{"禁止访问", "Forbidden"},
		[2]string{"已登录，但无权对该对象执行此操作。", "Signed in, but not allowed to do this to this object."}},
	{models.CodeNotFound, 404, [2]string{"未找到", "Not found"},
		[2]string{"对象不存在，或调用者无权知道它存在。", "The object does not exist, or the caller may not know that it does."}},
	{models.CodeConflict, 409, [2]string{"冲突", "Conflict"},
		[2]string{"对象已存在，或其当前状态不允许该操作；detail 说明原因。", "The object exists already, or its state forbids the change; detail says why."}},
	{models.CodeRateLimited, 429, [2]string{"请求过于频繁", "Too many requests"},
		[2]string{"尝试次数过多；Retry-After 头给出等待的秒数。", "Too many attempts; the Retry-After header gives the seconds to wait."}},
	{models.CodeInternal, 500, [2]string{"服务器内部错误", "Internal error"},
		[2]string{"服务出错，已记录日志（附请求编号 X-Request-Id）；请稍后再试。", "The service failed and logged it with the request id (X-Request-Id); try again later."}},
	{models.CodeUnavailable, 503, [2]string{"服务暂不可用", "Service unavailable"},
		[2]string{"所依赖的存储暂不可用；按 Retry-After 头等待后重试，什么都没有改变。", "A store the service depends on is down; nothing changed: retry after the Retry-After header's seconds."}},

	// Accounts and tokens.
	{models.CodePhoneRegistered, 409, [2]string{"手机号已注册", "Phone already registered"},
		[2]string{"已有账号使用该手机号；请登录或找回密码。", "An account has this phone number; log in or reset the password."}},
	{models.CodeLoginFailed, 401, [2]string{"登录失败", "Login failed"},
		[2]string{"手机号或密码错误（不说明是哪一个）；多次失败后会被限流。", "The phone number or the password is wrong (which one is not said); repeated failures are rate-limited."}},
	{models.CodeTokenMissing, 401, [2]string{"缺少访问令牌", "Access token missing"},
		[2]string{"该接口需要 Authorization: Bearer <访问令牌>。", "The operation needs Authorization: Bearer <access token>."}},
	{models.CodeTokenInvalid, 401, [2]string{"访问令牌无效", "Access token invalid"},
		[2]string{"访问令牌无效、已过期或所属登录已退出；用刷新令牌换新的访问令牌，仍失败则重新登录。", "The access token is invalid, expired or its login has ended; get a new one with the refresh token, and log in again if that fails."}},
	{models.CodeRefreshTokenInvalid, 401, [2]string{"刷新令牌无效", "Refresh token invalid"},
		[2]string{"刷新令牌无效、已用过或已被撤销（重复使用会撤销整个登录）；请重新登录。", "The refresh token is invalid, used already or revoked (a reused one revokes the whole login); log in again."}},
	{models.CodeAccountDeactivated, 403, [2]string{"账号已停用", "Account deactivated"},
		[2]string{"该账号已被民政部门停用，不能登录。", "Civil affairs has deactivated the account; it cannot log in."}},
	{models.CodeNotAVolunteer, 403, [2]string{"不是志愿者", "Not a volunteer"},
		[2]string{"该操作只对持有志愿者角色的账号开放。", "Only an account holding the volunteer role may do this."}},
	{models.CodeNotASocialWorker, 403, [2]string{"不是社会工作者", "Not a social worker"},
		[2]string{"该操作只对机构聘用的社会工作者开放。", "Only a social worker employed by an organisation may do this."}},
	{models.CodeIDNumberConflict, 409, [2]string{"身份证号冲突", "ID number conflict"},
		[2]string{"另一账号已登记该身份证号；已报民政部门核查，核查前不能认证。", "Another account holds this ID number; civil affairs has been told, and the profile cannot be verified meanwhile."}},

	// Concurrency and retries.
	{models.CodeObjectBusy, 503, [2]string{"对象繁忙", "Object busy"},
		[2]string{"该对象正被另一请求修改；什么都没有改变，按 Retry-After 等待后原样重发。", "Another request is changing the object; nothing changed: send the same request again after Retry-After."}},
	{models.CodeRequestInProgress, 409, [2]string{"请求正在处理", "Request in progress"},
		[2]string{"同一请求（同一幂等键）正在处理；稍后再查看结果或重发。", "The same request (the same Idempotency-Key) is being handled; look at the result or send it again shortly."}},
	{models.CodeIdempotencyKeyReuse, 409, [2]string{"幂等键已用于其他操作", "Idempotency key reused"},
		[2]string{"该 Idempotency-Key 已用于另一笔不同的操作；新操作请用新键。", "This Idempotency-Key was used for a different operation; use a new key for a new operation."}},
	{models.CodeStaleState, 409, [2]string{"状态已过期", "Stale state"},
		[2]string{"对象在读取之后已被他人修改；重新读取后再决定。", "Someone changed the object since it was read; read it again and decide again."}},

	// Places and decisions.
	{models.CodeNoPlacesLeft, 409, [2]string{"名额已满", "No places left"},
		[2]string{"该场次的名额已全部被占用。", "Every place of the occurrence is taken."}},
	{models.CodeAlreadyPlaced, 409, [2]string{"已在方案中", "Already placed"},
		[2]string{"该志愿者已在此场次中占有名额。", "The volunteer holds a place in this occurrence already."}},
	{models.CodeScheduleOverlap, 409, [2]string{"时间冲突", "Schedule overlap"},
		[2]string{"该志愿者在重叠的时间已有其他服务。", "The volunteer is committed elsewhere at an overlapping time."}},
	{models.CodeAlreadyDecided, 409, [2]string{"已有决定", "Already decided"},
		[2]string{"该记录已被核实、驳回、确认或答复（服务时长、培训、督导、申请、里程碑、督导邀请），决定不能再改。", "The record was verified, rejected, confirmed or answered already (hours, training, supervision, an application, a milestone, a supervisor's answer); a decision is final."}},
	{models.CodeInsufficientFunds, 409, [2]string{"资金余额不足", "Insufficient funds"},
		[2]string{"资金（或大赛奖金池）的可用余额不足以支付该金额。", "The fund's (or the prize pool's) available money cannot cover the amount."}},
	{models.CodeConflictOfInterest, 409, [2]string{"利益冲突", "Conflict of interest"},
		[2]string{"资金管理者不能批准给本机构的资助；拒绝已记入审计日志。", "A fund's manager cannot grant money to their own organisation; the refusal is in the audit log."}},
	{models.CodeEvaluationRequired, 409, [2]string{"须先完成绩效评估", "Evaluation required"},
		[2]string{"政府购买服务项目的尾款须待受委托评估机构完成绩效评估后拨付。", "A government-purchased project's final tranche is paid after the engaged institution's performance evaluation."}},
	{models.CodeOrganisationNotOperating, 409, [2]string{"机构未在运营", "Organisation not operating"},
		[2]string{"停业或已退出的机构不能认定为示范机构。", "A suspended or exited organisation cannot be made a demonstration organisation."}},
	{models.CodeValidEvaluationRequired, 409, [2]string{"须有有效的综合评估", "Valid evaluation required"},
		[2]string{"示范机构须持有有效期内、3A 级及以上的最新综合评估；detail 说明是没有、已过期还是等级不够。", "A demonstration organisation holds a latest comprehensive evaluation of 3A or above that has not expired; detail says whether it has none, it expired, or the grade is too low."}},
	{models.CodePostTaken, 409, [2]string{"岗位已被占用", "Post taken"},
		[2]string{"该岗位已有在任者或待接受的聘任；先空出岗位再聘任。", "The post has a holder or a pending offer; vacate it before offering it again."}},
	{models.CodeHoldsAnotherPost, 409, [2]string{"已在任其他岗位", "Holds another post"},
		[2]string{"该社工已在任或已获聘另一专业岗位；一人同时只担任一个岗位。", "The social worker holds or is offered another professional post; a person holds one post at a time."}},
	{models.CodeInvitationClosed, 409, [2]string{"邀请已关闭", "Invitation closed"},
		[2]string{"邀请已过期、已答复或已失效。", "The invitation or offer has expired, was answered, or no longer stands."}},
}

var problemByCode = func() map[models.Code]problemCode {
	m := make(map[models.Code]problemCode, len(problemCodes))
	for _, c := range problemCodes {
		m[c.Code] = c
	}
	return m
}()

// codeOfStatus is the code of a problem that no domain error explains.
var codeOfStatus = map[int]models.Code{
	400: "bad-request", 401: models.CodeUnauthorized, 403: models.CodeForbidden, 404: models.CodeNotFound,
	405: "method-not-allowed", 406: "not-acceptable", 408: "request-timeout", 409: models.CodeConflict,
	413: "body-too-large", 415: "unsupported-media-type", 422: "validation-failed", 429: models.CodeRateLimited,
	500: models.CodeInternal, 503: models.CodeUnavailable,
}

// problemType is the `type` URI of code: relative, served by GET /problems/{code}.
func problemType(code models.Code) string { return "/problems/" + string(code) }

// ErrorModel is every problem+json answer (RFC 9457): Huma's model with a
// stable `code`, and a `type` that is never about:blank.
type ErrorModel struct {
	Type     string         `json:"type" format:"uri-reference" example:"/problems/phone-registered" doc:"问题类型的说明地址（相对 URI，GET 可读）A URI reference to this problem type's description (relative; GET it)"`
	Code     models.Code    `json:"code" example:"phone-registered" doc:"稳定的问题代码，客户端据此区分问题，不要匹配文字 The stable problem code: branch on it, never on the text. Every code: /problems"`
	Title    string         `json:"title" example:"手机号已注册" doc:"问题类型的简短标题（随 Accept-Language）A short title of the problem type, in the client's language"`
	Status   int            `json:"status" example:"409" doc:"HTTP 状态码 HTTP status code"`
	Detail   string         `json:"detail,omitempty" example:"该手机号已注册" doc:"本次问题的具体说明 What went wrong in this occurrence"`
	Instance string         `json:"instance,omitempty" format:"uri-reference" doc:"本次问题的 URI A URI reference that identifies this occurrence"`
	Errors   []*ErrorDetail `json:"errors,omitempty" doc:"逐个字段的问题 The failing inputs, one by one"`
}

// ErrorDetail is one failing input. It never carries the submitted value.
type ErrorDetail struct {
	Message  string `json:"message,omitempty" doc:"原因 Why the input fails"`
	Location string `json:"location,omitempty" doc:"位置：body.、query.、path. 或 header. 开头 Where: body.items[3].tags, query.limit, path.id, header.Content-Type"`
}

func (e *ErrorModel) Error() string  { return e.Detail }
func (e *ErrorModel) GetStatus() int { return e.Status }

// ContentType makes problems application/problem+json.
func (e *ErrorModel) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// TransformSchema documents `code` as the enumeration of every code, so
// generated clients type it.
func (e *ErrorModel) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	return enumerateCodes(s)
}

// enumerateCodes makes the schema's `code` property the enumeration of
// every problem code.
func enumerateCodes(s *huma.Schema) *huma.Schema {
	if c := s.Properties["code"]; c != nil {
		c.Enum = nil
		for _, p := range problemCodes {
			c.Enum = append(c.Enum, string(p.Code))
		}
	}
	return s
}

// ProblemDescription describes one problem code.
type ProblemDescription struct {
	Code        models.Code `json:"code" doc:"问题代码 The problem code"`
	Type        string      `json:"type" doc:"问题类型 URI The problem type URI"`
	Status      int         `json:"status" doc:"HTTP 状态码 Its HTTP status"`
	Title       string      `json:"title" doc:"标题 Its title"`
	Description string      `json:"description" doc:"含义与处理方式 What it means and what a client does"`
}

// TransformSchema documents `code` as the enumeration of every code.
func (ProblemDescription) TransformSchema(_ huma.Registry, s *huma.Schema) *huma.Schema {
	return enumerateCodes(s)
}

func describeProblem(c problemCode, en bool) ProblemDescription {
	return ProblemDescription{Code: c.Code, Type: problemType(c.Code), Status: c.Status,
		Title: pick(en, c.Title[0], c.Title[1]), Description: pick(en, c.About[0], c.About[1])}
}

type problemCodesOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         struct {
		Problems []ProblemDescription `json:"problems"`
	}
}

type problemCodeOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         ProblemDescription
}

// registerProblems serves the description of every problem code, so each
// problem's `type` resolves.
func registerProblems(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "problem-codes", Method: http.MethodGet, Path: "/problems", Tags: []string{"meta"},
		Summary: "全部问题代码及其含义 Every problem code, its status and meaning",
	}, func(ctx context.Context, _ *struct{}) (*problemCodesOutput, error) {
		out := &problemCodesOutput{CacheControl: "public, max-age=3600"}
		for _, c := range problemCodes {
			out.Body.Problems = append(out.Body.Problems, describeProblem(c, englishFrom(ctx)))
		}
		return out, nil
	})
	huma.Register(api, huma.Operation{
		OperationID: "problem-code", Method: http.MethodGet, Path: "/problems/{code}", Tags: []string{"meta"},
		Summary:     "一个问题代码的含义（问题的 type 指向这里）What one problem code means (a problem's type points here)",
		Description: "JSON, in the language of Accept-Language (zh-CN by default).",
		Errors:      []int{404},
	}, func(ctx context.Context, in *struct {
		Code string `path:"code" maxLength:"64" doc:"问题代码 The problem code"`
	}) (*problemCodeOutput, error) {
		c, ok := problemByCode[models.Code(in.Code)]
		if !ok {
			return nil, models.E(models.KindNotFound, "没有这个问题代码", "no such problem code")
		}
		return &problemCodeOutput{CacheControl: "public, max-age=3600", Body: describeProblem(c, englishFrom(ctx))}, nil
	})
}
