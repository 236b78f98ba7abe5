package models

import "time"

// CodePurpose is what an SMS verification code may be used for; a code sent
// for one purpose is refused for any other.
type CodePurpose string

const (
	PurposeRegister      CodePurpose = "register"
	PurposeLogin         CodePurpose = "login"
	PurposeResetPassword CodePurpose = "reset_password"
	PurposeChangePhone   CodePurpose = "change_phone"
	PurposeBindWeChat    CodePurpose = "bind_wechat"
	PurposeDeleteAccount CodePurpose = "delete_account"
)

// CodePurposes lists every purpose, in the order the API documents them.
var CodePurposes = []CodePurpose{PurposeRegister, PurposeLogin, PurposeResetPassword, PurposeChangePhone, PurposeBindWeChat, PurposeDeleteAccount}

// Valid reports whether p is a known purpose.
func (p CodePurpose) Valid() bool {
	for _, q := range CodePurposes {
		if p == q {
			return true
		}
	}
	return false
}

// SMSMessage is one verification code to send (the service decides what
// to send; an SMS adapter only sends it).
type SMSMessage struct {
	Phone   string
	Code    string
	Purpose CodePurpose
	TTL     time.Duration
	// AccountExists: no code; the message tells the person that the phone
	// already has an account (someone asked to register it, or to move
	// another account to it), so they can log in or reset the password.
	AccountExists bool
}

// The rules of SMS verification codes and WeChat binding tickets.
const (
	CodeLength      = 6                // digits
	CodeTTL         = 5 * time.Minute  // a code is valid this long after it is sent
	CodeMaxTries    = 5                // tries of one code from one client, right or wrong; then it is void for that client
	CodeMaxTriesAll = 10               // tries of one code from all clients; then it is void
	WeChatTicketTTL = 10 * time.Minute // a binding ticket is valid this long
)

// ValidateCode checks the form of a verification code: 6 digits.
func ValidateCode(field, code string) error {
	ok := len(code) == CodeLength
	for i := 0; ok && i < len(code); i++ {
		ok = code[i] >= '0' && code[i] <= '9'
	}
	if !ok {
		return Invalid(field, "验证码应为 6 位数字", "the code must be 6 digits")
	}
	return nil
}

// WeChatIdentity is who WeChat says a mini-program user is.
type WeChatIdentity struct {
	OpenID  string // per mini-program
	UnionID string // across the developer's apps; "" unless bound on the open platform
}
