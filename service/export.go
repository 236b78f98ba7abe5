package service

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// export.go: the person's download of everything the service holds about
// them (GET /v1/me/export); erasure is in personaldata.go.

// PersonalExport is everything the service holds about one person, as they
// download it: their own data, and of other people nothing (no names,
// phones or account ids of verifiers, inviters or supervisors). The ID
// number is shown masked, as everywhere: it never leaves the service.
type PersonalExport struct {
	ExportedAt   time.Time           `json:"exportedAt"`
	Account      ExportAccount       `json:"account"`
	Logins       []ExportLogin       `json:"logins"`
	Volunteer    *ExportVolunteer    `json:"volunteerProfile,omitempty"`
	SocialWorker *ExportSocialWorker `json:"socialWorkerProfile,omitempty"`
	Hours        []ExportHours       `json:"hoursRecords"`
	Attendance   []ExportAttendance  `json:"attendance"`
	Invitations  []ExportInvitation  `json:"invitations"`
	Assignments  []ExportAssignment  `json:"assignments"`
	Training     []ExportTraining    `json:"training"`
	Pathway      *ExportPathway      `json:"pathway,omitempty"`
	Supervision  []ExportSupervision `json:"supervisionSessions"`
	AccessLog    []ExportAccess      `json:"accessLog" doc:"官方对本人数据的查看与变更 Officials' reads and changes of this person's data"`
	Notices      []ExportNotice      `json:"notifications"`
	NoShows      []ExportNoShow      `json:"noShows"`
	Complaints   []ExportComplaint   `json:"complaintsFiled"`
}

// ExportComplaint is a complaint the person filed.
type ExportComplaint struct {
	ID             string    `json:"id"`
	OrganisationID string    `json:"organisationId"`
	Category       string    `json:"category"`
	Content        string    `json:"content"`
	Status         string    `json:"status"`
	CreatedAt      time.Time `json:"createdAt"`
}

// ExportNotice is one notification in the person's inbox.
type ExportNotice struct {
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
	ReadAt    *time.Time `json:"readAt,omitempty"`
}

// ExportNoShow is one shift recorded as missed.
type ExportNoShow struct {
	NeedID       string    `json:"needId"`
	OccurrenceID string    `json:"occurrenceId"`
	Start        time.Time `json:"start"`
	MarkedAt     time.Time `json:"markedAt"`
}

// ExportAccount is the account itself.
type ExportAccount struct {
	ID            string               `json:"id"`
	Phone         string               `json:"phone"`
	Name          string               `json:"name"`
	Status        string               `json:"status"`
	Roles         []models.RoleBinding `json:"roles"`
	HasPassword   bool                 `json:"hasPassword"`
	WeChatOpenID  string               `json:"wechatOpenId,omitempty"`
	WeChatUnionID string               `json:"wechatUnionId,omitempty"`
	CreatedAt     time.Time            `json:"createdAt"`
	UpdatedAt     time.Time            `json:"updatedAt"`
}

// ExportLogin is one login (its tokens are never stored in a readable form).
type ExportLogin struct {
	ID           string     `json:"id"`
	CreatedAt    time.Time  `json:"createdAt"`
	RevokedAt    *time.Time `json:"revokedAt,omitempty"`
	RevokeReason string     `json:"revokeReason,omitempty"`
}

// ExportVolunteer is the volunteer profile, exact (the owner's view).
type ExportVolunteer struct {
	RealName           string                  `json:"realName,omitempty"`
	IDNumberMasked     string                  `json:"idNumberMasked,omitempty"`
	RealNameVerified   bool                    `json:"realNameVerified"`
	VerifiedAt         *time.Time              `json:"verifiedAt,omitempty"`
	Skills             []models.SkillLevel     `json:"skills"`
	Credentials        []models.Credential     `json:"credentials"`
	BackgroundCheck    *models.BackgroundCheck `json:"backgroundCheck,omitempty"`
	Availability       map[string][]string     `json:"availability"`
	BlackoutDates      []string                `json:"blackoutDates"`
	Home               *models.Point           `json:"home,omitempty"`
	CommunityCode      string                  `json:"communityCode,omitempty"`
	MaxDistanceKm      float64                 `json:"maxDistanceKm"`
	Domains            []string                `json:"domains"`
	Languages          []string                `json:"languages"`
	QualificationTrack bool                    `json:"qualificationTrack"`
	BirthDate          string                  `json:"birthDate,omitempty"`
	Guardian           *models.GuardianConsent `json:"guardian,omitempty"`
	Insurance          *models.Insurance       `json:"insurance,omitempty"`
	Reliability        models.Reliability      `json:"reliability"`
	CreatedAt          time.Time               `json:"createdAt"`
	UpdatedAt          time.Time               `json:"updatedAt"`
}

// ExportCertificate is a social worker's certificate.
type ExportCertificate struct {
	Level        string     `json:"level"`
	Number       string     `json:"number"`
	IssuedOn     string     `json:"issuedOn"`
	Verification string     `json:"verification"`
	VerifiedAt   *time.Time `json:"verifiedAt,omitempty"`
	Note         string     `json:"note,omitempty"`
}

// ExportSocialWorker is the professional profile.
type ExportSocialWorker struct {
	Certificate     *ExportCertificate  `json:"certificate,omitempty"`
	Post            *models.PostTitle   `json:"post,omitempty"`
	EmployerOrgID   string              `json:"employerOrgId,omitempty"`
	StationTownCode string              `json:"stationTownCode,omitempty"`
	Domains         []string            `json:"domains"`
	Supervisor      bool                `json:"supervisor"`
	CaseloadCap     int                 `json:"caseloadCap"`
	Availability    map[string][]string `json:"availability"`
	Base            *models.Point       `json:"base,omitempty"`
	CreatedAt       time.Time           `json:"createdAt"`
	UpdatedAt       time.Time           `json:"updatedAt"`
}

// ExportHours is one version of an hours record.
type ExportHours struct {
	ID            string     `json:"id"`
	NeedID        string     `json:"needId"`
	OccurrenceID  string     `json:"occurrenceId"`
	Version       int        `json:"version"`
	Date          string     `json:"date"`
	Hours         float64    `json:"hours"`
	Domain        string     `json:"domain,omitempty"`
	Tasks         []string   `json:"tasks"`
	Supervised    bool       `json:"supervised"`
	Source        string     `json:"source"`
	Status        string     `json:"status"`
	VerifierOrg   string     `json:"verifierOrg,omitempty" doc:"证明单位 The certifying committee or organisation"`
	VerifiedAt    *time.Time `json:"verifiedAt,omitempty"`
	RejectReason  string     `json:"rejectReason,omitempty"`
	CommunityCode string     `json:"communityCode,omitempty"`
	CreatedAt     time.Time  `json:"createdAt"`
}

// ExportAttendance is one presence at an occurrence.
type ExportAttendance struct {
	ID           string     `json:"id"`
	NeedID       string     `json:"needId"`
	OccurrenceID string     `json:"occurrenceId"`
	CheckinAt    time.Time  `json:"checkinAt"`
	CheckoutAt   *time.Time `json:"checkoutAt,omitempty"`
	Marked       bool       `json:"marked" doc:"由社区或督导登记 Recorded by the committee or the supervisor"`
	WalkIn       bool       `json:"walkIn"`
}

// ExportInvitation is one invitation received.
type ExportInvitation struct {
	ID           string        `json:"id"`
	NeedID       string        `json:"needId"`
	OccurrenceID string        `json:"occurrenceId"`
	Window       models.Window `json:"window"`
	Score        int           `json:"score"`
	Status       string        `json:"status"`
	CreatedAt    time.Time     `json:"createdAt"`
	ExpiresAt    time.Time     `json:"expiresAt"`
	AnsweredAt   *time.Time    `json:"answeredAt,omitempty"`
}

// ExportAssignment is one place held.
type ExportAssignment struct {
	ID           string        `json:"id"`
	NeedID       string        `json:"needId"`
	OccurrenceID string        `json:"occurrenceId"`
	PlaceNo      int           `json:"placeNo"`
	Window       models.Window `json:"window"`
	Status       string        `json:"status"`
	CreatedAt    time.Time     `json:"createdAt"`
}

// ExportTraining is one training record.
type ExportTraining struct {
	ID          string     `json:"id"`
	Course      string     `json:"course"`
	Provider    string     `json:"provider,omitempty"`
	Category    string     `json:"category"`
	Hours       float64    `json:"hours"`
	Date        string     `json:"date"`
	EvidenceURL string     `json:"evidenceUrl,omitempty"`
	Status      string     `json:"status"`
	VerifiedAt  *time.Time `json:"verifiedAt,omitempty"`
	Note        string     `json:"note,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
}

// ExportEmployment is one employment period entered on the pathway.
type ExportEmployment struct {
	Employer      string     `json:"employer"`
	EmployerOrgID string     `json:"employerOrgId,omitempty"`
	Start         string     `json:"start"`
	End           string     `json:"end,omitempty"`
	Proof         string     `json:"proof"`
	VerifiedAt    *time.Time `json:"verifiedAt,omitempty"`
	Note          string     `json:"note,omitempty"`
}

// ExportExam is one exam sitting.
type ExportExam struct {
	Subject string  `json:"subject"`
	Year    int     `json:"year"`
	Score   float64 `json:"score"`
	Passed  bool    `json:"passed"`
}

// ExportPathway is what the person entered about their road to the certificate.
type ExportPathway struct {
	Education  []models.Education `json:"education"`
	Employment []ExportEmployment `json:"employment"`
	Exams      []ExportExam       `json:"exams"`
	UpdatedAt  time.Time          `json:"updatedAt"`
}

// ExportSupervision is one supervision session the person took part in.
type ExportSupervision struct {
	ID          string     `json:"id"`
	Role        string     `json:"role" enum:"supervisor,supervisee"`
	NeedID      string     `json:"needId,omitempty"`
	Date        string     `json:"date"`
	Minutes     int        `json:"minutes"`
	Topic       string     `json:"topic,omitempty"`
	Notes       string     `json:"notes,omitempty"`
	ConfirmedAt *time.Time `json:"confirmedAt,omitempty"`
}

// ExportAccess is one official action on the person's data.
type ExportAccess struct {
	At           time.Time `json:"at"`
	Action       string    `json:"action"`
	DivisionCode string    `json:"divisionCode,omitempty"`
	Reason       string    `json:"reason,omitempty"`
}

// exportPageSize is the page the export reads lists with.
const exportPageSize = 100

// allPagesOf reads every page of a paged list.
func allPagesOf[T any](fetch func(Page) ([]T, string, error)) ([]T, error) {
	return core.AllPages(exportPageSize, fetch)
}

func weekMap(g models.WeekGrid) map[string][]string {
	keys := [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	out := make(map[string][]string, len(keys))
	for d, k := range keys {
		out[k] = models.FormatRanges(g.Day(d))
	}
	return out
}

// Export gathers everything the service holds about the caller.
func (s *Service) Export(ctx context.Context, actor *Actor) (*PersonalExport, error) {
	id := actor.AccountID
	if err := s.limitExpensive(ctx, actor, "export"); err != nil {
		return nil, err
	}
	a, err := s.st.Accounts.AccountByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Status == models.AccountErased {
		return nil, core.ErrNotFound
	}
	x := &PersonalExport{ExportedAt: s.now(), Account: ExportAccount{ID: a.ID, Phone: a.Phone, Name: a.Name, Status: string(a.Status),
		Roles: append([]models.RoleBinding{}, a.Roles...), HasPassword: a.HasPassword(), WeChatOpenID: a.WeChatOpenID,
		WeChatUnionID: a.WeChatUnionID, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt},
		Logins: []ExportLogin{}, Hours: []ExportHours{}, Attendance: []ExportAttendance{}, Invitations: []ExportInvitation{},
		Assignments: []ExportAssignment{}, Training: []ExportTraining{}, Supervision: []ExportSupervision{}, AccessLog: []ExportAccess{}}

	fams, err := s.st.Logins.FamiliesOf(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, f := range fams {
		x.Logins = append(x.Logins, ExportLogin{ID: f.ID, CreatedAt: f.CreatedAt, RevokedAt: f.RevokedAt, RevokeReason: f.RevokeReason})
	}
	if err := s.exportProfiles(ctx, id, x); err != nil {
		return nil, err
	}
	if err := s.exportService(ctx, id, x); err != nil {
		return nil, err
	}
	if err := s.exportPathway(ctx, id, x); err != nil {
		return nil, err
	}
	entries, err := s.st.PersonalData.AuditAbout(ctx, id, 1000)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		x.AccessLog = append(x.AccessLog, ExportAccess{At: e.At, Action: e.Action, DivisionCode: e.DivisionCode, Reason: e.Reason})
	}
	if err := s.exportNotices(ctx, id, x); err != nil {
		return nil, err
	}
	return x, nil
}

func (s *Service) exportNotices(ctx context.Context, id string, x *PersonalExport) error {
	x.Notices, x.NoShows, x.Complaints = []ExportNotice{}, []ExportNoShow{}, []ExportComplaint{}
	filed, err := allPagesOf(func(p Page) ([]*models.Complaint, string, error) {
		return s.st.Complaints.ComplaintsFiledBy(ctx, id, p)
	})
	if err != nil {
		return err
	}
	for _, c := range filed {
		x.Complaints = append(x.Complaints, ExportComplaint{ID: c.ID, OrganisationID: c.OrganisationID, Category: c.Category, Content: c.Content,
			Status: string(c.Status), CreatedAt: c.CreatedAt})
	}
	if s.st.Notifications == nil {
		return nil
	}
	notes, err := allPagesOf(func(p Page) ([]*models.Notification, string, error) {
		return s.st.Notifications.Notifications(ctx, id, false, p)
	})
	if err != nil {
		return err
	}
	for _, n := range notes {
		x.Notices = append(x.Notices, ExportNotice{Kind: string(n.Kind), Title: n.TitleZh, Body: n.BodyZh, Link: n.Link, CreatedAt: n.CreatedAt, ReadAt: n.ReadAt})
	}
	missed, err := s.st.Notifications.NoShowsOfVolunteer(ctx, id)
	if err != nil {
		return err
	}
	for _, m := range missed {
		x.NoShows = append(x.NoShows, ExportNoShow{NeedID: m.NeedID, OccurrenceID: m.OccurrenceID, Start: m.Start, MarkedAt: m.MarkedAt})
	}
	return nil
}

func (s *Service) exportProfiles(ctx context.Context, id string, x *PersonalExport) error {
	v, err := s.st.Volunteers.Volunteer(ctx, id)
	switch {
	case err == nil:
		rel, err := s.matching.Reliability(ctx, id)
		if err != nil {
			return err
		}
		v.Reliability = rel
		x.Volunteer = &ExportVolunteer{RealName: v.RealName, IDNumberMasked: models.MaskIDNumber(v.IDNumber), RealNameVerified: v.RealNameVerified,
			VerifiedAt: v.VerifiedAt, Skills: nonNilSlice(v.Skills), Credentials: nonNilSlice(v.Credentials), BackgroundCheck: v.BackgroundCheck,
			Availability: weekMap(v.Availability), BlackoutDates: nonNilSlice(v.Blackouts), Home: v.Home, CommunityCode: v.CommunityCode,
			MaxDistanceKm: v.MaxDistanceKm, Domains: nonNilSlice(v.Domains), Languages: nonNilSlice(v.Languages),
			QualificationTrack: v.QualificationTrack, BirthDate: v.BirthDate, Guardian: v.Guardian, Insurance: v.Insurance,
			Reliability: v.Reliability, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	case !core.IsKind(err, models.KindNotFound):
		return err
	}
	w, err := s.st.SocialWorkers.SocialWorker(ctx, id)
	switch {
	case err == nil:
		sw := &ExportSocialWorker{Post: w.Post, EmployerOrgID: w.EmployerOrgID, StationTownCode: w.StationTownCode,
			Domains: nonNilSlice(w.Domains), Supervisor: w.Supervisor, CaseloadCap: w.CaseloadCap, Availability: weekMap(w.Availability),
			Base: w.Base, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
		if c := w.Certificate; c != nil {
			sw.Certificate = &ExportCertificate{Level: string(c.Level), Number: c.Number, IssuedOn: c.IssuedOn, Verification: c.Verification,
				VerifiedAt: c.VerifiedAt, Note: c.Note}
		}
		x.SocialWorker = sw
	case !core.IsKind(err, models.KindNotFound):
		return err
	}
	return nil
}

func (s *Service) exportService(ctx context.Context, id string, x *PersonalExport) error {
	hours, err := allPagesOf(func(p Page) ([]*models.HoursRecord, string, error) { return s.st.Hours.HoursOfVolunteer(ctx, id, p) })
	if err != nil {
		return err
	}
	for _, r := range hours {
		x.Hours = append(x.Hours, ExportHours{ID: r.ID, NeedID: r.NeedID, OccurrenceID: r.OccurrenceID, Version: r.Version, Date: r.Date,
			Hours: r.Hours, Domain: r.Domain, Tasks: nonNilSlice(r.Tasks), Supervised: r.Supervised, Source: r.Source, Status: string(r.Status),
			VerifierOrg: r.VerifierOrg, VerifiedAt: r.VerifiedAt, RejectReason: r.RejectReason, CommunityCode: r.CommunityCode, CreatedAt: r.CreatedAt})
	}
	att, err := s.st.Hours.AttendanceOfVolunteer(ctx, id)
	if err != nil {
		return err
	}
	for _, a := range att {
		x.Attendance = append(x.Attendance, ExportAttendance{ID: a.ID, NeedID: a.NeedID, OccurrenceID: a.OccurrenceID, CheckinAt: a.CheckinAt,
			CheckoutAt: a.CheckoutAt, Marked: a.MarkedBy != "", WalkIn: a.WalkIn})
	}
	invs, err := allPagesOf(func(p Page) ([]*models.Invitation, string, error) {
		return s.st.Invitations.InvitationsOfVolunteer(ctx, id, p)
	})
	if err != nil {
		return err
	}
	for _, inv := range invs {
		x.Invitations = append(x.Invitations, ExportInvitation{ID: inv.ID, NeedID: inv.NeedID, OccurrenceID: inv.OccurrenceID, Window: inv.Window,
			Score: inv.Score, Status: string(inv.Status), CreatedAt: inv.CreatedAt, ExpiresAt: inv.ExpiresAt, AnsweredAt: inv.AnsweredAt})
	}
	as, err := s.st.Plans.AssignmentsOfVolunteer(ctx, id, time.Time{})
	if err != nil {
		return err
	}
	for _, a := range as {
		x.Assignments = append(x.Assignments, ExportAssignment{ID: a.ID, NeedID: a.NeedID, OccurrenceID: a.OccurrenceID, PlaceNo: a.PlaceNo,
			Window: a.Window, Status: string(a.Status), CreatedAt: a.CreatedAt})
	}
	for _, asSupervisor := range []bool{true, false} {
		sessions, err := allPagesOf(func(p Page) ([]*SupervisionSession, string, error) {
			return s.st.Supervision.SessionsOf(ctx, id, asSupervisor, p)
		})
		if err != nil {
			return err
		}
		role := "supervisee"
		if asSupervisor {
			role = "supervisor"
		}
		for _, ss := range sessions {
			x.Supervision = append(x.Supervision, ExportSupervision{ID: ss.ID, Role: role, NeedID: ss.NeedID, Date: string(ss.Date),
				Minutes: ss.Minutes, Topic: ss.Topic, Notes: ss.Notes, ConfirmedAt: ss.ConfirmedAt})
		}
	}
	return nil
}

func (s *Service) exportPathway(ctx context.Context, id string, x *PersonalExport) error {
	training, err := allPagesOf(func(p Page) ([]*TrainingRecord, string, error) { return s.st.Pathway.TrainingOf(ctx, id, p) })
	if err != nil {
		return err
	}
	for _, r := range training {
		x.Training = append(x.Training, ExportTraining{ID: r.ID, Course: r.Course, Provider: r.Provider, Category: r.Category, Hours: r.Hours,
			Date: r.Date, EvidenceURL: r.EvidenceURL, Status: r.Status, VerifiedAt: r.VerifiedAt, Note: r.Note, CreatedAt: r.CreatedAt})
	}
	pw, err := s.st.Pathway.PersonPathway(ctx, id)
	switch {
	case err == nil:
		xp := &ExportPathway{Education: nonNilSlice(pw.Education), Employment: []ExportEmployment{}, Exams: []ExportExam{}, UpdatedAt: pw.UpdatedAt}
		for _, e := range pw.Employment {
			xp.Employment = append(xp.Employment, ExportEmployment{Employer: e.Employer, EmployerOrgID: e.EmployerOrgID, Start: e.Start, End: e.End,
				Proof: e.Proof, VerifiedAt: e.VerifiedAt, Note: e.Note})
		}
		for _, e := range pw.Exams {
			xp.Exams = append(xp.Exams, ExportExam{Subject: e.Subject, Year: e.Year, Score: e.Score, Passed: e.Passed})
		}
		x.Pathway = xp
	case !core.IsKind(err, models.KindNotFound):
		return err
	}
	return nil
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
