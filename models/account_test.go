package models

import "testing"

func TestAccountRemoveRoleAndErase(t *testing.T) {
	a := &Account{ID: "a1", Phone: "13800000000", Name: "张三", PasswordHash: "h", Status: AccountActive, WeChatOpenID: "o1",
		Roles: []RoleBinding{{Role: RoleVolunteer}, {Role: RoleCommunityAdmin, CommunityCode: "410102001002"}}}
	if a.RemoveRole(RoleBinding{Role: RoleCommunityAdmin, CommunityCode: "410103001001"}) {
		t.Error("removed a binding of another community")
	}
	if !a.RemoveRole(RoleBinding{Role: RoleCommunityAdmin, CommunityCode: "410102001002"}) || len(a.Roles) != 1 || a.Roles[0].Role != RoleVolunteer {
		t.Fatalf("roles after removal: %v", a.Roles)
	}
	a.Erase(a.CreatedAt.AddDate(1, 0, 0))
	if a.Phone != "" || a.Name != ErasedName || a.PasswordHash != "" || a.WeChatOpenID != "" || len(a.Roles) != 0 || a.Status != AccountErased || a.HasPassword() {
		t.Fatalf("erased account keeps personal data: %+v", a)
	}
}
