package service

import (
	"context"
	"math"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/records"
)

// The social worker's yearly appraisal (年度考核): six dimensions, scored by
// the employer or the civil affairs governing it.

// AppraisalInputRequest is one score given on one dimension.
type AppraisalInputRequest struct {
	Year      int
	Dimension string
	Score     int
	Note      string
}

// AddAppraisalInput records a score on one entered dimension of a social
// worker's yearly appraisal.
func (s *Service) AddAppraisalInput(ctx context.Context, actor *Actor, socialWorkerID string, in AppraisalInputRequest) (*records.AppraisalInput, error) {
	w, as, err := s.parties.WorkerForAppraisal(ctx, actor, socialWorkerID)
	if err != nil {
		return nil, err
	}
	if as == "" {
		return nil, models.E(models.KindForbidden, "只有用人单位或主管民政部门可以填写考核", "only the employer or the civil affairs governing it appraises")
	}
	var p models.Problems
	thisYear := s.cfg.Now().In(models.Shanghai()).Year()
	if in.Year < 2000 || in.Year > thisYear {
		p.Add("year", "年度须在 2000 年至今年之间", "year must be from 2000 to this year")
	}
	switch {
	case in.Dimension == records.FeedbackDimension:
		p.Add("dimension", "服务对象反馈意见由社区反馈自动汇总，不能直接填写", "client_feedback is computed from the committees' feedback")
	case !models.AppraisalDimensions.Has(in.Dimension):
		p.Add("dimension", "未知的考核内容（见 appraisal_dimensions 词表）", "unknown dimension (see appraisal_dimensions)")
	}
	if in.Score < 1 || in.Score > 5 {
		p.Add("score", "评分须为 1–5", "score must be 1–5")
	}
	if len([]rune(in.Note)) > 1000 {
		p.Add("note", "说明不超过 1000 字", "note must be at most 1000 characters")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	a := &records.AppraisalInput{ID: core.NewID(), SocialWorkerID: w.AccountID, Year: in.Year, Dimension: in.Dimension, Score: in.Score,
		Note: strings.TrimSpace(in.Note), GivenBy: actor.AccountID, GivenAs: as, GivenAt: s.now()}
	if err := s.st.Supervision.CreateAppraisalInput(ctx, a); err != nil {
		return nil, err
	}
	_ = s.audit(ctx, actor, "social_worker.appraisal_input", "social_worker:"+w.AccountID, s.parties.WorkerDivision(ctx, w), in.Dimension)
	return a, nil
}

// AppraisalDimension is one dimension of the appraisal with its inputs, or,
// for client_feedback, the feedback it is computed from.
type AppraisalDimension struct {
	Code     string
	Zh, En   string
	Computed bool
	Count    int
	Average  float64 // 0 when there is nothing yet
	Inputs   []*records.AppraisalInput
	Feedback []*records.NeedFeedback
}

// Appraisal is a social worker's appraisal for a year: the six dimensions.
type Appraisal struct {
	SocialWorkerID string
	Year           int
	Dimensions     []AppraisalDimension
}

// Appraisal shows a social worker's appraisal for year (0: this year) to the
// worker, their employer's admins and civil affairs governing them.
func (s *Service) Appraisal(ctx context.Context, actor *Actor, socialWorkerID string, year int) (*Appraisal, error) {
	if year == 0 {
		year = s.cfg.Now().In(models.Shanghai()).Year()
	}
	w, _, err := s.parties.WorkerForAppraisal(ctx, actor, socialWorkerID)
	if err != nil {
		return nil, err
	}
	inputs, err := s.st.Supervision.AppraisalInputs(ctx, w.AccountID, year)
	if err != nil {
		return nil, err
	}
	fb, err := s.st.Supervision.FeedbackAbout(ctx, w.AccountID, year)
	if err != nil {
		return nil, err
	}
	out := &Appraisal{SocialWorkerID: w.AccountID, Year: year}
	for _, t := range models.AppraisalDimensions.Terms {
		d := AppraisalDimension{Code: t.Code, Zh: t.Zh, En: t.En, Inputs: []*records.AppraisalInput{}, Feedback: []*records.NeedFeedback{}}
		sum := 0
		if t.Code == records.FeedbackDimension {
			d.Computed, d.Feedback = true, append(d.Feedback, fb...)
			for _, f := range fb {
				sum += f.Rating
			}
			d.Count = len(fb)
		} else {
			for _, in := range inputs {
				if in.Dimension == t.Code {
					d.Inputs = append(d.Inputs, in)
					sum += in.Score
				}
			}
			d.Count = len(d.Inputs)
		}
		if d.Count > 0 {
			d.Average = math.Round(float64(sum)/float64(d.Count)*100) / 100
		}
		out.Dimensions = append(out.Dimensions, d)
	}
	return out, nil
}
