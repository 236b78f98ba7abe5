package competitions

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// competition_review.go: reviewers, their conflicts of interest, the
// assignment of entries to them, and their score sheets.

// ReviewerInvite is the organiser's invitation of a reviewer by phone.
type ReviewerInvite struct {
	Phone, Name    string // Name: as the organiser calls the reviewer (the account's own name is not shown)
	OrganisationID string // the reviewer's own organisation, if any
}

// ReviewerView is a reviewer with their progress.
type ReviewerView struct {
	Reviewer *models.CompetitionReviewer
	Phone    string // masked
	Assigned int
	Scored   int
}

// InviteReviewer makes a person (by phone) a reviewer of the competition
// (until the review ends; the bool reports a new reviewer record): the
// person's own account gets the reviewer binding added (it shows in the token after the next
// login or refresh; the review endpoints check the stored reviewer record,
// so the reviewer can start at once). Inviting someone twice answers the
// existing record.
func (s *Service) InviteReviewer(ctx context.Context, actor *Actor, id string, in ReviewerInvite) (*ReviewerView, bool, error) {
	in.Phone = models.NormalisePhone(in.Phone)
	if err := models.ValidatePhone("phone", in.Phone); err != nil {
		return nil, false, err
	}
	c, err := s.managedCompetition(ctx, actor, id)
	if err != nil {
		return nil, false, err
	}
	if c.Phase.Reached(models.PhasePublicVote) {
		return nil, false, models.E(models.KindConflict, "评审阶段结束后不能再邀请评审专家", "reviewers cannot be invited after the review")
	}
	if in.OrganisationID != "" {
		if _, err := s.st.Organisations.Organisation(ctx, in.OrganisationID); core.IsKind(err, models.KindNotFound) {
			return nil, false, models.Invalid("organisationId", "机构不存在", "no such organisation")
		} else if err != nil {
			return nil, false, err
		}
	}
	all, err := s.st.Competitions.Reviewers(ctx, id)
	if err != nil {
		return nil, false, err
	}
	existing, err := s.st.Accounts.AccountByPhone(ctx, in.Phone)
	if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, false, err
	}
	for _, r := range all {
		if existing != nil && r.AccountID == existing.ID {
			return s.reviewerView(ctx, c, r, existing.Phone), false, nil
		}
	}
	if len(all) >= MaxCompetitionReviewers {
		return nil, false, models.E(models.KindConflict, fmt.Sprintf("每个大赛最多 %d 位评审专家", MaxCompetitionReviewers),
			fmt.Sprintf("a competition has at most %d reviewers", MaxCompetitionReviewers))
	}
	// A reviewer is a person with their own account (a phone verified by
	// SMS, a password only they know): the organiser never sets one, and
	// never learns the account's name; the record shows the name the
	// organiser gave, or the masked phone.
	if existing == nil {
		return nil, false, models.Invalid("phone", "该手机号尚未注册：请评审专家先用本人手机号注册，再行邀请",
			"this phone has no account yet: the reviewer registers with their own phone first")
	}
	acct, err := s.d.AddRole(ctx, existing.ID, models.RoleBinding{Role: models.RoleReviewer, CompetitionID: id})
	if err != nil {
		return nil, false, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = "评审专家 " + models.MaskPhone(acct.Phone)
	}
	r := &models.CompetitionReviewer{CompetitionID: id, AccountID: acct.ID, Name: name, OrganisationID: in.OrganisationID,
		InvitedBy: actor.AccountID, InvitedAt: s.d.Now()}
	switch err := s.st.Competitions.CreateReviewer(ctx, r); {
	case core.IsKind(err, models.KindConflict):
		if r, err = s.st.Competitions.Reviewer(ctx, id, acct.ID); err != nil {
			return nil, false, err
		}
		return s.reviewerView(ctx, c, r, acct.Phone), false, nil
	case err != nil:
		return nil, false, err
	}
	_ = s.d.Audit(ctx, actor, "competition.reviewer.invite", "competition:"+id, c.DivisionCode, acct.ID)
	if _, err := s.d.Notify(ctx, &models.Notification{Key: "reviewer:" + id, AccountID: acct.ID, Kind: models.NoteCompetition,
		TitleZh: "公益创投评审邀请：" + c.Name, TitleEn: "Invited to review: " + c.Name,
		BodyZh: "您受邀担任评审专家。请先申报利益冲突，再为分配给您的项目评分。", BodyEn: "You are invited as a reviewer: declare any conflicts, then score your assigned entries.",
		Link: "/v1/competitions/" + id, Data: map[string]string{"thing1": c.Name}}); err != nil {
		s.d.Log.WarnContext(ctx, "could not notify an invited reviewer", "competition", id, "err", err)
	}
	return s.reviewerView(ctx, c, r, acct.Phone), true, nil
}

func (s *Service) reviewerView(ctx context.Context, c *models.Competition, r *models.CompetitionReviewer, phone string) *ReviewerView {
	v := &ReviewerView{Reviewer: r, Phone: models.MaskPhone(phone)}
	if as, err := s.st.Competitions.Assignments(ctx, c.ID); err == nil {
		for _, a := range as {
			if a.ReviewerID == r.AccountID {
				v.Assigned++
			}
		}
	}
	if sheets, err := s.st.Competitions.ScoreSheets(ctx, c.ID); err == nil {
		for _, sh := range sheets {
			if sh.ReviewerID == r.AccountID {
				v.Scored++
			}
		}
	}
	return v
}

// Reviewers lists a competition's reviewers with their progress (the organiser).
func (s *Service) Reviewers(ctx context.Context, actor *Actor, id string) ([]*ReviewerView, error) {
	if _, err := s.managedCompetition(ctx, actor, id); err != nil {
		return nil, err
	}
	rs, err := s.st.Competitions.Reviewers(ctx, id)
	if err != nil {
		return nil, err
	}
	as, err := s.st.Competitions.Assignments(ctx, id)
	if err != nil {
		return nil, err
	}
	sheets, err := s.st.Competitions.ScoreSheets(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]*ReviewerView, 0, len(rs))
	for _, r := range rs {
		v := &ReviewerView{Reviewer: r}
		if a, err := s.st.Accounts.AccountByID(ctx, r.AccountID); err == nil {
			v.Phone = models.MaskPhone(a.Phone)
		}
		for _, a := range as {
			if a.ReviewerID == r.AccountID {
				v.Assigned++
			}
		}
		for _, sh := range sheets {
			if sh.ReviewerID == r.AccountID {
				v.Scored++
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// reviewerOf loads the actor's reviewer record for a published competition:
// models.ErrNotFound for an unknown (or draft) competition, core.ErrForbidden
// when the actor is not one of its reviewers.
func (s *Service) reviewerOf(ctx context.Context, actor *Actor, id string) (*models.Competition, *models.CompetitionReviewer, error) {
	c, err := s.visibleCompetition(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.st.Competitions.Reviewer(ctx, id, actor.AccountID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, nil, models.E(models.KindForbidden, "您不是本大赛的评审专家", "you are not a reviewer of this competition")
	}
	if err != nil {
		return nil, nil, err
	}
	return c, r, nil
}

// employers are the organisations an account works for now, by its role
// bindings: each is a conflict like the reviewer's own organisation.
func (s *Service) employers(ctx context.Context, accountID string) ([]string, error) {
	a, err := s.st.Accounts.AccountByID(ctx, accountID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []string
	for _, b := range a.Roles {
		if b.OrganisationID != "" && !slices.Contains(out, b.OrganisationID) {
			out = append(out, b.OrganisationID)
		}
	}
	return out, nil
}

func (s *Service) reviewerRef(ctx context.Context, r *models.CompetitionReviewer) (models.ReviewerRef, error) {
	emp, err := s.employers(ctx, r.AccountID)
	if err != nil {
		return models.ReviewerRef{}, err
	}
	return r.Ref(emp), nil
}

var errConflicted = models.E(models.KindForbidden, "您与该项目存在利益冲突，不能评审", "you have a conflict of interest with this entry and may not review it")

var errNotAssigned = models.E(models.KindForbidden, "该项目未分配给您评审", "this entry is not assigned to you")

// assignedReviewer checks the actor reviews entry a of c: a reviewer of c,
// with no conflict with a, and a assigned to them.
func (s *Service) assignedReviewer(ctx context.Context, c *models.Competition, actor *Actor, a *models.Application) (*models.CompetitionReviewer, error) {
	r, err := s.st.Competitions.Reviewer(ctx, c.ID, actor.AccountID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.E(models.KindForbidden, "您不是本大赛的评审专家", "you are not a reviewer of this competition")
	} else if err != nil {
		return nil, err
	}
	ref, err := s.reviewerRef(ctx, r)
	if err != nil {
		return nil, err
	}
	if ref.Conflicted(models.EntryRef{ID: a.ID, OrganisationID: a.OrganisationID}) {
		return nil, errConflicted
	}
	if _, err := s.st.Competitions.Assignment(ctx, c.ID, a.ID, actor.AccountID); core.IsKind(err, models.KindNotFound) {
		return nil, errNotAssigned
	} else if err != nil {
		return nil, err
	}
	return r, nil
}

// entryOf loads an entry of competition c (models.ErrNotFound for anything else).
func (s *Service) entryOf(ctx context.Context, c *models.Competition, entryID string) (*models.Application, error) {
	a, err := s.st.Applications.Application(ctx, entryID)
	if err != nil {
		return nil, err
	}
	if a.CompetitionID != c.ID || a.Status == models.AppDraft {
		return nil, models.ErrNotFound
	}
	return a, nil
}

// DeclareConflict records a conflict of interest the reviewer declares,
// until the review ends. Their assignments it touches are withdrawn (the
// organiser re-runs the assignment to fill the gap); a sheet they scored
// on such an entry no longer counts.
func (s *Service) DeclareConflict(ctx context.Context, actor *Actor, id string, cf models.Conflict) (*models.CompetitionReviewer, error) {
	if err := cf.Validate(); err != nil {
		return nil, err
	}
	c, _, err := s.reviewerOf(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if c.Phase.Reached(models.PhasePublicVote) {
		return nil, models.E(models.KindConflict, "评审阶段已结束", "the review is over")
	}
	if cf.EntryID != "" {
		if _, err := s.entryOf(ctx, c, cf.EntryID); core.IsKind(err, models.KindNotFound) {
			return nil, models.Invalid("entryId", "本大赛没有该参赛项目", "no such entry in this competition")
		} else if err != nil {
			return nil, err
		}
	}
	if cf.OrganisationID != "" {
		if _, err := s.st.Organisations.Organisation(ctx, cf.OrganisationID); core.IsKind(err, models.KindNotFound) {
			return nil, models.Invalid("organisationId", "机构不存在", "no such organisation")
		} else if err != nil {
			return nil, err
		}
	}
	cf.Note = strings.TrimSpace(cf.Note)
	r, err := core.Locked(s.d.Shared, ctx, "reviewer:"+id+"#"+actor.AccountID, func() (*models.CompetitionReviewer, error) {
		r, err := s.st.Competitions.Reviewer(ctx, id, actor.AccountID)
		if err != nil {
			return nil, err
		}
		for _, have := range r.Conflicts {
			if have.OrganisationID == cf.OrganisationID && have.EntryID == cf.EntryID {
				return r, nil
			}
		}
		if len(r.Conflicts) >= models.MaxConflicts {
			return nil, models.E(models.KindConflict, "利益冲突声明过多", "too many conflict declarations")
		}
		cf.DeclaredAt = s.d.Now()
		r.Conflicts = append(r.Conflicts, cf)
		return r, s.st.Competitions.SaveReviewer(ctx, r)
	})
	if err != nil {
		return nil, err
	}
	ref, err := s.reviewerRef(ctx, r)
	if err != nil {
		return nil, err
	}
	as, err := s.st.Competitions.Assignments(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.ReviewerID != actor.AccountID {
			continue
		}
		e, err := s.st.Applications.Application(ctx, a.EntryID)
		if err != nil {
			continue
		}
		if ref.Conflicted(models.EntryRef{ID: e.ID, OrganisationID: e.OrganisationID}) {
			if err := s.st.Competitions.DeleteAssignment(ctx, id, a.EntryID, a.ReviewerID); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// AssignmentSummary is the outcome of an assignment run.
type AssignmentSummary struct {
	Entries   int            // competing entries
	Kept      int            // assignments kept (scored, or kept as they were)
	Removed   int            // unscored or conflicted assignments withdrawn
	Added     int            // new assignments
	Loads     map[string]int // assignments per reviewer after the run
	PerEntry  int            // k
	Reviewers int
}

// Reassign re-runs the assignment (the organiser, during review): scored
// assignments stay; unscored ones and those a conflict voids are withdrawn;
// each entry is topped up to k reviewers with the reviewers' total loads
// balanced (models.TopUpReviewers).
func (s *Service) Reassign(ctx context.Context, actor *Actor, id string) (*AssignmentSummary, error) {
	if _, err := s.managedCompetition(ctx, actor, id); err != nil {
		return nil, err
	}
	return core.Locked(s.d.Shared, ctx, "competition:"+id, func() (*AssignmentSummary, error) {
		c, err := s.st.Competitions.Competition(ctx, id)
		if err != nil {
			return nil, err
		}
		if c.Phase != models.PhaseReview {
			return nil, models.E(models.KindConflict, "只能在评审阶段重新分配评审", "reviewers are reassigned only during the review")
		}
		return s.assignReviewers(ctx, c, actor.AccountID, true)
	})
}

// assignReviewers gives each competing entry k conflict-free reviewers.
// Conflicted assignments are withdrawn; with rebalance, unscored ones too;
// the rest are kept and count towards each reviewer's load. Nothing is
// written unless every entry can be served. Callers hold the competition's lock.
func (s *Service) assignReviewers(ctx context.Context, c *models.Competition, by string, rebalance bool) (*AssignmentSummary, error) {
	entries, err := s.competingEntries(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	reviewers, err := s.st.Competitions.Reviewers(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	refs := make([]models.ReviewerRef, 0, len(reviewers))
	byID := map[string]models.ReviewerRef{}
	for _, r := range reviewers {
		// A deactivated or erased account reviews nothing more: it gets no
		// new entries, and its unscored ones go to others.
		if acct, err := s.st.Accounts.AccountByID(ctx, r.AccountID); err != nil {
			return nil, err
		} else if acct.Status != models.AccountActive {
			continue
		}
		ref, err := s.reviewerRef(ctx, r)
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
		byID[r.AccountID] = ref
	}
	existing, err := s.st.Competitions.Assignments(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	sheets, err := s.st.Competitions.ScoreSheets(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	scored := map[string]bool{}
	for _, sh := range sheets {
		scored[sh.EntryID+"#"+sh.ReviewerID] = true
	}
	sum := &AssignmentSummary{Entries: len(entries), PerEntry: c.ReviewersPerEntry, Reviewers: len(reviewers), Loads: map[string]int{}}
	have := map[string][]string{}
	var drop []*models.ReviewAssignment
	for _, a := range existing {
		e := entries[a.EntryID]
		if e == nil {
			continue // not competing any more: left as it was, not counted
		}
		ref, ok := byID[a.ReviewerID]
		switch {
		case !ok || ref.Conflicted(models.EntryRef{ID: e.ID, OrganisationID: e.OrganisationID}):
			drop = append(drop, a)
		case rebalance && !scored[a.EntryID+"#"+a.ReviewerID]:
			drop = append(drop, a)
		default:
			have[a.EntryID] = append(have[a.EntryID], a.ReviewerID)
			sum.Loads[a.ReviewerID]++
			sum.Kept++
		}
	}
	needs := make([]models.EntryNeed, 0, len(entries))
	for _, e := range entries {
		needs = append(needs, models.EntryNeed{EntryRef: models.EntryRef{ID: e.ID, OrganisationID: e.OrganisationID},
			Need: max(c.ReviewersPerEntry-len(have[e.ID]), 0), Have: have[e.ID]})
	}
	load := map[string]int{}
	for k, v := range sum.Loads {
		load[k] = v
	}
	plan, err := models.TopUpReviewers(needs, refs, load)
	if err != nil {
		if e, ok := err.(*models.Error); ok && e.Kind == models.KindInvalid {
			short := *e
			short.Kind = models.KindConflict
			short.Zh = fmt.Sprintf("无利益冲突的评审专家不足：%d 个项目无法分配到 %d 位评审（请邀请更多评审专家）", len(e.Fields), c.ReviewersPerEntry)
			short.En = fmt.Sprintf("too few reviewers without a conflict: %d entries cannot get %d reviewers (invite more reviewers)", len(e.Fields), c.ReviewersPerEntry)
			return nil, &short
		}
		return nil, err
	}
	for _, a := range drop {
		if err := s.st.Competitions.DeleteAssignment(ctx, c.ID, a.EntryID, a.ReviewerID); err != nil {
			return nil, err
		}
		// A sheet submitted while this run decided keeps its assignment
		// (see ScoreEntry for the other half of this handshake).
		sheets, err := s.st.Competitions.EntryScoreSheets(ctx, c.ID, a.EntryID)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(sheets, func(sh *models.ScoreSheet) bool { return sh.ReviewerID == a.ReviewerID }) {
			if err := s.st.Competitions.InsertAssignment(ctx, a); err != nil && !core.IsKind(err, models.KindConflict) {
				return nil, err
			}
			continue
		}
		sum.Removed++
	}
	ids := make([]string, 0, len(plan))
	for id := range plan {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	now := s.d.Now()
	for _, entryID := range ids {
		for _, reviewerID := range plan[entryID] {
			a := &models.ReviewAssignment{CompetitionID: c.ID, EntryID: entryID, ReviewerID: reviewerID, AssignedAt: now, AssignedBy: by}
			if err := s.st.Competitions.InsertAssignment(ctx, a); err != nil && !core.IsKind(err, models.KindConflict) {
				return nil, err
			}
			sum.Loads[reviewerID]++
			sum.Added++
		}
	}
	return sum, nil
}

// MyReviews lists the competitions the actor reviews.
func (s *Service) MyReviews(ctx context.Context, actor *Actor, p Page) ([]*ReviewerView, []*models.Competition, string, error) {
	rs, next, err := s.st.Competitions.ReviewerRecords(ctx, actor.AccountID, p.Normalised())
	if err != nil {
		return nil, nil, "", err
	}
	var views []*ReviewerView
	var comps []*models.Competition
	for _, r := range rs {
		c, err := s.st.Competitions.Competition(ctx, r.CompetitionID)
		if core.IsKind(err, models.KindNotFound) {
			continue
		} else if err != nil {
			return nil, nil, "", err
		}
		if c.Phase == models.PhaseDraft {
			continue
		}
		views = append(views, s.reviewerView(ctx, c, r, ""))
		comps = append(comps, c)
	}
	return views, comps, next, nil
}
