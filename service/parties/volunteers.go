package parties

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// DefaultMaxDistanceKm is how far a volunteer travels when the profile does not say.
const DefaultMaxDistanceKm = 5

// VolunteerInput is what a volunteer sets on their own profile. Real-name
// verification, the background check (recorded by the committee or civil
// affairs: RecordBackgroundCheck) and the reliability figures are kept by
// the service.
type VolunteerInput struct {
	RealName string
	// IDNumber is write-only: empty keeps the stored number (the owner only
	// ever sees it masked, so a read-modify-write cannot send it back).
	IDNumber           string
	Skills             []models.SkillLevel
	Credentials        []models.Credential
	Availability       map[string][]string // {"mon": ["08:00-12:00"], ...}
	Blackouts          []string
	Home               *models.Point
	CommunityCode      string
	MaxDistanceKm      *float64 // nil: DefaultMaxDistanceKm
	Domains, Languages []string
	QualificationTrack bool
	BirthDate          string
	Guardian           *models.GuardianConsent
	Insurance          *models.Insurance
}

// VolunteerView is a volunteer's profile as one caller may see it. The ID
// number never leaves the service unmasked (Volunteer.IDNumber is empty;
// IDNumberMasked shows it); the phone, the guardian's phone and the home
// point are exact only when Exact is set, otherwise masked and rounded.
type VolunteerView struct {
	models.Volunteer
	Name, Phone    string // from the account
	IDNumberMasked string
	Minor          bool // under 18 today
	Exact          bool
}

// errIDNumberConflict refuses to verify a profile whose ID number another
// account holds; only officials who may verify the profile ever see it.
var errIDNumberConflict = &models.Error{Kind: models.KindConflict, Code: models.CodeIDNumberConflict,
	Zh: "该身份证号已由其他账号登记，已报民政部门核查，暂不能认证", En: "another account holds this ID number; civil affairs has been told, and the profile cannot be verified meanwhile",
	Fields: []models.FieldError{{Field: "verified", Zh: "该身份证号已由其他账号登记，已报民政部门核查", En: "another account holds this ID number; civil affairs has been told"}}}

var errNotVolunteer = models.E(models.KindForbidden, "只有志愿者可以填写志愿者档案", "only volunteers have a volunteer profile").WithCode(models.CodeNotAVolunteer)

// MyVolunteerProfile returns the caller's own profile.
func (s *Service) MyVolunteerProfile(ctx context.Context, actor *Actor) (*VolunteerView, error) {
	v, err := s.st.Volunteers.Volunteer(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	return s.ownerView(s.volunteerView(ctx, v, true))
}

// SaveMyVolunteerProfile creates or replaces the caller's profile. Changing
// the real name or the ID number after verification withdraws the
// verification: it vouched for the old ones.
func (s *Service) SaveMyVolunteerProfile(ctx context.Context, actor *Actor, in VolunteerInput) (view *VolunteerView, err error) {
	return s.editMyVolunteerProfile(ctx, actor, core.Replace(in), false)
}

// editMyVolunteerProfile is the one way a volunteer's own profile is
// written (PUT replaces it, PATCH edits it): under the profile's lock, edit
// gets the profile as it is and returns the new one, which the rules below
// check as a whole. Only an existing profile is edited when mustExist.
func (s *Service) editMyVolunteerProfile(ctx context.Context, actor *Actor, edit core.Edit[VolunteerInput], mustExist bool) (view *VolunteerView, err error) {
	if !actor.Has(models.RoleVolunteer) {
		return nil, errNotVolunteer
	}
	err = s.d.WithLock(ctx, "volunteer:"+actor.AccountID, func() error {
		view, err = s.saveMyVolunteerProfile(ctx, actor, edit, mustExist)
		return err
	})
	if err == nil {
		s.d.VolunteerChanged(ctx, actor.AccountID)
	}
	return view, err
}

func (s *Service) saveMyVolunteerProfile(ctx context.Context, actor *Actor, edit core.Edit[VolunteerInput], mustExist bool) (*VolunteerView, error) {
	now := s.d.Now()
	old, err := s.st.Volunteers.Volunteer(ctx, actor.AccountID)
	switch {
	case core.IsKind(err, models.KindNotFound) && mustExist:
		return nil, errNoProfile
	case core.IsKind(err, models.KindNotFound):
		old = &models.Volunteer{AccountID: actor.AccountID, CreatedAt: now}
	case err != nil:
		return nil, err
	}
	in, err := edit(volunteerInputOf(old))
	if err != nil {
		return nil, err
	}
	v := &models.Volunteer{AccountID: actor.AccountID, RealName: strings.TrimSpace(in.RealName),
		IDNumber: strings.ToUpper(strings.TrimSpace(in.IDNumber)), Skills: in.Skills, Credentials: in.Credentials,
		Blackouts: in.Blackouts, Home: in.Home, CommunityCode: in.CommunityCode,
		MaxDistanceKm: DefaultMaxDistanceKm, Domains: in.Domains, Languages: in.Languages,
		QualificationTrack: in.QualificationTrack, BirthDate: in.BirthDate, Guardian: in.Guardian, Insurance: in.Insurance,
		// Kept by the service:
		RealNameVerified: old.RealNameVerified, VerifiedBy: old.VerifiedBy, VerifiedAt: old.VerifiedAt,
		BackgroundCheck: old.BackgroundCheck, IDNumberConflict: old.IDNumberConflict, Reliability: old.Reliability, CreatedAt: old.CreatedAt, UpdatedAt: now}
	if v.IDNumber == "" {
		v.IDNumber = old.IDNumber
	}
	if in.MaxDistanceKm != nil {
		v.MaxDistanceKm = *in.MaxDistanceKm
	}
	var p models.Problems
	// The birth date is the one the ID number encodes (GB 11643): a person
	// cannot make themselves older or younger than their ID says.
	if born, ok := models.BirthDateOfID(v.IDNumber); ok {
		switch {
		case v.BirthDate == "":
			v.BirthDate = born
		case v.BirthDate != born:
			p.Add("birthDate", "出生日期须与身份证号一致（"+born+"）", "the birth date must be the one the ID number encodes ("+born+")")
		}
	}
	grid, err := models.ParseWeekGrid("availability", in.Availability)
	core.Collect(&p, err)
	v.Availability = grid
	core.Collect(&p, v.Validate())
	if err := p.Err(); err != nil {
		return nil, err
	}
	// The verification vouched for these facts: changing one withdraws it
	// until the committee verifies again (a verified 17-year-old cannot
	// become an adult). The background check was of the holder of the old
	// ID number: a new number leaves the profile without one.
	if v.RealName != old.RealName || v.IDNumber != old.IDNumber || v.BirthDate != old.BirthDate {
		v.RealNameVerified, v.VerifiedBy, v.VerifiedAt = false, "", nil
	}
	if v.IDNumber != old.IDNumber {
		v.BackgroundCheck = nil
	}
	// One person, one account: an ID number is held by one account at a
	// time, decided by a unique insert of its hash (never the number itself).
	// A number another account holds is saved all the same, marked as a
	// conflict for civil affairs, and the answer is the one any new number
	// gets (pending verification): telling the caller would tell anyone
	// whether a person's ID number is registered.
	claim := v.IDNumber != "" && (v.IDNumber != old.IDNumber || old.IDNumberConflict)
	var heldBy IDNumberHeldBy
	if claim {
		err := s.st.Volunteers.ClaimIDNumber(ctx, hashToken(v.IDNumber), v.AccountID)
		switch {
		case core.IsKind(err, models.KindConflict):
			v.IDNumberConflict, v.RealNameVerified, v.VerifiedBy, v.VerifiedAt = true, false, "", nil
			if !errors.As(err, &heldBy) {
				heldBy = "?"
			}
		case err != nil:
			return nil, err
		default:
			v.IDNumberConflict = false
		}
	}
	claimed := claim && !v.IDNumberConflict
	if err := s.st.Volunteers.SaveVolunteer(ctx, v); err != nil {
		if claimed && v.IDNumber != old.IDNumber {
			_ = s.st.Volunteers.ReleaseIDNumber(context.WithoutCancel(ctx), hashToken(v.IDNumber), v.AccountID)
		}
		return nil, err
	}
	if v.IDNumber != old.IDNumber && old.IDNumber != "" {
		_ = s.st.Volunteers.ReleaseIDNumber(ctx, hashToken(old.IDNumber), v.AccountID) // a no-op unless this account held it
	}
	if heldBy != "" && v.IDNumber != old.IDNumber { // reported once, when given
		s.reportIDNumberConflict(ctx, actor, v, string(heldBy))
	}
	return s.ownerView(s.volunteerView(ctx, v, true))
}

// reportIDNumberConflict tells civil affairs of the volunteer's home
// community (the city's when none is given) that the profile gave an ID
// number another account holds: an audit entry they list with
// GET /v1/audit, and the profile in GET /v1/volunteers?idNumberConflict=true.
func (s *Service) reportIDNumberConflict(ctx context.Context, actor *Actor, v *models.Volunteer, holder string) {
	division := v.CommunityCode
	if division == "" {
		division = models.CityCode
	}
	_ = s.d.Audit(ctx, actor, "volunteer.id_number_conflict", "volunteer:"+v.AccountID, division,
		"身份证号已由账号 "+holder+" 登记，待民政核查 the ID number is held by account "+holder+"; to be checked by civil affairs")
}

// ownerView hides from the owner what only officials see.
func (s *Service) ownerView(view *VolunteerView, err error) (*VolunteerView, error) {
	if view != nil {
		view.IDNumberConflict = false
	}
	return view, err
}

// mayReadVolunteer reports whether the actor may see v's profile at all:
// the owner, the committee of the home community, or civil affairs governing it.
func mayReadVolunteer(a *Actor, v *models.Volunteer) bool {
	return a.AccountID == v.AccountID || a.RunsCommittee(v.CommunityCode) || a.Governs(v.CommunityCode)
}

// Volunteer shows one volunteer's profile to its owner (everything but the
// raw ID number), to the committee of the home community and to civil
// affairs governing it (phone masked, home point rounded to about 1 km).
// Civil affairs that gives a reason (4 characters or more) sees the phone
// and home point exactly, and the read is written to the audit log; if the
// log cannot be written, the read is refused. To anyone else the volunteer
// does not exist.
func (s *Service) Volunteer(ctx context.Context, actor *Actor, id, reason string) (*VolunteerView, error) {
	v, err := s.st.Volunteers.Volunteer(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return nil, core.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	if !mayReadVolunteer(actor, v) {
		return nil, core.ErrNotFound
	}
	exact := actor.AccountID == v.AccountID
	if reason != "" && !exact && actor.Governs(v.CommunityCode) {
		reason = strings.TrimSpace(reason)
		if n := len([]rune(reason)); n < 4 || n > 200 {
			return nil, models.Invalid("reason", "查看个人信息的理由须为 4–200 个字", "the reason must be 4–200 characters")
		}
		if err := s.d.Audit(ctx, actor, "personal_data.read", "volunteer:"+id, v.CommunityCode, reason); err != nil {
			return nil, err
		}
		exact = true
	}
	if actor.AccountID == v.AccountID {
		return s.ownerView(s.volunteerView(ctx, v, exact))
	}
	return s.volunteerView(ctx, v, exact)
}

// vouchedVolunteer loads a volunteer for a fact an official vouches for
// (act: verify-volunteer, record-background-check): not found for whoever
// may not read the profile, refused for anyone but the home community's
// committee or civil affairs governing it.
func (s *Service) vouchedVolunteer(ctx context.Context, actor *Actor, act policy.Action, id string) (*models.Volunteer, error) {
	v, err := s.st.Volunteers.Volunteer(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return nil, core.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	if !mayReadVolunteer(actor, v) {
		return nil, core.ErrNotFound
	}
	if err := policy.Authorize(actor, act, policy.InDivision(v.CommunityCode)); err != nil {
		return nil, err
	}
	return v, nil
}

// Verification is a committee's or civil affairs' decision on a
// volunteer's real name and ID number.
type Verification struct {
	Verified bool
	Note     string
}

// VerifyVolunteer records whether the volunteer's real name and ID number
// were checked (against the ID card, in person): the committee of the home
// community or civil affairs governing it. A profile without both cannot
// be verified. The same decision again changes nothing and answers the
// same view (retry-safe).
func (s *Service) VerifyVolunteer(ctx context.Context, actor *Actor, id string, d Verification) (*VolunteerView, error) {
	v, err := core.Locked(s.d.Shared, ctx, "volunteer:"+id, func() (*VolunteerView, error) { return s.verifyVolunteer(ctx, actor, id, d) })
	if err == nil {
		s.d.VolunteerChanged(ctx, id)
	}
	return v, err
}

func (s *Service) verifyVolunteer(ctx context.Context, actor *Actor, id string, d Verification) (*VolunteerView, error) {
	v, err := s.vouchedVolunteer(ctx, actor, "verify-volunteer", id)
	if err != nil {
		return nil, err
	}
	if len([]rune(d.Note)) > 500 {
		return nil, models.Invalid("note", "备注不超过 500 字", "note must be at most 500 characters")
	}
	if d.Verified && (v.RealName == "" || v.IDNumber == "") {
		return nil, models.Invalid("verified", "志愿者尚未填写真实姓名和身份证号，不能认证", "the volunteer has not given a real name and ID number")
	}
	if d.Verified == v.RealNameVerified && !v.IDNumberConflict {
		// A repeat (its answer lost): the same answer, and who verified
		// and when stay those of the first decision.
		return s.volunteerView(ctx, v, false)
	}
	if d.Verified && v.IDNumberConflict {
		// The other account may have given the number up since.
		err := s.st.Volunteers.ClaimIDNumber(ctx, hashToken(v.IDNumber), v.AccountID)
		if core.IsKind(err, models.KindConflict) {
			return nil, errIDNumberConflict
		} else if err != nil {
			return nil, err
		}
		v.IDNumberConflict = false
	}
	now := s.d.Now()
	v.RealNameVerified, v.VerifiedBy, v.VerifiedAt = d.Verified, "", nil
	if d.Verified {
		v.VerifiedBy, v.VerifiedAt = actor.AccountID, &now
	}
	v.UpdatedAt = now
	if err := s.st.Volunteers.SaveVolunteer(ctx, v); err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "volunteer.verification", "volunteer:"+id, v.CommunityCode, strconv.FormatBool(d.Verified)+" "+d.Note)
	return s.volunteerView(ctx, v, false)
}

// BackgroundCheckInput is a criminal-record check (无犯罪记录证明) as a
// committee or civil affairs saw it.
type BackgroundCheckInput struct {
	Result    string // models.BackgroundPassed or models.BackgroundNotPassed
	CheckedOn string // the certificate's date
	ExpiresOn string // required when passed
	Reference string // the certificate's number
	Note      string
}

// RecordBackgroundCheck records the volunteer's background check, with who
// and when: the committee of the home community or civil affairs governing
// it, after seeing the certificate. It replaces any earlier record (a
// not_passed record withdraws a passed one). The audit entry is written
// first: if it cannot be, nothing is recorded.
func (s *Service) RecordBackgroundCheck(ctx context.Context, actor *Actor, id string, in BackgroundCheckInput) (*VolunteerView, error) {
	v, err := core.Locked(s.d.Shared, ctx, "volunteer:"+id, func() (*VolunteerView, error) { return s.recordBackgroundCheck(ctx, actor, id, in) })
	if err == nil {
		s.d.VolunteerChanged(ctx, id)
	}
	return v, err
}

func (s *Service) recordBackgroundCheck(ctx context.Context, actor *Actor, id string, in BackgroundCheckInput) (*VolunteerView, error) {
	v, err := s.vouchedVolunteer(ctx, actor, "record-background-check", id)
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	b := &models.BackgroundCheck{Result: in.Result, CheckedOn: in.CheckedOn, ExpiresOn: in.ExpiresOn,
		Reference: strings.TrimSpace(in.Reference), RecordedBy: actor.AccountID, RecordedAt: &now}
	var p models.Problems
	core.Collect(&p, models.ValidateBackgroundCheck(b, now))
	if len([]rune(in.Note)) > 500 {
		p.Add("note", "备注不超过 500 字", "note must be at most 500 characters")
	}
	if v.RealName == "" || v.IDNumber == "" {
		// The certificate names a person by their ID number.
		p.Add("result", "志愿者尚未填写真实姓名和身份证号，不能登记背景审查", "the volunteer has not given a real name and ID number")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	reason := b.Result + " " + b.CheckedOn + ".." + b.ExpiresOn
	if b.Reference != "" {
		reason += " #" + b.Reference
	}
	if in.Note != "" {
		reason += " " + in.Note
	}
	if err := s.d.Audit(ctx, actor, "volunteer.background_check", "volunteer:"+id, v.CommunityCode, reason); err != nil {
		return nil, err
	}
	v.BackgroundCheck, v.UpdatedAt = b, now
	if err := s.st.Volunteers.SaveVolunteer(ctx, v); err != nil {
		return nil, err
	}
	return s.volunteerView(ctx, v, false)
}

// ListVolunteers lists volunteers for a community's committee (its own
// community only) and for civil affairs (inside its division). With
// neither community nor division, the caller's own scope is listed.
// Phones and ID numbers are masked and home points rounded.
func (s *Service) ListVolunteers(ctx context.Context, actor *Actor, f VolunteerFilter, p Page) ([]*VolunteerView, string, error) {
	if f.Community == "" && f.Division == "" {
		if b := actor.Bindings(models.RoleCommunityAdmin); len(b) > 0 {
			f.Community = b[0].CommunityCode
		} else if b := actor.Bindings(models.RoleCivilAffairs); len(b) > 0 {
			f.Division = b[0].DivisionCode
		}
	}
	var probs models.Problems
	if f.Community != "" {
		core.Collect(&probs, models.ValidateDivision("community", f.Community, models.LevelVillage))
	}
	if f.Division != "" {
		core.Collect(&probs, models.ValidateDivision("division", f.Division, ""))
	}
	if err := probs.Err(); err != nil {
		return nil, "", err
	}
	switch {
	case f.Community != "" && (actor.RunsCommittee(f.Community) || actor.Governs(f.Community)):
	case f.Community == "" && actor.Governs(f.Division):
	default:
		return nil, "", models.E(models.KindForbidden, "只能查看本社区或本辖区的志愿者", "you may list volunteers only of your own community or division")
	}
	list, next, err := s.st.Volunteers.ListVolunteers(ctx, f, p.Normalised())
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, len(list))
	for i, v := range list {
		ids[i] = v.AccountID
	}
	accounts, err := s.st.Accounts.AccountsByIDs(ctx, ids) // the page's names in one read
	if err != nil {
		return nil, "", err
	}
	out := make([]*VolunteerView, len(list))
	for i, v := range list {
		out[i] = s.volunteerListViewOf(v, accounts[v.AccountID], false)
	}
	return out, next, nil
}

// volunteerView adds the account's name and phone and masks what the
// caller may not see exactly.
func (s *Service) volunteerView(ctx context.Context, v *models.Volunteer, exact bool) (*VolunteerView, error) {
	view, err := s.volunteerListView(ctx, v, exact)
	if err != nil {
		return nil, err
	}
	// The service-kept figures, derived from invitations and places as the
	// matching index derives them (one profile at a time: lists leave them out).
	rel, err := s.d.Reliability(ctx, v.AccountID)
	if err != nil {
		return nil, err
	}
	view.Reliability = rel
	return view, nil
}

// volunteerListView is a volunteer without the derived figures; exact
// shows the phone, home point and guardian's phone unmasked.
func (s *Service) volunteerListView(ctx context.Context, v *models.Volunteer, exact bool) (*VolunteerView, error) {
	a, err := s.st.Accounts.AccountByID(ctx, v.AccountID)
	if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	return s.volunteerListViewOf(v, a, exact), nil
}

// volunteerListViewOf is volunteerListView with the account already read
// (nil: none).
func (s *Service) volunteerListViewOf(v *models.Volunteer, a *models.Account, exact bool) *VolunteerView {
	view := &VolunteerView{Volunteer: *v, IDNumberMasked: models.MaskIDNumber(v.IDNumber), Minor: v.MinorOn(s.d.Now()), Exact: exact}
	view.IDNumber = ""
	if a != nil {
		view.Name, view.Phone = a.Name, a.Phone
	}
	if !exact {
		view.Phone = models.MaskPhone(view.Phone)
		if h := v.Home; h != nil {
			c := models.CoarsePoint(*h) // the cell matching uses too
			view.Home = &c
		}
		if g := v.Guardian; g != nil {
			masked := *g
			masked.GuardianPhone = models.MaskPhone(g.GuardianPhone)
			view.Guardian = &masked
		}
	}
	return view
}
