package policy

import (
	"testing"

	"github.com/wushe/wushe/models"
)

func TestPolicyDecisions(t *testing.T) {
	city := &Actor{AccountID: "city", Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: "4101"}}}
	county := &Actor{AccountID: "zy", Roles: []models.RoleBinding{{Role: models.RoleCivilAffairs, DivisionCode: "410102"}}}
	orgAdmin := &Actor{AccountID: "oa", Roles: []models.RoleBinding{{Role: models.RoleOrgAdmin, OrganisationID: "org-a"}}}
	charity := &Actor{AccountID: "ca", Roles: []models.RoleBinding{{Role: models.RoleCharityAdmin, OrganisationID: "charity-a"}}}
	committee := &Actor{AccountID: "cm", Roles: []models.RoleBinding{{Role: models.RoleCommunityAdmin, CommunityCode: "410102001002"}}}
	official := Object{Person: "city", Scopes: []string{"4101"}}
	volunteer := Object{Person: "v", Scopes: []string{"410102001002"}}
	twoCounties := Object{Person: "w", Scopes: []string{"410102", "410103001001"}}
	for _, c := range []struct {
		name  string
		actor *Actor
		act   Action
		obj   Object
		want  bool
	}{
		{"the city deactivates a 中原区 volunteer", city, "deactivate-account", volunteer, true},
		{"the county deactivates its own volunteer", county, "deactivate-account", volunteer, true},
		{"the county cannot touch the city official", county, "deactivate-account", official, false},
		{"the county cannot touch a person who also holds 二七区", county, "deactivate-account", twoCounties, false},
		{"nobody deactivates themselves", city, "deactivate-account", official, false},
		{"an org admin never deactivates", orgAdmin, "deactivate-account", volunteer, false},
		{"a person with no scopes is nobody's", city, "deactivate-account", Object{Person: "x"}, false},
		{"an org admin edits its organisation", orgAdmin, "update-organisation", Object{Division: "410103", Orgs: []string{"org-a"}}, true},
		{"an org admin cannot edit another", orgAdmin, "update-organisation", Object{Division: "410102", Orgs: []string{"org-b"}}, false},
		{"an org admin is no fund manager", orgAdmin, "fund-ledger", Object{Manager: "org-a"}, false},
		{"the charity's admin manages its fund", charity, "fund-ledger", Object{Manager: "charity-a"}, true},
		{"civil affairs over the charity audits its fund", county, "fund-ledger", Object{Manager: "charity-b", Division: "410102"}, true},
		{"the committee manages its need", committee, "update-need", Object{Community: "410102001002", Division: "410102001002"}, true},
		{"civil affairs does not edit a need", county, "update-need", Object{Community: "410102001002", Division: "410102001002"}, false},
		{"the complainant reads the complaint", orgAdmin, "get-complaint", Object{Division: "410103", Parties: []string{"oa"}}, true},
		{"public pages need no sign-in", nil, "get-fund", Object{}, true},
		{"signed-in routes need a sign-in", nil, "me", Object{}, false},
		{"an action without a row is refused", city, "launch-rockets", Object{Division: "4101"}, false},
	} {
		if got := Allowed(c.actor, c.act, c.obj); got != c.want {
			t.Errorf("%s: allowed = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestPolicyRowsName their relations: every row lists at least one, and
// only relations holds knows.
func TestPolicyRowsNameTheirRelations(t *testing.T) {
	known := map[Relation]bool{Anyone: true, SignedIn: true, Self: true, Committee: true, CivilAffairs: true,
		CivilAffairsOverPerson: true, OrgAdmin: true, OrgStaff: true, FundManager: true, Party: true, Verified: true}
	if len(Actions()) < 150 {
		t.Fatalf("only %d rows", len(Actions()))
	}
	for _, a := range Actions() {
		r, _ := PolicyOf(a)
		if len(r.Who) == 0 {
			t.Errorf("%s: no relation", a)
		}
		for _, w := range r.Who {
			if !known[w] {
				t.Errorf("%s: unknown relation %q", a, w)
			}
		}
	}
}
