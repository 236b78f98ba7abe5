package accounts

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Personal data rights: a person downloads everything the service holds
// about them (Export) and has it erased (EraseMe), keeping what the audit
// log and other people's records need.

// PersonalDataStore erases a person's data and finds what is kept about them.
type PersonalDataStore interface {
	// ErasePerson deletes the person's volunteer and social-worker profiles
	// and pathway, and replaces the copies of their name and phone other
	// records keep (organisation memberships, the verifier's name on hours
	// records they verified) with models.ErasedName and "".
	ErasePerson(ctx context.Context, accountID string) error
	// PlaintextVolunteers lists profiles still holding an ID number or
	// guardian details unsealed (saved before sealing).
	PlaintextVolunteers(ctx context.Context) ([]string, error)
	// AuditAbout lists, oldest first, up to limit audit entries about the
	// person: their account, volunteer and social-worker profiles, pathway.
	AuditAbout(ctx context.Context, accountID string, limit int) ([]*models.AuditEntry, error)
}

// ErasureConfirmation proves the person asks for erasure themselves: their
// password, or the code sent to their phone (purpose delete_account).
type ErasureConfirmation struct {
	Password, Code, ClientIP string
}

// EraseMe erases the caller's personal data and ends every login of theirs.
// What other people's records and the audit need stays, pointing to the
// account id, now named models.ErasedName: verified hours keep counting
// toward the community's and organisation's totals, plans keep their
// history. Places still to come are freed and open invitations declined;
// the phone, the ID number and the WeChat user are free for a new account.
func (s *Service) EraseMe(ctx context.Context, actor *Actor, c ErasureConfirmation) error {
	id := actor.AccountID
	a, err := s.st.Accounts.AccountByID(ctx, id)
	if err != nil {
		return err
	}
	if a.Status == models.AccountErased {
		return core.ErrNotFound
	}
	if err := s.confirmErasure(ctx, a, c); err != nil {
		return err
	}
	// The division whose civil affairs sees the erasure in the audit log.
	division := models.CityCode
	if v, err := s.st.Volunteers.Volunteer(ctx, id); err == nil && v.CommunityCode != "" {
		division = v.CommunityCode
	} else if err != nil && !core.IsKind(err, models.KindNotFound) {
		return err
	}
	s.d.WithdrawFromService(ctx, actor)
	err = s.d.WithLock(ctx, "volunteer:"+id, func() error {
		v, err := s.st.Volunteers.Volunteer(ctx, id)
		if err == nil && v.IDNumber != "" {
			if err := s.st.Volunteers.ReleaseIDNumber(ctx, hashToken(v.IDNumber), id); err != nil {
				return err
			}
		} else if err != nil && !core.IsKind(err, models.KindNotFound) {
			return err
		}
		return s.st.PersonalData.ErasePerson(ctx, id)
	})
	if err != nil {
		return err
	}
	s.d.VolunteerChanged(ctx, id)
	var phone, openid string
	if _, err := s.ChangedAccount(ctx, id, func(a *models.Account, now time.Time) (string, error) {
		phone, openid = a.Phone, a.WeChatOpenID
		a.Erase(now)
		return "erased", nil
	}); err != nil {
		return err
	}
	if phone != "" {
		if err := s.st.AccountChanges.ReleasePhone(ctx, phone, id); err != nil {
			s.d.Log.WarnContext(ctx, "phone of an erased account not released", "account", id, "err", err)
		}
	}
	if openid != "" {
		if err := s.st.AccountChanges.ReleaseWeChat(ctx, openid, id); err != nil {
			s.d.Log.WarnContext(ctx, "WeChat user of an erased account not released", "account", id, "err", err)
		}
	}
	_ = s.d.Audit(ctx, actor, "account.erased", "account:"+id, division, "")
	return nil
}

func (s *Service) confirmErasure(ctx context.Context, a *models.Account, c ErasureConfirmation) error {
	switch {
	case c.Password != "":
		limits := s.loginLimits(Credentials{Phone: a.Phone, ClientIP: c.ClientIP}, passwordGeneration(a))
		if err := s.checkLimits(ctx, limits); err != nil {
			return err
		}
		if !a.HasPassword() || !CheckPassword(a.PasswordHash, c.Password) {
			s.countFailure(ctx, limits)
			return models.Invalid("password", "密码错误", "wrong password")
		}
		return nil
	case c.Code != "":
		if err := models.ValidateCode("code", c.Code); err != nil {
			return err
		}
		return s.verifyCode(ctx, a.Phone, models.PurposeDeleteAccount, c.Code, "code")
	}
	return models.Invalid("password", "请输入密码或短信验证码以确认注销", "confirm with your password or an SMS code")
}

// SealPlaintextPersonalData seals the ID numbers and guardian details of
// profiles saved before sealing existed (each under the profile's lock, so
// a concurrent edit is not lost). It returns how many profiles it sealed.
func (s *Service) SealPlaintextPersonalData(ctx context.Context) (int, error) {
	ids, err := s.st.PersonalData.PlaintextVolunteers(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.d.WithLock(ctx, "volunteer:"+id, func() error {
			v, err := s.st.Volunteers.Volunteer(ctx, id)
			if core.IsKind(err, models.KindNotFound) {
				return nil
			} else if err != nil {
				return err
			}
			return s.st.Volunteers.SaveVolunteer(ctx, v)
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
