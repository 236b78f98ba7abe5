package service

import (
	"context"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/accounts"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/records"
)

// What the accounts domain (package accounts) calls in the rest of the
// service: wired into accounts.Deps by New.

// withdrawFromService frees the places the person holds still to come and
// declines their open invitations, so committees can fill them; failures
// are logged (the erasure goes on: a place held by an erased person is
// still a place the committee sees and can free).
func (s *Service) withdrawFromService(ctx context.Context, actor *Actor) {
	id := actor.AccountID
	now := s.cfg.Now()
	as, err := s.st.Plans.AssignmentsOfVolunteer(ctx, id, now)
	if err != nil {
		s.log.WarnContext(ctx, "erasure: places not listed", "account", id, "err", err)
	}
	needs := map[string]bool{}
	for _, a := range as {
		if a.Window.Start.After(now) {
			s.needs.ReleaseAssignment(ctx, a)
			needs[a.NeedID] = true
		}
	}
	for n := range needs {
		if err := s.needs.SyncStaffed(ctx, n, id); err != nil {
			s.log.WarnContext(ctx, "erasure: need status not synced", "need", n, "err", err)
		}
	}
	invs, err := allPagesOf(func(p Page) ([]*models.Invitation, string, error) {
		return s.st.Invitations.InvitationsOfVolunteer(ctx, id, p)
	})
	if err != nil {
		s.log.WarnContext(ctx, "erasure: invitations not listed", "account", id, "err", err)
	}
	for _, inv := range invs {
		if inv.Open(s.now()) {
			if _, err := s.matching.DeclineInvitation(ctx, actor, inv.ID); err != nil {
				s.log.WarnContext(ctx, "erasure: invitation not declined", "invitation", inv.ID, "err", err)
			}
		}
	}
}

// applyReliability sets v's service-kept figures (for the export).
func (s *Service) applyReliability(ctx context.Context, v *models.Volunteer) error {
	rel, err := s.matching.Reliability(ctx, v.AccountID)
	if err != nil {
		return err
	}
	v.Reliability = rel
	return nil
}

// exportSupervision lists the supervision sessions a person took part in, as exported.
func exportSupervision(ctx context.Context, st records.SupervisionStore, id string) ([]accounts.ExportSupervision, error) {
	out := []accounts.ExportSupervision{}
	for _, asSupervisor := range []bool{true, false} {
		sessions, err := allPagesOf(func(p Page) ([]*records.SupervisionSession, string, error) {
			return st.SessionsOf(ctx, id, asSupervisor, p)
		})
		if err != nil {
			return nil, err
		}
		role := "supervisee"
		if asSupervisor {
			role = "supervisor"
		}
		for _, ss := range sessions {
			out = append(out, accounts.ExportSupervision{ID: ss.ID, Role: role, NeedID: ss.NeedID, Date: string(ss.Date),
				Minutes: ss.Minutes, Topic: ss.Topic, Notes: ss.Notes, ConfirmedAt: ss.ConfirmedAt})
		}
	}
	return out, nil
}

// exportPathway is a person's training records and pathway, as exported.
func exportPathway(ctx context.Context, st records.PathwayStore, id string) ([]accounts.ExportTraining, *accounts.ExportPathway, error) {
	out := []accounts.ExportTraining{}
	training, err := allPagesOf(func(p Page) ([]*records.TrainingRecord, string, error) { return st.TrainingOf(ctx, id, p) })
	if err != nil {
		return nil, nil, err
	}
	for _, r := range training {
		out = append(out, accounts.ExportTraining{ID: r.ID, Course: r.Course, Provider: r.Provider, Category: r.Category, Hours: r.Hours,
			Date: r.Date, EvidenceURL: r.EvidenceURL, Status: r.Status, VerifiedAt: r.VerifiedAt, Note: r.Note, CreatedAt: r.CreatedAt})
	}
	pw, err := st.PersonPathway(ctx, id)
	if core.IsKind(err, models.KindNotFound) {
		return out, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	xp := &accounts.ExportPathway{Education: nonNilSlice(pw.Education), Employment: []accounts.ExportEmployment{}, Exams: []accounts.ExportExam{},
		UpdatedAt: pw.UpdatedAt}
	for _, e := range pw.Employment {
		xp.Employment = append(xp.Employment, accounts.ExportEmployment{Employer: e.Employer, EmployerOrgID: e.EmployerOrgID, Start: e.Start,
			End: e.End, Proof: e.Proof, VerifiedAt: e.VerifiedAt, Note: e.Note})
	}
	for _, e := range pw.Exams {
		xp.Exams = append(xp.Exams, accounts.ExportExam{Subject: e.Subject, Year: e.Year, Score: e.Score, Passed: e.Passed})
	}
	return out, xp, nil
}

// allPagesOf reads every page of a paged list, 100 items at a time.
func allPagesOf[T any](fetch func(Page) ([]T, string, error)) ([]T, error) {
	return core.AllPages(100, fetch)
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
