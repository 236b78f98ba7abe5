package records

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// The road to the social-work certificate: training records (continuing
// education), the person's pathway (education, employment, exams), exam
// eligibility and CE compliance. Rules: models.CurrentRules and
// models.CurrentCERules (../shared/qualification-rules.md).

// Training categories.
const (
	TrainingCourse      = "course"
	TrainingWorkshop    = "workshop"
	TrainingConference  = "conference"
	TrainingSupervision = "supervision"
	TrainingDegree      = models.TrainingCategoryDegree
	TrainingOnline      = "online"
)

// TrainingCategories is the vocabulary of training categories.
var TrainingCategories = []models.Term{
	{Code: TrainingCourse, Zh: "培训课程", En: "Course"},
	{Code: TrainingWorkshop, Zh: "工作坊", En: "Workshop"},
	{Code: TrainingConference, Zh: "学术会议", En: "Conference"},
	{Code: TrainingSupervision, Zh: "专业督导", En: "Supervision"},
	{Code: TrainingDegree, Zh: "学历学位教育", En: "Degree"},
	{Code: TrainingOnline, Zh: "网络学习", En: "Online learning"},
}

func trainingCategory(code string) bool {
	for _, t := range TrainingCategories {
		if t.Code == code {
			return true
		}
	}
	return false
}

// Verification states of training records and employment proofs.
const (
	ProofPending  = "pending"
	ProofVerified = "verified"
	ProofRejected = "rejected"
)

// TrainingRecord is one piece of continuing education a person entered.
type TrainingRecord struct {
	ID          string
	AccountID   string
	Course      string
	Provider    string
	Category    string
	Hours       float64
	Date        string // YYYY-MM-DD
	EvidenceURL string
	Status      string // pending, verified, rejected
	VerifiedBy  string
	VerifiedAt  *time.Time
	Note        string
	CreatedAt   time.Time
}

// TrainingDecision is the one decision on a training record.
type TrainingDecision struct {
	Verified bool
	By       string
	Note     string
	At       time.Time
}

// EmploymentPeriod is one period of social-work employment with its proof.
type EmploymentPeriod struct {
	Employer      string
	EmployerOrgID string // optional: the organisation on Wushe whose admin may confirm it
	Start, End    string
	Proof         string // pending, verified, rejected
	VerifiedBy    string
	VerifiedAt    *time.Time
	Note          string
}

// ExamAttempt is one sitting of a qualification exam subject.
type ExamAttempt struct {
	Subject string
	Year    int
	Score   float64
	Passed  bool
}

// PersonPathway is what a person has entered about their road to the certificate.
type PersonPathway struct {
	AccountID  string
	Education  []models.Education
	Employment []EmploymentPeriod
	Exams      []ExamAttempt
	UpdatedAt  time.Time
}

// ServiceHoursTotals are a volunteer's verified service hours (the policy's third path).
type ServiceHoursTotals struct {
	Verified   float64
	Supervised float64
}

// PathwayStore keeps pathways and training records.
type PathwayStore interface {
	// EachTraining streams every training record (the dashboard).
	EachTraining(ctx context.Context, fn func(*TrainingRecord) error) error
	// PersonPathway returns models.ErrNotFound when the person has entered nothing.
	PersonPathway(ctx context.Context, accountID string) (*PersonPathway, error)
	// SavePathway creates or replaces a pathway (callers hold "pathway:"+id).
	SavePathway(ctx context.Context, p *PersonPathway) error

	CreateTraining(ctx context.Context, r *TrainingRecord) error
	Training(ctx context.Context, id string) (*TrainingRecord, error)
	UpdateTraining(ctx context.Context, r *TrainingRecord) error
	// ClaimTrainingVerification inserts the one decision on a record:
	// models.ErrConflict when it was decided before.
	ClaimTrainingVerification(ctx context.Context, recordID string, d TrainingDecision) error
	// TrainingVerification returns the recorded decision (models.ErrNotFound when none).
	TrainingVerification(ctx context.Context, recordID string) (*TrainingDecision, error)
	// TrainingOf lists one person's records in id order.
	TrainingOf(ctx context.Context, accountID string, p Page) ([]*TrainingRecord, string, error)
	// AllTrainingOf returns every record of the given people.
	AllTrainingOf(ctx context.Context, accountIDs []string) ([]*TrainingRecord, error)
	// ServiceHours sums a volunteer's verified hours records (latest version of each occurrence).
	ServiceHours(ctx context.Context, volunteerID string) (ServiceHoursTotals, error)
	// SocialWorkerMembers lists the social_worker members of the
	// organisations, in one read.
	SocialWorkerMembers(ctx context.Context, orgIDs ...string) ([]*models.Member, error)
}

// PathwayView is a person's pathway with what the rules make of it.
type PathwayView struct {
	PersonPathway
	Certificates []models.HeldCertificate // verified certificates from the social-worker profile
	Eligibility  []models.Eligibility
	CE           *models.CEReport // this year's continuing education, for a social worker with a certificate
	Hours        ServiceHoursTotals
}

// MyPathway is the caller's pathway, eligibility for the three levels,
// this year's CE report and verified volunteer hours (the third path).
func (s *Service) MyPathway(ctx context.Context, actor *Actor) (*PathwayView, error) {
	if actor == nil {
		return nil, models.ErrUnauthorized
	}
	return s.pathwayView(ctx, actor.AccountID)
}

func (s *Service) pathway(ctx context.Context, id string) (*PersonPathway, error) {
	p, err := s.st.Pathway.PersonPathway(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return &PersonPathway{AccountID: id}, nil
	}
	return p, err
}

func (s *Service) pathwayView(ctx context.Context, id string) (*PathwayView, error) {
	p, err := s.pathway(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	v := &PathwayView{PersonPathway: *p}
	mp := models.Pathway{Education: p.Education, Employment: EmploymentOf(p)}
	w, err := s.st.SocialWorkers.SocialWorker(ctx, id)
	if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	if w != nil && w.Verified() {
		v.Certificates = append(v.Certificates, models.HeldCertificate{Level: w.Certificate.Level, ObtainedOn: w.Certificate.IssuedOn})
	}
	mp.Certificates = v.Certificates
	v.Eligibility = models.EvaluateEligibility(mp, models.CurrentRules, now)
	if w != nil && w.Certificate != nil {
		recs, err := s.st.Pathway.AllTrainingOf(ctx, []string{id})
		if err != nil {
			return nil, err
		}
		rep := CEReport(w, recs, now.In(models.Shanghai()).Year())
		v.CE = &rep
	}
	if v.Hours, err = s.st.Pathway.ServiceHours(ctx, id); err != nil {
		return nil, err
	}
	return v, nil
}

// EmploymentOf is the pathway's employment as the rules read it: verified
// when the employer's proof was.
func EmploymentOf(p *PersonPathway) []models.Employment {
	out := make([]models.Employment, 0, len(p.Employment))
	for _, e := range p.Employment {
		out = append(out, models.Employment{Employer: e.Employer, Start: e.Start, End: e.End, Verified: e.Proof == ProofVerified})
	}
	return out
}

// CEReport is a person's CE report for year; the national registration
// period runs from the verified certificate's issue date.
func CEReport(w *models.SocialWorker, recs []*TrainingRecord, year int) models.CEReport {
	in := make([]models.TrainingRecord, len(recs))
	for i, r := range recs {
		in[i] = models.TrainingRecord{Hours: r.Hours, On: r.Date, Verified: r.Status == ProofVerified, Category: r.Category}
	}
	level, registered := models.CertificateLevel(""), ""
	if w != nil && w.Verified() {
		level, registered = w.Certificate.Level, w.Certificate.IssuedOn
	}
	return models.CEStatus(in, level, registered, year, models.CurrentCERules)
}

// SetMyEducation replaces the caller's education.
func (s *Service) SetMyEducation(ctx context.Context, actor *Actor, edu []models.Education) (*PathwayView, error) {
	var p models.Problems
	if len(edu) > 10 {
		p.Add("body", "最多 10 条学历", "at most 10 education entries")
	}
	for i, e := range edu {
		f := "body[" + itoa(i) + "]"
		if !educationLevel(e.Level) {
			p.Add(f+".level", "未知的学历（见 education_levels）", "unknown education level (see education_levels)")
		}
		if d, err := models.ParseDate(f+".graduatedOn", e.GraduatedOn); err != nil {
			core.Collect(&p, err)
		} else if d.Year() < 1940 || d.After(s.d.Now().AddDate(10, 0, 0)) {
			p.Add(f+".graduatedOn", "毕业日期不合理", "the graduation date is out of range")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s.editPathway(ctx, actor, func(pw *PersonPathway) error {
		pw.Education = append([]models.Education{}, edu...)
		return nil
	})
}

func educationLevel(code string) bool {
	for _, t := range models.EducationLevels.Terms {
		if t.Code == code {
			return true
		}
	}
	return false
}

// EmploymentInput is one employment period as the person enters it.
type EmploymentInput struct {
	Employer, EmployerOrgID, Start, End string
}

// SetMyEmployment replaces the caller's employment periods. An unchanged
// period keeps its proof status; a new or changed one is pending.
func (s *Service) SetMyEmployment(ctx context.Context, actor *Actor, list []EmploymentInput) (*PathwayView, error) {
	var p models.Problems
	if len(list) > 30 {
		p.Add("body", "最多 30 段工作经历", "at most 30 employment periods")
	}
	today := models.DateOf(s.d.Now())
	for i, e := range list {
		f := "body[" + itoa(i) + "]"
		if n := len([]rune(strings.TrimSpace(e.Employer))); n < 1 || n > 200 {
			p.Add(f+".employer", "工作单位须为 1–200 个字符", "employer must be 1–200 characters")
		}
		start, err := models.ParseDate(f+".start", e.Start)
		core.Collect(&p, err)
		if err == nil && models.Date(e.Start) > today {
			p.Add(f+".start", "开始日期不能在未来", "start cannot be in the future")
		}
		if e.End != "" {
			end, err2 := models.ParseDate(f+".end", e.End)
			core.Collect(&p, err2)
			if err == nil && err2 == nil && end.Before(start) {
				p.Add(f+".end", "结束日期不能早于开始日期", "end must not be before start")
			}
		}
		if e.EmployerOrgID != "" {
			if _, err := s.st.Organisations.Organisation(ctx, e.EmployerOrgID); core.IsKind(err, models.KindNotFound) {
				p.Add(f+".employerOrgId", "该机构不存在", "no such organisation")
			} else if err != nil {
				return nil, err
			}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s.editPathway(ctx, actor, func(pw *PersonPathway) error {
		out := make([]EmploymentPeriod, len(list))
		for i, e := range list {
			n := EmploymentPeriod{Employer: strings.TrimSpace(e.Employer), EmployerOrgID: e.EmployerOrgID, Start: e.Start, End: e.End, Proof: ProofPending}
			for _, o := range pw.Employment {
				if o.Employer == n.Employer && o.EmployerOrgID == n.EmployerOrgID && o.Start == n.Start && o.End == n.End {
					n = o
					break
				}
			}
			out[i] = n
		}
		pw.Employment = out
		return nil
	})
}

// SetMyExams replaces the caller's exam attempts.
func (s *Service) SetMyExams(ctx context.Context, actor *Actor, list []ExamAttempt) (*PathwayView, error) {
	var p models.Problems
	if len(list) > 50 {
		p.Add("body", "最多 50 条考试记录", "at most 50 exam attempts")
	}
	year := s.d.Now().In(models.Shanghai()).Year()
	for i, e := range list {
		f := "body[" + itoa(i) + "]"
		if n := len([]rune(strings.TrimSpace(e.Subject))); n < 1 || n > 100 {
			p.Add(f+".subject", "科目须为 1–100 个字符", "subject must be 1–100 characters")
		}
		if e.Year < 2008 || e.Year > year {
			p.Add(f+".year", "考试年份须在 2008 年至今年之间", "year must be between 2008 and this year")
		}
		if math.IsNaN(e.Score) || e.Score < 0 || e.Score > 150 {
			p.Add(f+".score", "分数须为 0–150", "score must be 0–150")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return s.editPathway(ctx, actor, func(pw *PersonPathway) error {
		pw.Exams = make([]ExamAttempt, len(list))
		for i, e := range list {
			e.Subject = strings.TrimSpace(e.Subject)
			pw.Exams[i] = e
		}
		return nil
	})
}

func (s *Service) editPathway(ctx context.Context, actor *Actor, change func(*PersonPathway) error) (*PathwayView, error) {
	if actor == nil {
		return nil, models.ErrUnauthorized
	}
	id := actor.AccountID
	err := s.d.WithLock(ctx, "pathway:"+id, func() error {
		pw, err := s.pathway(ctx, id)
		if err != nil {
			return err
		}
		if err := change(pw); err != nil {
			return err
		}
		pw.UpdatedAt = s.d.Now()
		return s.st.Pathway.SavePathway(ctx, pw)
	})
	if err != nil {
		return nil, err
	}
	return s.pathwayView(ctx, id)
}

// VerifyEmployment sets the proof status of one of a person's employment
// periods: an admin of the period's employer organisation, civil affairs
// governing that organisation's division, or, for an employer not on
// Wushe, civil affairs governing an organisation the person works for (or
// the city's civil affairs). Never the person themselves.
func (s *Service) VerifyEmployment(ctx context.Context, actor *Actor, accountID string, index int, verified bool, note string) (*PersonPathway, error) {
	if actor == nil {
		return nil, models.ErrUnauthorized
	}
	if actor.AccountID == accountID {
		return nil, core.ErrForbidden
	}
	if len([]rune(note)) > 500 {
		return nil, models.Invalid("note", "备注不超过 500 字", "note must be at most 500 characters")
	}
	return core.Locked(s.d.Shared, ctx, "pathway:"+accountID, func() (*PersonPathway, error) {
		pw, err := s.st.Pathway.PersonPathway(ctx, accountID)
		if err != nil {
			return nil, err
		}
		if index < 0 || index >= len(pw.Employment) {
			return nil, core.ErrNotFound
		}
		e := &pw.Employment[index]
		division := ""
		ok := false
		if e.EmployerOrgID != "" {
			o, err := s.st.Organisations.Organisation(ctx, e.EmployerOrgID)
			if err != nil && !core.IsKind(err, models.KindNotFound) {
				return nil, err
			}
			if o != nil {
				division = o.DivisionCode
				ok = policy.Allowed(actor, "verify-employment", policy.OrgObject(o))
			}
		} else if len(actor.Bindings(models.RoleCivilAffairs)) > 0 {
			if actor.Governs(models.CityCode) {
				division, ok = models.CityCode, true
			} else if division, ok, err = s.mayVerifyPersonsWork(ctx, actor, accountID); err != nil {
				return nil, err
			}
		}
		if !ok {
			return nil, core.ErrForbidden
		}
		now := s.d.Now()
		e.Proof = ProofRejected
		if verified {
			e.Proof = ProofVerified
		}
		e.VerifiedBy, e.VerifiedAt, e.Note = actor.AccountID, &now, note
		pw.UpdatedAt = now
		if err := s.st.Pathway.SavePathway(ctx, pw); err != nil {
			return nil, err
		}
		_ = s.d.Audit(ctx, actor, "pathway.employment_verification", "pathway:"+accountID+"#"+itoa(index), division, e.Proof+" "+note)
		return pw, nil
	})
}
