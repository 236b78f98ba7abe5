package records

import (
	"context"
	"math"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Supervision records (督导记录) and the appraisal inputs of social workers
// (issue 5, items 6 and 8).

// SupervisionSession is one supervision session a social worker logged with
// a volunteer or a junior social worker. Its notes are visible to both, and
// to nobody else.
type SupervisionSession struct {
	ID           string // YYYYMMDD-random: lists come in date order
	SupervisorID string
	SuperviseeID string
	NeedID       string // optional for a junior social worker
	Date         models.Date
	Year         int
	Minutes      int
	Topic        string
	Notes        string
	CreatedAt    time.Time
	ConfirmedAt  *time.Time // set from the session's one confirmation
}

// Confirmed reports whether the supervisee confirmed the session.
func (s *SupervisionSession) Confirmed() bool { return s.ConfirmedAt != nil }

// NeedFeedback is the service-object feedback (服务对象反馈意见) the
// committee gathered after a completed need: a rating and a comment, never
// a beneficiary's name. One per need.
type NeedFeedback struct {
	NeedID         string
	CommunityCode  string
	SocialWorkerID string // the social worker it is about
	Year           int    // Asia/Shanghai year it was given
	Rating         int
	Comment        string
	GivenBy        string
	GivenAt        time.Time
}

// AppraisalInput is one score on one appraisal dimension of a social
// worker for a year, given by civil affairs or the employer.
type AppraisalInput struct {
	ID             string
	SocialWorkerID string
	Year           int
	Dimension      string
	Score          int
	Note           string
	GivenBy        string
	GivenAs        models.Role // civil_affairs or org_admin
	GivenAt        time.Time
}

// SupervisionStore keeps supervision sessions, their confirmations,
// service-object feedback and appraisal inputs.
type SupervisionStore interface {
	CreateSession(ctx context.Context, s *SupervisionSession) error
	// Session returns models.ErrNotFound when there is no such session.
	Session(ctx context.Context, id string) (*SupervisionSession, error)
	// ClaimConfirmation records the supervisee's one confirmation of a
	// session by a unique insert keyed by the session id: models.ErrConflict
	// when it was confirmed before.
	ClaimConfirmation(ctx context.Context, sessionID, by string, at time.Time) error
	// SessionsOf pages the sessions of a supervisor (asSupervisor) or a
	// supervisee, in id (date) order.
	SessionsOf(ctx context.Context, accountID string, asSupervisor bool, p Page) ([]*SupervisionSession, string, error)
	// SessionsInYear lists all of a person's sessions of one year.
	SessionsInYear(ctx context.Context, accountID string, asSupervisor bool, year int) ([]*SupervisionSession, error)
	// CreateFeedback inserts the need's one feedback; models.ErrConflict when it has one.
	CreateFeedback(ctx context.Context, f *NeedFeedback) error
	// FeedbackAbout lists the feedback about a social worker given in year.
	FeedbackAbout(ctx context.Context, socialWorkerID string, year int) ([]*NeedFeedback, error)
	CreateAppraisalInput(ctx context.Context, in *AppraisalInput) error
	AppraisalInputs(ctx context.Context, socialWorkerID string, year int) ([]*AppraisalInput, error)
}

// FeedbackDimension is the appraisal dimension computed from the
// committees' service-object feedback rather than entered.
const FeedbackDimension = "client_feedback"

// SessionInput is a supervisor's log of one session.
type SessionInput struct {
	SuperviseeID string
	NeedID       string
	Date         string
	Minutes      int
	Topic        string
	Notes        string
}

var errNotSupervising = models.E(models.KindForbidden, "您不是该人员的督导，不能记录督导",
	"you do not supervise this person: supervise them on a plan (accepted), or be their employer's social worker with a higher verified certificate")

// LogSession records a supervision session. The caller is a social worker
// who supervises the supervisee: as the accepted supervisor of the need's
// plan (the supervisee holds a place in it, or is a social worker of its
// carrying organisation), or as a colleague of the same employer holding a
// higher verified certificate than theirs (a junior social worker; an
// unverified certificate counts as none).
func (s *Service) LogSession(ctx context.Context, actor *Actor, in SessionInput) (*SupervisionSession, error) {
	if !actor.Has(models.RoleSocialWorker) {
		return nil, models.E(models.KindForbidden, "只有社会工作者可以记录督导", "only a social worker logs supervision sessions")
	}
	in.Topic, in.SuperviseeID, in.NeedID = strings.TrimSpace(in.Topic), strings.TrimSpace(in.SuperviseeID), strings.TrimSpace(in.NeedID)
	var p models.Problems
	day, derr := models.ParseDate("date", in.Date)
	if derr != nil {
		core.Collect(&p, derr)
	} else if today, _ := models.ParseDate("", string(models.DateOf(s.d.Now()))); day.After(today) {
		p.Add("date", "督导日期不能晚于今天", "the date must not be in the future")
	} else if day.Year() < 2000 {
		p.Add("date", "督导日期不早于 2000 年", "the date must be in 2000 or later")
	}
	if in.Minutes < 15 || in.Minutes > 480 {
		p.Add("minutes", "时长须为 15–480 分钟", "minutes must be 15–480")
	}
	if l := len([]rune(in.Topic)); l < 1 || l > 200 {
		p.Add("topic", "主题须为 1–200 个字符", "topic must be 1–200 characters")
	}
	if len([]rune(in.Notes)) > 5000 {
		p.Add("notes", "记录不超过 5000 字", "notes must be at most 5000 characters")
	}
	if in.SuperviseeID == actor.AccountID {
		p.Add("superviseeId", "不能记录对自己的督导", "you cannot supervise yourself")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if _, err := s.st.Accounts.AccountByID(ctx, in.SuperviseeID); core.IsKind(err, models.KindNotFound) {
		return nil, models.Invalid("superviseeId", "被督导人不存在", "no such supervisee")
	} else if err != nil {
		return nil, err
	}
	junior, err := s.st.SocialWorkers.SocialWorker(ctx, in.SuperviseeID)
	if core.IsKind(err, models.KindNotFound) {
		junior = nil
	} else if err != nil {
		return nil, err
	}
	if junior == nil && in.NeedID == "" {
		return nil, models.Invalid("needId", "督导志愿者须注明需求（needId）", "a session with a volunteer names the need (needId)")
	}
	ok := false
	if in.NeedID != "" {
		if ok, err = s.supervisesOnPlan(ctx, actor, in.NeedID, in.SuperviseeID, junior); err != nil {
			return nil, err
		}
	}
	if !ok && junior != nil {
		if ok, err = s.supervisesJunior(ctx, actor, junior); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, errNotSupervising
	}
	d := models.DateOf(day)
	sess := &SupervisionSession{ID: strings.ReplaceAll(string(d), "-", "") + "-" + core.NewID(), SupervisorID: actor.AccountID,
		SuperviseeID: in.SuperviseeID, NeedID: in.NeedID, Date: d, Year: day.Year(), Minutes: in.Minutes, Topic: in.Topic,
		Notes: in.Notes, CreatedAt: s.d.Now()}
	if err := s.st.Supervision.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	return sess, nil
}

// supervisesOnPlan: the actor is the accepted supervisor of the need's plan
// and the supervisee holds a place in it or is a social worker of its
// carrying organisation.
func (s *Service) supervisesOnPlan(ctx context.Context, actor *Actor, needID, superviseeID string, sw *models.SocialWorker) (bool, error) {
	n, err := s.d.Need(ctx, needID)
	if core.IsKind(err, models.KindNotFound) {
		return false, models.Invalid("needId", "需求不存在", "no such need")
	} else if err != nil {
		return false, err
	}
	p, err := s.d.Plan(ctx, n)
	if err != nil {
		return false, err
	}
	if p.SupervisorID != actor.AccountID || p.SupervisorState != models.SupervisorAccepted {
		return false, nil
	}
	if sw != nil && p.OrganisationID != "" && sw.EmployerOrgID == p.OrganisationID {
		return true, nil
	}
	as, err := s.d.Assignments(ctx, needID)
	if err != nil {
		return false, err
	}
	for _, a := range as {
		if a.VolunteerID == superviseeID && a.Active() {
			return true, nil
		}
	}
	return false, nil
}

// supervisesJunior: same employer, and the actor's verified certificate is
// higher than the junior's.
func (s *Service) supervisesJunior(ctx context.Context, actor *Actor, junior *models.SocialWorker) (bool, error) {
	me, err := s.st.SocialWorkers.SocialWorker(ctx, actor.AccountID)
	if core.IsKind(err, models.KindNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return me.EmployerOrgID != "" && me.EmployerOrgID == junior.EmployerOrgID && actor.WorksFor(me.EmployerOrgID) &&
		me.VerifiedLevel().Rank() > junior.VerifiedLevel().Rank(), nil
}

// SupervisionSession shows a session to its supervisor or supervisee;
// anyone else is told it does not exist.
func (s *Service) SupervisionSession(ctx context.Context, actor *Actor, id string) (*SupervisionSession, error) {
	sess, err := s.st.Supervision.Session(ctx, id)
	if err != nil {
		return nil, err
	}
	if actor.AccountID != sess.SupervisorID && actor.AccountID != sess.SuperviseeID {
		return nil, core.ErrNotFound
	}
	return sess, nil
}

// SupervisionSessions pages the caller's sessions as supervisor or as supervisee.
func (s *Service) SupervisionSessions(ctx context.Context, actor *Actor, asSupervisor bool, p Page) ([]*SupervisionSession, string, error) {
	return s.st.Supervision.SessionsOf(ctx, actor.AccountID, asSupervisor, p.Normalised())
}

// ConfirmSession is the supervisee's confirmation, decided once by a unique
// insert keyed by the session id.
func (s *Service) ConfirmSession(ctx context.Context, actor *Actor, id string) (*SupervisionSession, error) {
	sess, err := s.SupervisionSession(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if sess.SuperviseeID != actor.AccountID {
		return nil, models.E(models.KindForbidden, "只有被督导人可以确认督导记录", "only the supervisee confirms a session")
	}
	if sess.Confirmed() {
		return nil, errAlreadyConfirmed
	}
	now := s.d.Now()
	if err := s.st.Supervision.ClaimConfirmation(ctx, id, actor.AccountID, now); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, errAlreadyConfirmed
		}
		return nil, err
	}
	sess.ConfirmedAt = &now
	return sess, nil
}

var errAlreadyConfirmed = models.E(models.KindConflict, "该督导记录已确认", "the session is confirmed already").WithCode(models.CodeAlreadyDecided)

// SupervisionTotals counts sessions and their hours.
type SupervisionTotals struct {
	Sessions         int
	Minutes          int
	Hours            float64
	Confirmed        int
	ConfirmedMinutes int
	ConfirmedHours   float64
}

// SupervisionSummary is one person's supervision for a year: as supervisee,
// the supervised hours (confirmed sessions only); as supervisor, the
// workload (every session logged).
type SupervisionSummary struct {
	Year       int
	Supervised SupervisionTotals // SupervisedHours = Supervised.ConfirmedHours
	Workload   SupervisionTotals
}

func hoursOf(minutes int) float64 { return math.Round(float64(minutes)/60*100) / 100 }

func totals(ss []*SupervisionSession) SupervisionTotals {
	var t SupervisionTotals
	for _, x := range ss {
		t.Sessions++
		t.Minutes += x.Minutes
		if x.Confirmed() {
			t.Confirmed++
			t.ConfirmedMinutes += x.Minutes
		}
	}
	t.Hours, t.ConfirmedHours = hoursOf(t.Minutes), hoursOf(t.ConfirmedMinutes)
	return t
}

// MySupervisionSummary is the caller's supervision summary for year (0: this year).
func (s *Service) MySupervisionSummary(ctx context.Context, actor *Actor, year int) (*SupervisionSummary, error) {
	if year == 0 {
		year = s.d.Now().In(models.Shanghai()).Year()
	}
	as, err := s.st.Supervision.SessionsInYear(ctx, actor.AccountID, false, year)
	if err != nil {
		return nil, err
	}
	by, err := s.st.Supervision.SessionsInYear(ctx, actor.AccountID, true, year)
	if err != nil {
		return nil, err
	}
	return &SupervisionSummary{Year: year, Supervised: totals(as), Workload: totals(by)}, nil
}

// FeedbackInput is the committee's service-object feedback on a need.
type FeedbackInput struct {
	Rating         int
	Comment        string
	SocialWorkerID string // default: the plan's supervisor
}

// GiveFeedback records the service-object feedback the committee gathered
// after a completed (or evaluated) need, about the plan's supervisor or a
// social worker of its carrying organisation. One per need.
func (s *Service) GiveFeedback(ctx context.Context, actor *Actor, needID string, in FeedbackInput) (*NeedFeedback, error) {
	n, err := s.d.NeedForCommittee(ctx, actor, needID)
	if err != nil {
		return nil, err
	}
	var p models.Problems
	if in.Rating < 1 || in.Rating > 5 {
		p.Add("rating", "评分须为 1–5", "rating must be 1–5")
	}
	if len([]rune(in.Comment)) > 1000 {
		p.Add("comment", "意见不超过 1000 字", "comment must be at most 1000 characters")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if n.Status != models.NeedCompleted && n.Status != models.NeedEvaluated {
		return nil, models.E(models.KindConflict, "需求完成后才能填写服务对象反馈", "feedback is given once the need is completed")
	}
	plan, err := s.d.Plan(ctx, n)
	if err != nil {
		return nil, err
	}
	about := strings.TrimSpace(in.SocialWorkerID)
	supervisor := ""
	if plan.SupervisorState == models.SupervisorAccepted {
		supervisor = plan.SupervisorID
	}
	switch {
	case about == "" && supervisor == "":
		return nil, models.Invalid("about", "该需求没有督导社工，请注明反馈针对的社会工作者", "the need had no supervisor; name the social worker the feedback is about")
	case about == "":
		about = supervisor
	case about != supervisor:
		w, err := s.st.SocialWorkers.SocialWorker(ctx, about)
		if core.IsKind(err, models.KindNotFound) || (err == nil && (plan.OrganisationID == "" || w.EmployerOrgID != plan.OrganisationID)) {
			return nil, models.Invalid("about", "该社会工作者未参与此需求（须为督导或承接机构的社工）",
				"the social worker did not take part (the supervisor or a social worker of the carrying organisation)")
		} else if err != nil {
			return nil, err
		}
	}
	now := s.d.Now()
	f := &NeedFeedback{NeedID: n.ID, CommunityCode: n.CommunityCode, SocialWorkerID: about, Year: now.In(models.Shanghai()).Year(),
		Rating: in.Rating, Comment: strings.TrimSpace(in.Comment), GivenBy: actor.AccountID, GivenAt: now}
	if err := s.st.Supervision.CreateFeedback(ctx, f); err != nil {
		if core.IsKind(err, models.KindConflict) {
			return nil, models.E(models.KindConflict, "该需求已有服务对象反馈", "the need has its feedback already")
		}
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "need.feedback", "need:"+n.ID, n.CommunityCode, about)
	return f, nil
}
