package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/store/storetest"
)

// TestPersonalFieldsAreSealedAtRest: the stored document holds neither the
// ID number nor the guardian's details in the clear; the store reads them back.
func TestPersonalFieldsAreSealedAtRest(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	if err := db.UseDataKey([]byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	want := fullVolunteer("v-sealed")
	if err := db.Volunteers().SaveVolunteer(ctx, want); err != nil {
		t.Fatal(err)
	}
	raw, err := db.Database().Collection("volunteers").FindOne(ctx, bson.M{"_id": "v-sealed"}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	doc := raw.String()
	for _, secret := range []string{want.IDNumber, want.IDNumber[6:14], want.Guardian.GuardianName, want.Guardian.GuardianPhone, want.Guardian.Relationship} {
		if strings.Contains(doc, secret) {
			t.Errorf("the stored document shows %q: %s", secret, doc)
		}
	}
	got, err := db.Volunteers().Volunteer(ctx, "v-sealed")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
	// A sealed value copied into another profile does not open there.
	if _, err := db.Database().Collection("volunteers").InsertOne(ctx, bson.M{"_id": "v-copy", "idNumberSealed": raw.Lookup("idNumberSealed").StringValue(),
		"skills": bson.A{}, "credentials": bson.A{}, "availability": bson.A{}, "blackouts": bson.A{}, "scopes": bson.A{}, "domains": bson.A{}, "languages": bson.A{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Volunteers().Volunteer(ctx, "v-copy"); !errors.Is(err, models.ErrInternal) || strings.Contains(err.Error(), want.IDNumber) {
		t.Errorf("a copied sealed value: %v", err)
	}
}

// TestPlaintextProfilesAreReadAndSealed: profiles saved before sealing are
// read, listed, and sealed by saving them again.
func TestPlaintextProfilesAreReadAndSealed(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	col := db.Database().Collection("volunteers")
	if _, err := col.InsertOne(ctx, bson.M{"_id": "v-old", "realName": "王五", "idNumber": "41010219900307123X",
		"guardian": bson.M{"name": "王父", "phone": "13812345678", "relationship": "父子", "consentedOn": "2025-01-01"},
		"skills":   bson.A{}, "credentials": bson.A{}, "availability": bson.A{}, "blackouts": bson.A{}, "scopes": bson.A{}, "domains": bson.A{}, "languages": bson.A{}}); err != nil {
		t.Fatal(err)
	}
	v, err := db.Volunteers().Volunteer(ctx, "v-old")
	if err != nil || v.IDNumber != "41010219900307123X" || v.Guardian == nil || v.Guardian.GuardianPhone != "13812345678" {
		t.Fatalf("legacy profile: %+v %v", v, err)
	}
	ids, err := db.PersonalData().PlaintextVolunteers(ctx)
	if err != nil || len(ids) != 1 || ids[0] != "v-old" {
		t.Fatalf("plaintext profiles: %v %v", ids, err)
	}
	if err := db.Volunteers().SaveVolunteer(ctx, v); err != nil {
		t.Fatal(err)
	}
	if ids, _ := db.PersonalData().PlaintextVolunteers(ctx); len(ids) != 0 {
		t.Fatalf("still plaintext after saving: %v", ids)
	}
	raw, _ := col.FindOne(ctx, bson.M{"_id": "v-old"}).Raw()
	if strings.Contains(raw.String(), "41010219900307123X") || strings.Contains(raw.String(), "13812345678") {
		t.Fatalf("saved again but still in the clear: %s", raw)
	}
}

// TestNoDataKeyRefusesToSeal: a store told it has no key writes no personal field at all.
func TestNoDataKeyRefusesToSeal(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	_ = db.UseDataKey(nil)
	if err := db.Volunteers().SaveVolunteer(ctx, fullVolunteer("v-1")); !errors.Is(err, models.ErrInternal) {
		t.Fatalf("save without a key: %v", err)
	}
	if _, err := db.Volunteers().Volunteer(ctx, "v-1"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("something was written: %v", err)
	}
	// A profile without personal fields needs no key.
	if err := db.Volunteers().SaveVolunteer(ctx, &models.Volunteer{AccountID: "v-2"}); err != nil {
		t.Fatal(err)
	}
}

func TestAccountsWithBinding(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	accts := db.Accounts()
	const bsg, other = "410102001002", "410103001001"
	roles := map[string][]models.RoleBinding{
		"a1": {{Role: models.RoleVolunteer}, {Role: models.RoleCommunityAdmin, CommunityCode: bsg}},
		"a2": {{Role: models.RoleCommunityAdmin, CommunityCode: bsg}},
		"a3": {{Role: models.RoleCommunityAdmin, CommunityCode: other}},
		"a4": {{Role: models.RoleCivilAffairs, DivisionCode: "410102"}, {Role: models.RoleOrgAdmin, OrganisationID: bsg}},
		"a5": {{Role: models.RoleVolunteer}},
	}
	for i, id := range []string{"a1", "a2", "a3", "a4", "a5"} {
		a := newAccount(id, fmt.Sprintf("1360000000%d", i))
		a.Roles = roles[id]
		if err := accts.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	got, err := accts.AccountsWithBinding(ctx, models.RoleBinding{Role: models.RoleCommunityAdmin, CommunityCode: bsg})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, a.ID)
	}
	sort.Strings(ids)
	if !reflect.DeepEqual(ids, []string{"a1", "a2"}) {
		t.Fatalf("holders %v, want a1 a2", ids)
	}
}

// TestWeChatClaimRace: of 100 accounts claiming one openid at once, one gets it.
func TestWeChatClaimRace(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	accts := db.Accounts()
	var ok atomic.Int32
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := accts.ClaimWeChat(ctx, models.WeChatIdentity{OpenID: "o-1"}, fmt.Sprintf("acct-%d", i), time.Now())
			switch {
			case err == nil:
				ok.Add(1)
			case !errors.Is(err, models.ErrConflict):
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d accounts got one openid", ok.Load())
	}
	holder, err := accts.WeChatAccount(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := accts.ClaimWeChat(ctx, models.WeChatIdentity{OpenID: "o-1"}, holder, time.Now()); err != nil {
		t.Errorf("the holder claiming again: %v", err)
	}
	_ = accts.ReleaseWeChat(ctx, "o-1", "someone-else")
	if h, _ := accts.WeChatAccount(ctx, "o-1"); h != holder {
		t.Error("another account released the holder's openid")
	}
	_ = accts.ReleaseWeChat(ctx, "o-1", holder)
	if _, err := accts.WeChatAccount(ctx, "o-1"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("released openid: %v", err)
	}
}

func TestAccountSaveAndPhoneClaims(t *testing.T) {
	db, _ := storetest.Open(t)
	ctx := context.Background()
	accts := db.Accounts()
	a := newAccount("a1", "13600000001")
	if err := accts.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	_ = accts.CreateAccount(ctx, newAccount("a2", "13600000002"))
	if err := accts.ClaimPhone(ctx, "13600000002", "a1", time.Now()); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("claiming another's phone: %v", err)
	}
	if err := accts.ClaimPhone(ctx, "13600000003", "a1", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := accts.ClaimPhone(ctx, "13600000003", "a1", time.Now()); err != nil {
		t.Fatalf("claiming one's own again: %v", err)
	}
	a.Phone, a.WeChatOpenID, a.TokensNotBefore = "13600000003", "o-9", time.Now().UTC().Truncate(time.Millisecond)
	if err := accts.SaveAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	_ = accts.ReleasePhone(ctx, "13600000001", "a1")
	got, err := accts.AccountByPhone(ctx, "13600000003")
	if err != nil || got.ID != "a1" || got.WeChatOpenID != "o-9" || !got.TokensNotBefore.Equal(a.TokensNotBefore) {
		t.Fatalf("after save: %+v %v", got, err)
	}
	if _, err := accts.AccountByPhone(ctx, "13600000001"); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("released phone: %v", err)
	}
	if err := accts.SaveAccount(ctx, newAccount("nobody", "13600000009")); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("saving a missing account: %v", err)
	}
}
