package posts

import (
	"context"
	"strconv"
	"strings"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// Filling a post: the employer (civil affairs of the division, or an admin
// of the unit's organisation) offers it to a verified social worker; the
// worker accepts; the post is then filled and confirmed, and counts. A
// worker never makes themselves a holder, and nobody offers a post to
// themselves. One post has at most one holding that has not ended, and one
// person at most one (offered or filled): both are unique keys of the
// holding document, so the store decides races, not a read before a write.

var (
	errPostTaken = &models.Error{Kind: models.KindConflict, Code: models.CodePostTaken,
		Zh: "该岗位已有在任者或待接受的聘任", En: "the post has a holder or a pending offer"}
	errHoldsAnother = &models.Error{Kind: models.KindConflict, Code: models.CodeHoldsAnotherPost,
		Zh: "该社工已在任或已获聘另一岗位", En: "the social worker holds or is offered another post",
		Fields: []models.FieldError{{Field: "socialWorkerId", Zh: "该社工已在任或已获聘另一岗位", En: "the social worker holds or is offered another post"}}}
)

// OfferInput is the employer's offer of a post.
type OfferInput struct {
	SocialWorkerID string
	StartedOn      string // YYYY-MM-DD, optional
}

// Offer offers a vacant post to a verified social worker whose certificate
// meets the post's level.
func (s *Service) Offer(ctx context.Context, actor *Actor, postID string, in OfferInput) (*PostView, error) {
	// One read of the holdings decides both whether the post is taken and
	// the number the next holding claims: a later read could see a holding
	// that an earlier one did not, and claim the number after it.
	p, err := s.st.Posts.Post(ctx, postID)
	if err != nil {
		return nil, err
	}
	hs, err := s.st.Posts.Holdings(ctx, []string{postID})
	if err != nil {
		return nil, err
	}
	p.Holder = current(hs[postID])
	seq := 1
	if n := len(hs[postID]); n > 0 {
		seq = hs[postID][n-1].Seq + 1
	}
	if err := policy.Authorize(actor, "offer-post", postObject(p, "")); err != nil {
		return nil, err
	}
	if in.SocialWorkerID == actor.AccountID {
		return nil, models.E(models.KindForbidden, "不能把岗位聘给自己", "you cannot offer a post to yourself")
	}
	if in.StartedOn != "" {
		if _, err := models.ParseDate("startedOn", in.StartedOn); err != nil {
			return nil, err
		}
	}
	if h := p.Holder; h != nil {
		if h.AccountID == in.SocialWorkerID {
			return s.view(ctx, p) // a retried offer answers the same
		}
		return nil, errPostTaken
	}
	w, err := s.st.SocialWorkers.SocialWorker(ctx, in.SocialWorkerID)
	if core.IsKind(err, models.KindNotFound) {
		return nil, models.Invalid("socialWorkerId", "不是已登记的社会工作者", "not a registered social worker")
	} else if err != nil {
		return nil, err
	}
	if err := models.CanHold("socialWorkerId", w.VerifiedLevel(), p); err != nil {
		return nil, err
	}
	h := &models.PostHolding{ID: postID + "#" + strconv.Itoa(seq), PostID: postID, Seq: seq, AccountID: w.AccountID,
		State: models.HoldingOffered, Level: w.VerifiedLevel(), OfferedBy: actor.AccountID, OfferedAt: s.d.Now(), StartedOn: in.StartedOn}
	if err := s.st.Posts.InsertHolding(ctx, h); core.IsKind(err, models.KindConflict) {
		won, err := s.whyTaken(ctx, h)
		if err != nil {
			return nil, err
		}
		p.Holder = won
		return s.view(ctx, p) // an earlier try of this offer wrote the holding
	} else if err != nil {
		return nil, err
	}
	_ = s.d.Audit(ctx, actor, "post.offer", "post:"+p.ID, p.DivisionCode, w.AccountID)
	// The offer reaches the worker's inbox (kind role_offer: a post is an
	// offer of an employment role to accept, see GET /v1/me/posts).
	if _, err := s.d.Notify(ctx, &models.Notification{Key: "post_offer:" + h.ID, AccountID: w.AccountID, Kind: models.NoteRoleOffer,
		TitleZh: "岗位聘任待接受：" + p.Title, TitleEn: "A post is offered to you: " + p.Title,
		BodyZh: "用人单位向您聘任社会工作专业岗位，请在“我的岗位”中接受。", BodyEn: "An employer offers you a professional social-work post; accept it under My posts.",
		Link: "/v1/posts/" + p.ID, CreatedAt: s.d.Now()}); err != nil {
		s.d.Degraded(ctx, "notify", err)
	}
	p.Holder = h
	return s.view(ctx, p)
}

// whyTaken tells which key an insert of h collided with: the post's next
// number (another offer won the post: errPostTaken, unless it is this
// very offer, written by an earlier try whose answer was lost, which is
// returned) or the person's active holding (errHoldsAnother).
func (s *Service) whyTaken(ctx context.Context, h *models.PostHolding) (*models.PostHolding, error) {
	hs, err := s.st.Posts.Holdings(ctx, []string{h.PostID})
	if err != nil {
		return nil, err
	}
	for _, x := range hs[h.PostID] {
		if x.Seq == h.Seq {
			if x.AccountID == h.AccountID && x.Active() {
				return x, nil
			}
			return nil, errPostTaken
		}
	}
	return nil, errHoldsAnother
}

// Accept is the offered worker's acceptance: the post is filled and
// confirmed. The certificate is checked again; accepting twice answers the
// same post.
func (s *Service) Accept(ctx context.Context, actor *Actor, postID string) (*PostView, error) {
	return core.Locked(s.d.Shared, ctx, "post:"+postID, func() (*PostView, error) {
		p, err := s.post(ctx, postID)
		if err != nil {
			return nil, err
		}
		h := p.Holder
		person := ""
		if h != nil {
			person = h.AccountID
		}
		if err := policy.Authorize(actor, "accept-post-offer", postObject(p, person)); err != nil {
			return nil, err
		}
		if h.State == models.HoldingFilled {
			return s.view(ctx, p)
		}
		w, err := s.st.SocialWorkers.SocialWorker(ctx, actor.AccountID)
		if err != nil && !core.IsKind(err, models.KindNotFound) {
			return nil, err
		}
		var level models.CertificateLevel
		if w != nil {
			level = w.VerifiedLevel()
		}
		if err := models.CanHold("post", level, p); err != nil {
			return nil, models.E(models.KindConflict, "您的已核验证书已不满足岗位要求", "your verified certificate no longer meets the post's level").Wrap(err)
		}
		now := s.d.Now()
		h.State, h.Level, h.AcceptedAt = models.HoldingFilled, level, &now
		if err := s.st.Posts.UpdateHolding(ctx, h); err != nil {
			return nil, err
		}
		_ = s.d.Audit(ctx, actor, "post.accept", "post:"+p.ID, p.DivisionCode, "")
		return s.view(ctx, p)
	})
}

// VacateInput says why a post is vacated.
type VacateInput struct {
	Reason string
}

// Vacate ends the post's current holding (an offer withdrawn or declined,
// or a holder leaving): the employer, or the holder themselves. The
// holding stays in the post's history.
func (s *Service) Vacate(ctx context.Context, actor *Actor, postID string, in VacateInput) (*PostView, error) {
	return core.Locked(s.d.Shared, ctx, "post:"+postID, func() (*PostView, error) {
		p, err := s.post(ctx, postID)
		if err != nil {
			return nil, err
		}
		person := ""
		if p.Holder != nil {
			person = p.Holder.AccountID
		}
		if err := policy.Authorize(actor, "vacate-post", postObject(p, person)); err != nil {
			return nil, err
		}
		if p.Holder == nil {
			return nil, models.E(models.KindConflict, "岗位已空缺", "the post is vacant")
		}
		reason := strings.TrimSpace(in.Reason)
		if n := len([]rune(reason)); n < 2 || n > 500 {
			return nil, models.Invalid("reason", "须填写 2–500 字的原因", "a reason of 2–500 characters is needed")
		}
		h, now := p.Holder, s.d.Now()
		h.State, h.EndedAt, h.EndedBy, h.EndReason = models.HoldingEnded, &now, actor.AccountID, reason
		if err := s.st.Posts.UpdateHolding(ctx, h); err != nil {
			return nil, err
		}
		_ = s.d.Audit(ctx, actor, "post.vacate", "post:"+p.ID, p.DivisionCode, reason)
		p.Holder = nil
		return s.view(ctx, p)
	})
}

// History lists every holding of a post, oldest first: civil affairs of
// its division and the unit's organisation's admins.
func (s *Service) History(ctx context.Context, actor *Actor, postID string) ([]*models.PostHolding, error) {
	p, err := s.st.Posts.Post(ctx, postID)
	if err != nil {
		return nil, err
	}
	if err := policy.Authorize(actor, "post-history", postObject(p, "")); err != nil {
		return nil, err
	}
	hs, err := s.st.Posts.Holdings(ctx, []string{postID})
	if err != nil {
		return nil, err
	}
	return append([]*models.PostHolding{}, hs[postID]...), nil
}

// MyPosts lists the caller's current offers and posts, with each post's
// pay check and allowance eligibility.
func (s *Service) MyPosts(ctx context.Context, actor *Actor) ([]*PostView, error) {
	hs, err := s.st.Posts.HoldingsOf(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	var list []*models.Post
	for _, h := range hs {
		if !h.Active() {
			continue
		}
		p, err := s.st.Posts.Post(ctx, h.PostID)
		if core.IsKind(err, models.KindNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		p.Holder = h
		list = append(list, p)
	}
	if len(list) == 0 {
		return []*PostView{}, nil
	}
	return s.views(ctx, list)
}
