package records

import (
	"context"
	"math"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// Training records (continuing education): the person records them, their
// organisation or civil affairs verifies each once.

// TrainingInput is a training record as the person enters it.
type TrainingInput struct {
	Course, Provider, Category string
	Hours                      float64
	Date                       string
	EvidenceURL                string
}

// AddTraining records a piece of training the caller took; it stays
// pending until their organisation or civil affairs verifies it.
func (s *Service) AddTraining(ctx context.Context, actor *Actor, in TrainingInput) (*TrainingRecord, error) {
	if actor == nil {
		return nil, models.ErrUnauthorized
	}
	var p models.Problems
	course, provider := strings.TrimSpace(in.Course), strings.TrimSpace(in.Provider)
	if n := len([]rune(course)); n < 1 || n > 200 {
		p.Add("course", "课程名称须为 1–200 个字符", "course must be 1–200 characters")
	}
	if n := len([]rune(provider)); n < 1 || n > 200 {
		p.Add("provider", "举办单位须为 1–200 个字符", "provider must be 1–200 characters")
	}
	if !trainingCategory(in.Category) {
		p.Add("category", "未知的培训类别", "unknown training category")
	}
	if math.IsNaN(in.Hours) || in.Hours < 0.5 || in.Hours > 500 {
		p.Add("hours", "学时须为 0.5–500", "hours must be 0.5–500")
	} else if math.Abs(in.Hours*2-math.Round(in.Hours*2)) > 1e-9 {
		p.Add("hours", "学时以 0.5 为单位", "hours must be a multiple of 0.5")
	}
	if d, err := models.ParseDate("date", in.Date); err != nil {
		core.Collect(&p, err)
	} else if models.Date(in.Date) > models.DateOf(s.d.Now()) {
		p.Add("date", "培训日期不能在未来", "the training date cannot be in the future")
	} else if d.Year() < 1950 {
		p.Add("date", "培训日期过早", "the training date is too early")
	}
	if u := in.EvidenceURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		p.Add("evidenceUrl", "证明材料链接须为 http(s) 地址", "the evidence link must be an http(s) URL")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r := &TrainingRecord{ID: core.NewID(), AccountID: actor.AccountID, Course: course, Provider: provider, Category: in.Category,
		Hours: in.Hours, Date: in.Date, EvidenceURL: in.EvidenceURL, Status: ProofPending, CreatedAt: s.d.Now()}
	if err := s.st.Pathway.CreateTraining(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// MyTraining lists the caller's training records.
func (s *Service) MyTraining(ctx context.Context, actor *Actor, p Page) ([]*TrainingRecord, string, error) {
	if actor == nil {
		return nil, "", models.ErrUnauthorized
	}
	return s.st.Pathway.TrainingOf(ctx, actor.AccountID, p.Normalised())
}

var errTrainingDecided = models.E(models.KindConflict, "该培训记录已核实过", "this training record has already been decided").WithCode(models.CodeAlreadyDecided)

// VerifyTraining records the one decision on a training record: by an
// admin of an organisation the person works for as a social worker, or
// civil affairs governing that organisation's division; never the person.
func (s *Service) VerifyTraining(ctx context.Context, actor *Actor, id string, verified bool, note string) (*TrainingRecord, error) {
	r, err := s.st.Pathway.Training(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.AccountID == r.AccountID {
		return nil, core.ErrForbidden
	}
	division, ok, err := s.mayVerifyPersonsWork(ctx, actor, r.AccountID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, core.ErrForbidden
	}
	if len([]rune(note)) > 500 {
		return nil, models.Invalid("note", "备注不超过 500 字", "note must be at most 500 characters")
	}
	d := TrainingDecision{Verified: verified, By: actor.AccountID, Note: note, At: s.d.Now()}
	if err := s.st.Pathway.ClaimTrainingVerification(ctx, id, d); core.IsKind(err, models.KindConflict) {
		// A writer may have claimed and failed before updating the record:
		// roll the claimed decision forward (whoever asks), then answer
		// that it was decided. A failure here fails this attempt, so the
		// next one rolls it forward again: never "decided" while pending.
		if r.Status == ProofPending {
			prev, err := s.st.Pathway.TrainingVerification(ctx, id)
			if err != nil {
				return nil, err
			}
			applyTrainingDecision(r, *prev)
			if err := s.st.Pathway.UpdateTraining(ctx, r); err != nil {
				return nil, err
			}
		}
		return nil, errTrainingDecided
	} else if err != nil {
		return nil, err
	}
	applyTrainingDecision(r, d)
	if err := s.st.Pathway.UpdateTraining(ctx, r); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "training.verification", "training:"+id, division, r.Status+" "+note)
	return r, nil
}

func applyTrainingDecision(r *TrainingRecord, d TrainingDecision) {
	r.Status = ProofRejected
	if d.Verified {
		r.Status = ProofVerified
	}
	at := d.At
	r.VerifiedBy, r.VerifiedAt, r.Note = d.By, &at, d.Note
}

// mayVerifyPersonsWork reports whether the actor administers an
// organisation the person works for as a social worker, or is civil
// affairs governing such an organisation; with the division for the audit.
func (s *Service) mayVerifyPersonsWork(ctx context.Context, actor *Actor, personID string) (string, bool, error) {
	if actor.AccountID == personID {
		return "", false, nil
	}
	a, err := s.st.Accounts.AccountByID(ctx, personID)
	if core.IsKind(err, models.KindNotFound) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	civil := len(actor.Bindings(models.RoleCivilAffairs)) > 0
	for _, b := range a.Roles {
		if b.Role != models.RoleSocialWorker || b.OrganisationID == "" {
			continue
		}
		if !actor.Administers(b.OrganisationID) && !civil {
			continue
		}
		o, err := s.st.Organisations.Organisation(ctx, b.OrganisationID)
		if core.IsKind(err, models.KindNotFound) {
			continue
		} else if err != nil {
			return "", false, err
		}
		if policy.Allowed(actor, "verify-training", policy.OrgObject(o)) {
			return o.DivisionCode, true, nil
		}
	}
	return "", false, nil
}
