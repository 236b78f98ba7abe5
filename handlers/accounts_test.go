package handlers_test

import (
	"strings"
	"testing"
)

// TestGrantRoleScopes: only civil_affairs grants roles, only inside its division.
func TestGrantRoleScopes(t *testing.T) {
	h := newHarness(t)
	zhongyuan := h.admin("13700000001", "410102") // 中原区 civil affairs
	h.register("13700000009")
	volunteer, _ := h.login("13700000009", "secret-pass")

	grant := func(tok, body string) response {
		return h.do("POST", "/v1/accounts", body, bearerHeader(tok)...)
	}
	const inZhongyuan = "410102001002" // 碧沙岗社区居委会, 林山寨街道, 中原区
	const inErqi = "410103001001"
	cases := []struct {
		name, token, body string
		status            int
		location          string
	}{
		{"volunteer cannot grant", volunteer, `{"phone":"13700000010","password":"secret-pass","name":"a","role":"community_admin","communityCode":"` + inZhongyuan + `"}`, 403, ""},
		{"outside own division", zhongyuan, `{"phone":"13700000011","password":"secret-pass","name":"a","role":"community_admin","communityCode":"` + inErqi + `"}`, 403, ""},
		{"unknown community", zhongyuan, `{"phone":"13700000012","password":"secret-pass","name":"a","role":"community_admin","communityCode":"410102999999"}`, 422, "body.communityCode"},
		{"community code of a street", zhongyuan, `{"phone":"13700000012","password":"secret-pass","name":"a","role":"community_admin","communityCode":"410102001"}`, 422, "body.communityCode"},
		{"volunteer role not grantable", zhongyuan, `{"phone":"13700000012","password":"secret-pass","name":"a","role":"volunteer"}`, 422, "body.role"},
		{"civil affairs at town level", zhongyuan, `{"phone":"13700000012","password":"secret-pass","name":"a","role":"civil_affairs","divisionCode":"410102001"}`, 422, "body.divisionCode"},
		{"county cannot create a city account", zhongyuan, `{"phone":"13700000012","password":"secret-pass","name":"a","role":"civil_affairs","divisionCode":"4101"}`, 403, ""},
		{"org role needs an organisation", zhongyuan, `{"phone":"13700000012","password":"secret-pass","name":"a","role":"org_admin","organisationId":"nope"}`, 422, "body.organisationId"},
		{"new account, weak password", zhongyuan, `{"phone":"13700000012","password":"12345678","name":"a","role":"community_admin","communityCode":"` + inZhongyuan + `"}`, 422, "body.password"},
		{"new community admin", zhongyuan, `{"phone":"13700000013","password":"secret-pass","name":"社区书记","role":"community_admin","communityCode":"` + inZhongyuan + `"}`, 201, ""},
		{"existing account gets the binding", zhongyuan, `{"phone":"13700000009","role":"community_admin","communityCode":"` + inZhongyuan + `"}`, 200, ""},
		{"granting twice changes nothing", zhongyuan, `{"phone":"13700000009","role":"community_admin","communityCode":"` + inZhongyuan + `"}`, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := grant(c.token, c.body)
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.location != "" && !strings.Contains(strings.Join(r.locations(), ","), c.location) {
				t.Errorf("errors name %v, want %s", r.locations(), c.location)
			}
		})
	}
	// Refused grants created nothing.
	for _, phone := range []string{"13700000010", "13700000011", "13700000012"} {
		if r := h.do("POST", "/v1/auth/login", `{"phone":"`+phone+`","password":"secret-pass"}`); r.Status != 401 {
			t.Errorf("refused grant created account %s: %d", phone, r.Status)
		}
	}
	// The volunteer's old token still says volunteer only; after a refresh the new binding shows, once.
	_, refresh := h.login("13700000009", "secret-pass")
	r := h.do("POST", "/v1/auth/refresh", `{"refreshToken":"`+refresh+`"}`)
	roles := r.Body["account"].(map[string]any)["roles"].([]any)
	if len(roles) != 2 || roles[1].(map[string]any)["communityCode"] != inZhongyuan {
		t.Fatalf("roles after grant: %v", roles)
	}
	// The new community admin's password works; the existing account's password was not changed.
	h.login("13700000013", "secret-pass")
	h.login("13700000009", "secret-pass")
}
