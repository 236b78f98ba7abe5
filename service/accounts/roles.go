package accounts

import (
	"context"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Grant asks for a person (by phone) to hold a privileged role binding.
type Grant struct {
	Phone, Password, Name string
	Binding               models.RoleBinding
}

// grant gives the phone's account the binding, creating the account when
// the phone has none.
func (s *Service) grant(ctx context.Context, g Grant) (*models.Account, bool, error) {
	existing, err := s.st.Accounts.AccountByPhone(ctx, g.Phone)
	if core.IsKind(err, models.KindNotFound) {
		var p models.Problems
		core.Collect(&p, models.ValidatePassword("password", g.Password))
		core.Collect(&p, models.ValidateName("name", g.Name))
		if err := p.Err(); err != nil {
			return nil, false, err
		}
		a, err := s.CreateAccount(ctx, g.Phone, g.Password, g.Name, []models.RoleBinding{g.Binding})
		if !core.IsKind(err, models.KindConflict) {
			return a, err == nil, err
		}
		// Lost a race with another registration of this phone: add the binding to theirs.
		existing, err = s.st.Accounts.AccountByPhone(ctx, g.Phone)
		if err != nil {
			return nil, false, err
		}
	} else if err != nil {
		return nil, false, err
	}
	a, err := s.AddRole(ctx, existing.ID, g.Binding)
	return a, false, err
}

// AddRole adds a binding under a per-account lock: FerretDB applies updates
// as read-modify-write, so two unserialised role changes could lose one.
// The account's cached gate is replaced in the same step, so the binding
// authorises from the person's next request.
func (s *Service) AddRole(ctx context.Context, accountID string, b models.RoleBinding) (*models.Account, error) {
	return core.Locked(s.d.Shared, ctx, "account:"+accountID, func() (*models.Account, error) {
		a, err := s.st.Accounts.AccountByID(ctx, accountID)
		if err != nil {
			return nil, err
		}
		if a.AddRole(b) {
			if err := s.st.Accounts.SetRoles(ctx, a.ID, a.Roles, s.d.Now()); err != nil {
				return nil, err
			}
			s.setAccountGate(ctx, a)
		}
		return a, nil
	})
}

// BootstrapAdmin makes sure a civil_affairs account for division exists with
// this phone: it creates the account, or adds the binding to an existing one.
// Used by `wushe admin create` and WUSHE_BOOTSTRAP_ADMIN_*; no actor needed.
func (s *Service) BootstrapAdmin(ctx context.Context, phone, password, name, division string) (*models.Account, bool, error) {
	phone = models.NormalisePhone(phone)
	if err := models.ValidatePhone("phone", phone); err != nil {
		return nil, false, err
	}
	if err := models.ValidateDivision("division", division, ""); err != nil {
		return nil, false, err
	}
	if name == "" {
		name = "民政管理员"
	}
	return s.grant(ctx, Grant{Phone: phone, Password: password, Name: name,
		Binding: models.RoleBinding{Role: models.RoleCivilAffairs, DivisionCode: division}})
}

// AccountChangeStore changes accounts after they are created, and keeps
// the unique claims that name them (phones, WeChat openids). Callers hold
// the account's lock ("account:"+id) around every read-modify-write.
type AccountChangeStore interface {
	// SaveAccount writes a's mutable fields (name, phone, password hash,
	// roles, status, WeChat ids, TokensNotBefore, UpdatedAt);
	// models.ErrNotFound when there is no such account.
	SaveAccount(ctx context.Context, a *models.Account) error
	// ClaimPhone records that accountID holds phone, by a unique insert:
	// models.ErrConflict when another account holds it; claiming one's own
	// again succeeds.
	ClaimPhone(ctx context.Context, phone, accountID string, at time.Time) error
	// ReleasePhone gives up accountID's claim of phone (no-op when it holds none).
	ReleasePhone(ctx context.Context, phone, accountID string) error
	// AccountsWithBinding lists the accounts that hold binding b.
	AccountsWithBinding(ctx context.Context, b models.RoleBinding) ([]*models.Account, error)
	// SetMemberPhones updates the copies of the account's phone in its
	// organisation memberships (after a phone change).
	SetMemberPhones(ctx context.Context, accountID, phone string) error
	// ClaimWeChat binds an openid to accountID by a unique insert keyed by
	// the openid: models.ErrConflict when another account has it; binding
	// one's own again succeeds.
	ClaimWeChat(ctx context.Context, id models.WeChatIdentity, accountID string, at time.Time) error
	// WeChatAccount returns the id of the account bound to openid;
	// models.ErrNotFound when none is.
	WeChatAccount(ctx context.Context, openid string) (string, error)
	// ReleaseWeChat removes accountID's binding of openid (no-op when absent).
	ReleaseWeChat(ctx context.Context, openid, accountID string) error
	// RemoveMembership ends accountID's membership of organisation orgID in
	// role, when that binding is taken away (no-op when absent).
	RemoveMembership(ctx context.Context, orgID, accountID string, role models.Role) error
}

// PhoneChange moves the caller's account to a new phone, proven by the
// code sent to that phone (purpose change_phone).
type PhoneChange struct {
	Phone, Code string
	Password    string // the current password: required when the account has one
	ClientIP    string
}

// ChangePhone moves the caller's account to a new phone. The new number is
// claimed by a unique insert before the account changes, so two accounts
// can never end up with one phone; the old number is then free for others.
func (s *Service) ChangePhone(ctx context.Context, actor *Actor, c PhoneChange) (*models.Account, error) {
	c.Phone = models.NormalisePhone(c.Phone)
	var p models.Problems
	core.Collect(&p, models.ValidatePhone("phone", c.Phone))
	core.Collect(&p, models.ValidateCode("code", c.Code))
	if err := p.Err(); err != nil {
		return nil, err
	}
	cur, err := s.st.Accounts.AccountByID(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	if cur.HasPassword() {
		// The person, not only their token: a stolen access token would
		// otherwise move the account to the thief's phone, then reset it.
		limits := s.loginLimits(Credentials{Phone: cur.Phone, ClientIP: c.ClientIP}, passwordGeneration(cur))
		if err := s.checkLimits(ctx, limits); err != nil {
			return nil, err
		}
		if c.Password == "" || !CheckPassword(cur.PasswordHash, c.Password) {
			s.countFailure(ctx, limits)
			return nil, models.Invalid("password", "请输入正确的当前密码", "give your current password")
		}
	}
	if err := s.verifyCode(ctx, c.Phone, models.PurposeChangePhone, c.Code, "code"); err != nil {
		return nil, err
	}
	old := ""
	a, err := s.ChangedAccount(ctx, actor.AccountID, func(a *models.Account, now time.Time) (string, error) {
		if a.Status == models.AccountErased {
			return "", core.ErrNotFound
		}
		if a.Phone == c.Phone {
			return "", nil
		}
		if err := s.st.AccountChanges.ClaimPhone(ctx, c.Phone, a.ID, now); err != nil {
			if core.IsKind(err, models.KindConflict) {
				return "", &models.Error{Kind: models.KindConflict, Code: models.CodePhoneRegistered, Zh: "该手机号已被其他账号使用", En: "another account has this phone number",
					Fields: []models.FieldError{{Field: "phone", Zh: "该手机号已被其他账号使用", En: "another account has this phone number"}}}
			}
			return "", err
		}
		old, a.Phone = a.Phone, c.Phone
		return "", nil
	})
	if err != nil {
		// A claim of the new number made before a failed save stays with
		// this account, so the move can simply be retried.
		return nil, err
	}
	if old != "" {
		// Member rolls show the new number, not one that may soon be someone else's.
		if err := s.st.AccountChanges.SetMemberPhones(ctx, a.ID, a.Phone); err != nil {
			s.d.Log.WarnContext(ctx, "member rolls still show the old phone", "account", a.ID, "err", err)
		}
		// Only now, with the account saved under its new number, is the old one free.
		if err := s.st.AccountChanges.ReleasePhone(ctx, old, a.ID); err != nil {
			s.d.Log.WarnContext(ctx, "old phone not released; it stays unusable until released", "account", a.ID, "err", err)
		}
	}
	return a, nil
}
