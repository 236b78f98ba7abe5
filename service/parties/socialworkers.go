package parties

import (
	"context"
	"strconv"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Certificate verification states.
const (
	CertPending  = "pending"
	CertVerified = "verified"
	CertRejected = "rejected"
)

// CertificateInput is the certificate a social worker says they hold.
type CertificateInput struct {
	Level    models.CertificateLevel
	Number   string
	IssuedOn string
}

// SocialWorkerInput is what a social worker sets on their own profile. The
// employer is the organisation of their social_worker binding; the
// certificate's verification, the supervisor flag and the caseload cap are
// kept by the service and civil affairs.
type SocialWorkerInput struct {
	Certificate     *CertificateInput
	Post            *models.PostTitle
	StationTownCode string
	Domains         []string
	Availability    map[string][]string
	Base            *models.Point
}

// SocialWorkerView is a social worker's profile as one caller may see it.
// policy.Anyone logged in sees the professional profile; Full (the owner, the
// employer's admins, civil affairs governing the worker) adds the phone,
// the certificate number, the base point and the weekly availability,
// which are otherwise masked or left out.
type SocialWorkerView struct {
	models.SocialWorker
	Name, Phone string
	PostGrade   int // professional-technical post grade (5–13); 0 without a post
	Full        bool
}

var errNotSocialWorker = models.E(models.KindForbidden, "只有机构聘用的社会工作者可以填写社工档案", "only a social worker employed by an organisation has a social-worker profile").WithCode(models.CodeNotASocialWorker)

// MySocialWorkerProfile returns the caller's own profile.
func (s *Service) MySocialWorkerProfile(ctx context.Context, actor *Actor) (*SocialWorkerView, error) {
	w, err := s.st.SocialWorkers.SocialWorker(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	return s.socialWorkerView(ctx, w, true)
}

// SaveMySocialWorkerProfile creates or replaces the caller's profile. The
// employer is the organisation of the caller's first social_worker
// binding. A new or changed certificate goes back to pending and, since
// the supervisor pool holds verified certificates only, leaves the pool.
func (s *Service) SaveMySocialWorkerProfile(ctx context.Context, actor *Actor, in SocialWorkerInput) (view *SocialWorkerView, err error) {
	return s.editMySocialWorkerProfile(ctx, actor, core.Replace(in), false)
}

// editMySocialWorkerProfile is the one way a social worker's own profile is
// written (PUT replaces it, PATCH edits it): under the profile's lock, edit
// gets the profile as it is and returns the new one, which the rules below
// check as a whole. Only an existing profile is edited when mustExist.
func (s *Service) editMySocialWorkerProfile(ctx context.Context, actor *Actor, edit core.Edit[SocialWorkerInput], mustExist bool) (view *SocialWorkerView, err error) {
	b := actor.Bindings(models.RoleSocialWorker)
	if len(b) == 0 || b[0].OrganisationID == "" {
		return nil, errNotSocialWorker
	}
	err = s.d.WithLock(ctx, "social_worker:"+actor.AccountID, func() error {
		view, err = s.saveMySocialWorkerProfile(ctx, actor, b[0].OrganisationID, edit, mustExist)
		return err
	})
	return view, err
}

func (s *Service) saveMySocialWorkerProfile(ctx context.Context, actor *Actor, employer string, edit core.Edit[SocialWorkerInput], mustExist bool) (*SocialWorkerView, error) {
	now := s.d.Now()
	old, err := s.st.SocialWorkers.SocialWorker(ctx, actor.AccountID)
	switch {
	case core.IsKind(err, models.KindNotFound) && mustExist:
		return nil, errNoProfile
	case core.IsKind(err, models.KindNotFound):
		old = &models.SocialWorker{AccountID: actor.AccountID, CreatedAt: now}
	case err != nil:
		return nil, err
	}
	in, err := edit(socialWorkerInputOf(old))
	if err != nil {
		return nil, err
	}
	w := &models.SocialWorker{AccountID: actor.AccountID, Post: in.Post, EmployerOrgID: employer,
		StationTownCode: in.StationTownCode, Domains: in.Domains, Base: in.Base,
		Supervisor: old.Supervisor, CaseloadCap: old.CaseloadCap, SupervisorTier: old.SupervisorTier, SupervisorCounty: old.SupervisorCounty,
		SupervisorCohort: old.SupervisorCohort, FrontLine: old.FrontLine, CreatedAt: old.CreatedAt, UpdatedAt: now}
	if c := in.Certificate; c != nil {
		w.Certificate = &models.SocialWorkerCertificate{Level: c.Level, Number: strings.TrimSpace(c.Number), IssuedOn: c.IssuedOn,
			Verification: CertPending}
		if o := old.Certificate; o != nil && o.Level == w.Certificate.Level && o.Number == w.Certificate.Number && o.IssuedOn == w.Certificate.IssuedOn {
			w.Certificate = o
		}
	}
	if !w.Verified() {
		w.Supervisor, w.SupervisorTier, w.SupervisorCounty, w.SupervisorCohort = false, "", "", 0
	}
	var p models.Problems
	grid, err := models.ParseWeekGrid("availability", in.Availability)
	core.Collect(&p, err)
	w.Availability = grid
	core.Collect(&p, w.Validate())
	if w.StationTownCode != "" && models.ValidateDivision("", w.StationTownCode, models.LevelTown) == nil {
		_, err := s.st.Stations.Station(ctx, w.StationTownCode)
		if core.IsKind(err, models.KindNotFound) {
			p.Add("stationTownCode", "该乡镇（街道）尚未设立社工站", "this township has no social-work station")
		} else if err != nil {
			return nil, err
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := s.st.SocialWorkers.SaveSocialWorker(ctx, w); err != nil {
		return nil, err
	}
	return s.socialWorkerView(ctx, w, true)
}

// SocialWorker shows one social worker's professional profile to anyone
// logged in; the full profile to those who employ or govern them.
func (s *Service) SocialWorker(ctx context.Context, actor *Actor, id string) (*SocialWorkerView, error) {
	w, err := s.st.SocialWorkers.SocialWorker(ctx, id)
	if err != nil {
		return nil, err
	}
	full := actor.AccountID == id || actor.Administers(w.EmployerOrgID)
	if !full {
		if full, err = s.governsWorker(ctx, actor, w); err != nil {
			return nil, err
		}
	}
	if full && actor.AccountID != id {
		if err := s.d.Audit(ctx, actor, "personal_data.read", "social_worker:"+id, s.WorkerDivision(ctx, w), "社会工作者完整档案 the full professional record"); err != nil {
			return nil, err
		}
	}
	return s.socialWorkerView(ctx, w, full)
}

// ListSocialWorkers lists professional profiles to anyone logged in; phones are masked.
func (s *Service) ListSocialWorkers(ctx context.Context, actor *Actor, f SocialWorkerFilter, p Page) ([]*SocialWorkerView, string, error) {
	if actor == nil {
		return nil, "", models.ErrUnauthorized
	}
	var probs models.Problems
	if f.Division != "" {
		core.Collect(&probs, models.ValidateDivision("division", f.Division, ""))
	}
	if f.StationTownCode != "" {
		core.Collect(&probs, models.ValidateDivision("station", f.StationTownCode, models.LevelTown))
	}
	if f.MinLevel != "" && !f.MinLevel.Valid() {
		probs.Add("minLevel", "未知的证书等级（见 certificate_levels）", "unknown certificate level (see certificate_levels)")
	}
	if err := probs.Err(); err != nil {
		return nil, "", err
	}
	list, next, err := s.st.SocialWorkers.ListSocialWorkers(ctx, f, p.Normalised())
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(list))
	for i, w := range list {
		ids[i] = w.AccountID
	}
	accounts, err := s.st.Accounts.AccountsByIDs(ctx, ids) // the page's names in one read
	if err != nil {
		return nil, "", err
	}
	out := make([]*SocialWorkerView, len(list))
	for i, w := range list {
		out[i] = socialWorkerViewOf(w, accounts[w.AccountID], false)
	}
	return out, next, nil
}

// CertificateDecision is civil affairs' decision on a certificate.
type CertificateDecision struct {
	Decision string // verified or rejected
	Note     string
}

// VerifyCertificate records civil affairs' check of a social worker's
// certificate (against the national register): civil affairs governing the
// employer's division. A rejected certificate
// also leaves the supervisor pool. The same decision again changes nothing
// and answers the same view (retry-safe).
func (s *Service) VerifyCertificate(ctx context.Context, actor *Actor, id string, d CertificateDecision) (*SocialWorkerView, error) {
	return core.Locked(s.d.Shared, ctx, "social_worker:"+id, func() (*SocialWorkerView, error) { return s.verifyCertificate(ctx, actor, id, d) })
}

func (s *Service) verifyCertificate(ctx context.Context, actor *Actor, id string, d CertificateDecision) (*SocialWorkerView, error) {
	w, err := s.st.SocialWorkers.SocialWorker(ctx, id)
	if err != nil {
		return nil, err
	}
	if ok, err := s.governsWorker(ctx, actor, w); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.ErrForbidden
	}
	if d.Decision != CertVerified && d.Decision != CertRejected {
		return nil, models.Invalid("decision", "结论须为 verified 或 rejected", "decision must be verified or rejected")
	}
	if len([]rune(d.Note)) > 500 {
		return nil, models.Invalid("note", "备注不超过 500 字", "note must be at most 500 characters")
	}
	if w.Certificate == nil {
		return nil, models.Invalid("decision", "该社工尚未填写证书", "the social worker has not entered a certificate")
	}
	if w.Certificate.Verification == d.Decision {
		// A repeat (its answer lost): the same answer; who decided and
		// when stay those of the first decision.
		return s.socialWorkerView(ctx, w, true)
	}
	now := s.d.Now()
	w.Certificate.Verification, w.Certificate.VerifiedBy, w.Certificate.VerifiedAt, w.Certificate.Note = d.Decision, actor.AccountID, &now, d.Note
	if !w.Verified() {
		w.Supervisor, w.SupervisorTier, w.SupervisorCounty, w.SupervisorCohort = false, "", "", 0
	}
	w.UpdatedAt = now
	if err := s.st.SocialWorkers.SaveSocialWorker(ctx, w); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "social_worker.certificate_verification", "social_worker:"+id, s.WorkerDivision(ctx, w), d.Decision+" "+d.Note)
	return s.socialWorkerView(ctx, w, true)
}

// PoolChange puts a social worker into, or takes them out of, the city's
// supervisor pool or a county's team.
type PoolChange struct {
	InPool      bool
	CaseloadCap int    // 1–50; required to join, kept when 0 on leaving
	Tier        string // models.SupervisorTiers; "" is the city pool for the city's civil affairs, else the actor's county team
	CountyCode  string // a county team's county; "" is the actor's county
	Cohort      int    // the "hundred supervisors" cohort year, 0 when none
}

// SetSupervisorPool puts a social worker with a verified certificate and
// three years of verified front-line employment into the city's supervisor
// pool (civil affairs of the city) or a county's team (civil affairs of
// the city or that county) with a caseload cap, or takes them out: civil
// affairs governing the worker's employer, and of the tier's division.
func (s *Service) SetSupervisorPool(ctx context.Context, actor *Actor, id string, c PoolChange) (*SocialWorkerView, error) {
	return core.Locked(s.d.Shared, ctx, "social_worker:"+id, func() (*SocialWorkerView, error) { return s.setSupervisorPool(ctx, actor, id, c) })
}

func (s *Service) setSupervisorPool(ctx context.Context, actor *Actor, id string, c PoolChange) (*SocialWorkerView, error) {
	w, err := s.st.SocialWorkers.SocialWorker(ctx, id)
	if err != nil {
		return nil, err
	}
	if ok, err := s.governsWorker(ctx, actor, w); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.ErrForbidden
	}
	var p models.Problems
	switch {
	case c.CaseloadCap != 0 && (c.CaseloadCap < 1 || c.CaseloadCap > 50):
		p.Add("caseloadCap", "督导个案上限须为 1–50", "caseload cap must be 1–50")
	case c.InPool && c.CaseloadCap == 0:
		p.Add("caseloadCap", "进入督导人才库须设定个案上限（1–50）", "joining the pool needs a caseload cap (1–50)")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	tierDivision := models.CityCode
	if c.InPool {
		e := supervisorEntry(actor, c)
		if e.Tier == models.SupervisorTierCounty {
			tierDivision = e.CountyCode
		}
		emp, err := s.d.Employment(ctx, id)
		if err != nil {
			return nil, err
		}
		exp := models.FrontLineExperience(emp, s.d.Now())
		if err := models.CheckSupervisorEntry(w, e, exp, s.d.Now()); err != nil {
			return nil, err
		}
		if !actor.Governs(tierDivision) {
			return nil, core.ErrForbidden
		}
		w.SupervisorTier, w.SupervisorCounty, w.SupervisorCohort, w.FrontLine = e.Tier, e.CountyCode, e.Cohort, exp
	} else {
		if w.SupervisorCounty != "" {
			tierDivision = w.SupervisorCounty
		}
		if w.Supervisor && !actor.Governs(tierDivision) {
			return nil, core.ErrForbidden
		}
		w.SupervisorTier, w.SupervisorCounty, w.SupervisorCohort = "", "", 0
	}
	w.Supervisor = c.InPool
	if c.CaseloadCap != 0 {
		w.CaseloadCap = c.CaseloadCap
	}
	w.UpdatedAt = s.d.Now()
	if err := s.st.SocialWorkers.SaveSocialWorker(ctx, w); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "social_worker.supervisor_pool", "social_worker:"+id, s.WorkerDivision(ctx, w),
		strconv.FormatBool(c.InPool)+" "+w.SupervisorTier+" "+w.SupervisorCounty+" cap "+itoa(w.CaseloadCap))
	return s.socialWorkerView(ctx, w, true)
}

// supervisorEntry fills a pool change's defaults: the city pool for civil
// affairs of the city, else the team of the actor's county.
func supervisorEntry(actor *Actor, c PoolChange) models.SupervisorEntry {
	e := models.SupervisorEntry{Tier: c.Tier, CountyCode: c.CountyCode, Cohort: c.Cohort}
	if e.Tier == "" && e.CountyCode == "" && actor.Governs(models.CityCode) {
		e.Tier = models.SupervisorTierCity
	}
	if e.Tier == "" {
		e.Tier = models.SupervisorTierCounty
	}
	if e.Tier == models.SupervisorTierCounty && e.CountyCode == "" {
		for _, b := range actor.Bindings(models.RoleCivilAffairs) {
			if len(b.DivisionCode) == 6 {
				e.CountyCode = b.DivisionCode
				break
			}
		}
	}
	return e
}

// governsWorker reports whether the actor is civil affairs governing the
// worker's employer (its registration division: the county's civil affairs
// or the city's). Not the station's township: the worker picks the station
// on their own profile, and so would pick who verifies them.
func (s *Service) governsWorker(ctx context.Context, actor *Actor, w *models.SocialWorker) (bool, error) {
	if len(actor.Bindings(models.RoleCivilAffairs)) == 0 {
		return false, nil
	}
	if w.EmployerOrgID == "" {
		return false, nil
	}
	o, err := s.st.Organisations.Organisation(ctx, w.EmployerOrgID)
	if core.IsKind(err, models.KindNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return actor.Governs(o.DivisionCode), nil
}

// WorkerDivision is the division whose civil affairs reads the worker's
// audit entries: the employer's, else the station's.
func (s *Service) WorkerDivision(ctx context.Context, w *models.SocialWorker) string {
	if w.EmployerOrgID != "" {
		if o, err := s.st.Organisations.Organisation(ctx, w.EmployerOrgID); err == nil {
			return o.DivisionCode
		}
	}
	return w.StationTownCode
}

// socialWorkerView adds the account's name and phone and leaves out what
// the caller may not see.
func (s *Service) socialWorkerView(ctx context.Context, w *models.SocialWorker, full bool) (*SocialWorkerView, error) {
	a, err := s.st.Accounts.AccountByID(ctx, w.AccountID)
	if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	return socialWorkerViewOf(w, a, full), nil
}

// socialWorkerViewOf is socialWorkerView with the account already read
// (nil: none).
func socialWorkerViewOf(w *models.SocialWorker, a *models.Account, full bool) *SocialWorkerView {
	view := &SocialWorkerView{SocialWorker: *w, Full: full}
	if w.Post != nil {
		view.PostGrade, _ = models.ProfessionalPostGrade(*w.Post)
	}
	if a != nil {
		view.Name, view.Phone = a.Name, a.Phone
	}
	if !full {
		view.Phone = models.MaskPhone(view.Phone)
		view.Base = nil
		view.Availability = models.WeekGrid{}
		if c := w.Certificate; c != nil {
			public := *c
			public.Number, public.VerifiedBy, public.Note = "", "", ""
			view.Certificate = &public
		}
	}
	return view
}
