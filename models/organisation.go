package models

import (
	"strconv"
	"strings"
	"time"
)

// OrgStatus is where an organisation stands with civil affairs.
type OrgStatus string

const (
	OrgIncubating    OrgStatus = "incubating"
	OrgActive        OrgStatus = "active"
	OrgDemonstration OrgStatus = "demonstration"
	OrgWarned        OrgStatus = "warned"
	OrgSuspended     OrgStatus = "suspended"
	OrgExited        OrgStatus = "exited"
)

// orgMoves is the organisation status machine: incubating → active →
// demonstration; warnings and suspensions come back to active when put
// right; exit is final.
var orgMoves = map[OrgStatus][]OrgStatus{
	OrgIncubating:    {OrgActive, OrgExited},
	OrgActive:        {OrgDemonstration, OrgWarned, OrgSuspended, OrgExited},
	OrgDemonstration: {OrgActive, OrgWarned, OrgSuspended, OrgExited},
	OrgWarned:        {OrgActive, OrgSuspended, OrgExited},
	OrgSuspended:     {OrgActive, OrgExited},
	OrgExited:        nil,
}

// KindSocialWorkAgency is the organisation kind of social-work service
// agencies (社会工作服务机构): the only kind that may be a demonstration
// organisation.
const KindSocialWorkAgency = "social_work_agency"

// CanMove reports whether the status machine allows from → to.
func (from OrgStatus) CanMove(to OrgStatus) bool {
	for _, s := range orgMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Operating reports whether the organisation may take on work.
func (s OrgStatus) Operating() bool {
	return s == OrgActive || s == OrgDemonstration || s == OrgWarned
}

// CharityRecognition is 慈善组织认定: a flag and the date it was granted.
type CharityRecognition struct {
	Recognised   bool
	RecognisedOn string // YYYY-MM-DD
}

// Organisation is a social-work agency, community social organisation,
// charity, volunteer organisation, evaluation institution or a service
// facility that employs social workers.
type Organisation struct {
	ID              string
	Name            string
	Kind            string // organisation_kinds vocabulary
	CreditCode      string // 统一社会信用代码
	Domains         []string
	DivisionCode    string   // where it is registered: the county or township of civil affairs that oversees it
	DivisionsServed []string // any level
	Beds            int      // elder_care_facility only: for the 1 social worker per 100 beds rule
	Status          OrgStatus
	StatusSeq       int // number of status changes so far; the next one claims StatusSeq+1
	ExitReason      string
	Charity         CharityRecognition
	ContactName     string
	ContactPhone    string
	Description     string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	CreatedBy       string
}

// Validate checks every field that does not need the store.
func (o *Organisation) Validate() error {
	var p Problems
	if n := len([]rune(strings.TrimSpace(o.Name))); n < 2 || n > 100 {
		p.Add("name", "机构名称须为 2–100 个字符", "name must be 2–100 characters")
	}
	if !OrganisationKinds.Has(o.Kind) {
		p.Add("kind", "未知的机构类型", "unknown organisation kind")
	}
	collectErr(&p, ValidateCreditCode("creditCode", o.CreditCode))
	validateCodes(&p, "domains", o.Domains, Domains, true)
	if err := ValidateDivision("divisionCode", o.DivisionCode, ""); err != nil {
		collectErr(&p, err)
	} else if d, _ := LookupDivision(o.DivisionCode); d.Level != LevelCounty && d.Level != LevelTown && d.Level != LevelCity {
		p.Add("divisionCode", "登记地须为市、县（区）或乡镇（街道）", "registration division must be the city, a county or a township")
	}
	for i, c := range o.DivisionsServed {
		if _, ok := LookupDivision(c); !ok {
			p.Add(indexed("divisionsServed", i), "未知的行政区划代码", "unknown division code")
		}
	}
	if o.Kind == "elder_care_facility" {
		if o.Beds < 1 || o.Beds > 100000 {
			p.Add("beds", "养老机构须填写床位数（1–100000）", "an elder-care facility needs its bed count (1–100000)")
		}
	} else if o.Beds != 0 {
		p.Add("beds", "只有养老机构填写床位数", "only elder-care facilities have beds")
	}
	if o.ContactPhone != "" {
		collectErr(&p, ValidatePhone("contactPhone", o.ContactPhone))
	}
	if len([]rune(o.Description)) > 2000 {
		p.Add("description", "简介不超过 2000 字", "description must be at most 2000 characters")
	}
	return p.Err()
}

// RequiredSocialWorkers is the elder-care staffing rule: one social worker
// per 100 beds, rounded up (a facility with any beds needs at least one).
func RequiredSocialWorkers(beds int) int {
	if beds <= 0 {
		return 0
	}
	return (beds + 99) / 100
}

// ComplaintStatus is the handling state of a complaint or report.
type ComplaintStatus string

const (
	ComplaintReceived      ComplaintStatus = "received"
	ComplaintInvestigating ComplaintStatus = "investigating"
	ComplaintUpheld        ComplaintStatus = "upheld"
	ComplaintDismissed     ComplaintStatus = "dismissed"
)

var complaintMoves = map[ComplaintStatus][]ComplaintStatus{
	ComplaintReceived:      {ComplaintInvestigating, ComplaintDismissed},
	ComplaintInvestigating: {ComplaintUpheld, ComplaintDismissed},
}

// CanMove reports whether a complaint may go from → to.
func (from ComplaintStatus) CanMove(to ComplaintStatus) bool {
	for _, s := range complaintMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Complaint is a complaint or report (投诉举报) against an organisation.
type Complaint struct {
	ID             string
	OrganisationID string
	DivisionCode   string // the organisation's, for civil affairs' scope
	FiledBy        string // account id; never shown to the organisation
	Category       string // complaint_categories vocabulary
	Content        string
	Status         ComplaintStatus
	StatusSeq      int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Transition is one recorded change of an object's state: who, when, why.
// Its key (object kind, id, sequence number) is unique, so two concurrent
// changes of one object cannot both be recorded.
type Transition struct {
	Object string // e.g. "organisation:<id>"
	Seq    int
	From   string
	To     string
	By     string
	At     time.Time
	Reason string
	Note   string
}

func collectErr(p *Problems, err error) {
	if e, ok := err.(*Error); ok && e != nil {
		*p = append(*p, e.Fields...)
	}
}

func indexed(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// validateCodes checks a list of vocabulary codes: known, unique, and
// non-empty when required.
func validateCodes(p *Problems, field string, codes []string, v Vocabulary, required bool) {
	if required && len(codes) == 0 {
		p.Add(field, "至少选择一项", "choose at least one")
	}
	seen := map[string]bool{}
	for i, c := range codes {
		switch {
		case !v.Has(c):
			p.Add(indexed(field, i), "未知的代码（见 /v1/meta/vocabularies 的 "+v.Name+"）", "unknown code (see "+v.Name+" in /v1/meta/vocabularies)")
		case seen[c]:
			p.Add(indexed(field, i), "重复的代码", "duplicate code")
		}
		seen[c] = true
	}
}

// AuditEntry records a privileged action or a read of someone's personal
// data: who, what, when, and why. Entries are only ever appended.
type AuditEntry struct {
	ID           string
	At           time.Time
	ActorID      string
	Action       string // e.g. "personal_data.read", "organisation.status"
	Object       string // e.g. "volunteer:<id>"
	DivisionCode string // whose civil affairs may read the entry
	Reason       string
}

// Member is a person who works for an organisation: an administrator or
// an employed social worker.
type Member struct {
	OrganisationID string
	AccountID      string
	Role           Role
	Name           string
	Phone          string
	AddedAt        time.Time
	AddedBy        string
}
