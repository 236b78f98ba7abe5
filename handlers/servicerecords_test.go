package handlers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/wushe/wushe/models"
)

// recordsWorld has verified hours in 中原区's community: the volunteer v
// served two needs (one verified by a committee member whose name holds
// HTML, one verified by the committee and later re-verified as version 2),
// another volunteer o served one need verified by orgA's supervisor and
// has one pending record.
type recordsWorld struct {
	*world
	zy, eq, zyHTML   string
	vid, vtok        string
	oid, otok        string
	need1, need2     string
	key              ed25519.PrivateKey
	verifierHTMLName string
}

func newRecordsWorld(t *testing.T) *recordsWorld {
	t.Helper()
	clock := &testClock{}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	w := newWorld(t, func(s *harnessSetup) {
		s.svc.Now = clock.Now
		s.svc.Accounts.AccessTokenTTL = 30 * 24 * time.Hour
		s.svc.SigningKey = key
	})
	rw := &recordsWorld{world: w, key: key, verifierHTMLName: `书记<script>alert("x")</script>&`}
	rw.zy, rw.eq = w.committees(t)
	if r := w.h.do("POST", "/v1/accounts", `{"phone":"13200000003","password":"secret-pass","name":`+jsonString(rw.verifierHTMLName)+
		`,"role":"community_admin","communityCode":"`+zhongyuanCommunity+`"}`, bearerHeader(w.zhongyuan)...); r.Status != 201 {
		t.Fatalf("community admin: %d %s", r.Status, r.Raw)
	}
	rw.zyHTML, _ = w.h.login("13200000003", "secret-pass")
	rw.need1 = w.postNeed(t, rw.zy, "")
	body := strings.NewReplacer(`"title":"助老上门探访"`, `"title":"<b>陪伴</b>&探访老人"`,
		slot(3, 9), slot(4, 9), slot(3, 11), slot(4, 11)).Replace(needBody(zhongyuanCommunity, ""))
	n2 := w.h.do("POST", "/v1/needs", body, bearerHeader(rw.zy)...)
	if n2.Status != 201 {
		t.Fatalf("need 2: %d %s", n2.Status, n2.Raw)
	}
	rw.need2 = n2.str("id")
	rw.vid, rw.vtok = w.volunteerWithProfile(t, "13600300001", rw.zy, "")
	rw.oid, rw.otok = w.volunteerWithProfile(t, "13600300002", rw.zy, "")
	swID, swTok := w.supervisor(t, "13600300009")
	if r := w.h.do("PUT", "/v1/needs/"+rw.need2+"/plan/organisation", `{"organisationId":"`+w.orgA+`"}`, bearerHeader(rw.zy)...); r.Status != 200 {
		t.Fatalf("carrier: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("PUT", "/v1/needs/"+rw.need2+"/plan/supervisor", `{"socialWorkerId":"`+swID+`"}`, bearerHeader(rw.zy)...); r.Status != 200 {
		t.Fatalf("propose: %d %s", r.Status, r.Raw)
	}
	if r := w.h.do("POST", "/v1/needs/"+rw.need2+"/plan/supervisor/response", `{"accept":true}`, bearerHeader(swTok)...); r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Raw)
	}

	occOf := func(need, vid string) string {
		add := w.h.do("POST", "/v1/needs/"+need+"/plan/volunteers", `{"volunteerId":"`+vid+`"}`, bearerHeader(rw.zy)...)
		if add.Status != 201 {
			t.Fatalf("place: %d %s", add.Status, add.Raw)
		}
		return add.Body["items"].([]any)[0].(map[string]any)["occurrenceId"].(string)
	}
	mark := func(occ string, days int, marks ...[3]any) []string {
		var parts []string
		for _, m := range marks {
			parts = append(parts, `{"volunteerId":"`+m[0].(string)+`","checkin":"`+slot(days, m[1].(int))+`","checkout":"`+slot(days, m[2].(int))+`"}`)
		}
		r := w.h.do("POST", "/v1/attendance/marks", `{"occurrenceId":"`+occ+`","marks":[`+strings.Join(parts, ",")+`]}`, bearerHeader(rw.zy)...)
		if r.Status != 200 || len(r.Body["records"].([]any)) != len(marks) {
			t.Fatalf("marks: %d %s", r.Status, r.Raw)
		}
		var ids []string
		for _, x := range r.Body["records"].([]any) {
			ids = append(ids, x.(map[string]any)["id"].(string))
		}
		return ids
	}
	verify := func(id, tok string, approve bool) {
		body := `{"approve":true}`
		if !approve {
			body = `{"approve":false,"reason":"时长不符"}`
		}
		if r := w.h.do("POST", "/v1/hours/"+id+"/verification", body, bearerHeader(tok)...); r.Status != 200 {
			t.Fatalf("verify %s: %d %s", id, r.Status, r.Raw)
		}
	}
	occ1 := occOf(rw.need1, rw.vid)
	occ2 := occOf(rw.need2, rw.vid)
	occOf(rw.need2, rw.oid)
	occ1o := occOf(rw.need1, rw.oid)
	clock.jumpTo(parseSlot(t, slot(4, 12)))
	r1 := mark(occ1, 3, [3]any{rw.vid, 9, 11})                         // 2 h
	r2 := mark(occ2, 4, [3]any{rw.vid, 9, 10}, [3]any{rw.oid, 10, 11}) // 1 h each
	verify(r1[0], rw.zy, true)
	verify(r2[0], rw.zyHTML, true)
	verify(r2[1], swTok, true)
	// A pending record of o never counts.
	mark(occ1o, 3, [3]any{rw.oid, 9, 10})
	// Version 2 of v's need-1 record (an edit after verification),
	// verified: it supersedes version 1; version 3 is pending.
	v1, err := w.h.db.Hours().HoursRecord(context.Background(), r1[0])
	if err != nil {
		t.Fatal(err)
	}
	v2 := *v1
	v2.ID, v2.Version, v2.Hours = v1.ID+"v2", 2, 2.5
	if err := w.h.db.Hours().CreateHours(context.Background(), &v2); err != nil {
		t.Fatal(err)
	}
	v3 := v2
	v3.ID, v3.Version, v3.Hours, v3.Status = v1.ID+"v3", 3, 9, models.HoursPending
	if err := w.h.db.Hours().CreateHours(context.Background(), &v3); err != nil {
		t.Fatal(err)
	}
	return rw
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestServiceRecordCertificate(t *testing.T) {
	rw := newRecordsWorld(t)
	h := rw.h

	rec := h.do("GET", "/v1/me/service-record", "", bearerHeader(rw.vtok)...)
	if rec.Status != 200 {
		t.Fatalf("service record: %d %s", rec.Status, rec.Raw)
	}
	// Totals equal the verified records: from /v1/me/hours, the highest
	// verified version per occurrence.
	mine := h.do("GET", "/v1/me/hours?limit=100", "", bearerHeader(rw.vtok)...)
	best := map[string]map[string]any{}
	for _, x := range mine.Body["items"].([]any) {
		m := x.(map[string]any)
		if m["status"] != "verified" {
			continue
		}
		occ := m["occurrenceId"].(string)
		if b, ok := best[occ]; !ok || m["version"].(float64) > b["version"].(float64) {
			best[occ] = m
		}
	}
	var want float64
	byYear, byDomain := map[string]float64{}, map[string]float64{}
	for _, m := range best {
		h := m["hours"].(float64)
		want += h
		byYear[m["date"].(string)[:4]] += h
		byDomain[m["domain"].(string)] += h
	}
	totals := rec.Body["totals"].(map[string]any)
	if want != 3.5 || totals["hours"] != want || len(rec.Body["records"].([]any)) != len(best) {
		t.Fatalf("totals %v, want %v from %d records: %s", totals["hours"], want, len(best), rec.Raw)
	}
	for k, v := range byYear {
		if totals["byYear"].(map[string]any)[k] != v {
			t.Errorf("byYear[%s] = %v, want %v", k, totals["byYear"], v)
		}
	}
	for k, v := range byDomain {
		if totals["byDomain"].(map[string]any)[k] != v {
			t.Errorf("byDomain[%s] = %v, want %v", k, totals["byDomain"], v)
		}
	}
	verifiers := map[string]string{}
	for _, x := range rec.Body["records"].([]any) {
		m := x.(map[string]any)
		verifiers[m["verifierName"].(string)] = m["verifierOrganisation"].(string)
	}
	if verifiers[rw.verifierHTMLName] != "碧沙岗社区居委会" || verifiers["社区书记"] != "碧沙岗社区居委会" {
		t.Errorf("records lack their verifiers: %v", verifiers)
	}

	// The signed statement, exactly as served.
	var raw struct {
		Signed json.RawMessage `json:"signedStatement"`
	}
	if err := json.Unmarshal([]byte(rec.Raw), &raw); err != nil || len(raw.Signed) == 0 {
		t.Fatalf("signed statement: %v %s", err, rec.Raw)
	}
	var parts struct {
		Statement json.RawMessage `json:"statement"`
		KeyID     string          `json:"keyId"`
		Signature string          `json:"signature"`
	}
	_ = json.Unmarshal(raw.Signed, &parts)
	doc := string(raw.Signed)

	ok := h.do("POST", "/v1/service-records/verify", doc)
	if ok.Status != 200 || ok.Body["valid"] != true || ok.str("statement", "subject", "accountId") != rw.vid ||
		ok.Body["statement"].(map[string]any)["totals"].(map[string]any)["hours"] != 3.5 {
		t.Fatalf("verify: %d %s", ok.Status, ok.Raw)
	}
	if !strings.Contains(ok.str("statement", "subject", "idNumberMasked"), "****") {
		t.Errorf("subject's ID number is not masked: %s", ok.Raw)
	}

	// The public key verifies the signature over the statement's bytes.
	keys := h.do("GET", "/v1/service-records/public-key", "")
	list := keys.Body["keys"].([]any)
	if keys.Status != 200 || len(list) != 1 {
		t.Fatalf("public keys: %d %s", keys.Status, keys.Raw)
	}
	k := list[0].(map[string]any)
	pub, err := base64.RawURLEncoding.DecodeString(k["publicKey"].(string))
	sig, err2 := base64.RawURLEncoding.DecodeString(parts.Signature)
	if err != nil || err2 != nil || k["keyId"] != parts.KeyID || k["algorithm"] != "Ed25519" ||
		!ed25519.Verify(ed25519.PublicKey(pub), parts.Statement, sig) {
		t.Fatalf("the published key does not verify the statement: %s", keys.Raw)
	}
	if !bytes.Equal(pub, rw.key.Public().(ed25519.PublicKey)) {
		t.Errorf("published key is not the signing key")
	}

	// Any changed byte of the statement fails.
	start := strings.Index(doc, `"statement":`) + len(`"statement":`)
	stmt := string(parts.Statement)
	if !strings.HasPrefix(doc[start:], stmt) {
		t.Fatalf("statement not found verbatim in the document")
	}
	flips := 0
	for i := 0; i < len(stmt); i += len(stmt)/23 + 1 {
		c := stmt[i]
		var d byte
		switch {
		case c >= '0' && c <= '8', c >= 'a' && c <= 'y', c >= 'A' && c <= 'Y':
			d = c + 1
		case c == '9':
			d = '0'
		default:
			d = c ^ 0x01
		}
		bad := doc[:start+i] + string(d) + doc[start+i+1:]
		r := h.do("POST", "/v1/service-records/verify", bad)
		if r.Status != 422 || r.Body["valid"] == true || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("byte %d %q→%q: %d %s", i, c, d, r.Status, r.Raw)
		}
		flips++
	}
	if flips < 20 {
		t.Fatalf("only %d positions tried", flips)
	}
	tampered := []struct{ name, doc, location string }{
		{"more hours", strings.Replace(doc, `"hours":3.5`, `"hours":35`, 1), "body.signature"},
		{"another name", strings.Replace(doc, `志愿者`, `志願者`, 1), "body.signature"},
		{"signature", strings.Replace(doc, parts.Signature, strings.Repeat("A", len(parts.Signature)-1)+"A", 1), "body.signature"},
		{"key id", strings.Replace(doc, parts.KeyID, "0000000000000000", 1), "body.keyId"},
		{"algorithm", strings.Replace(doc, `"Ed25519"`, `"RS256"`, 1), "body.algorithm"},
		{"not json", doc[:len(doc)-1], "body"},
	}
	for _, c := range tampered {
		if c.doc == doc {
			t.Fatalf("%s: nothing replaced", c.name)
		}
		r := h.do("POST", "/v1/service-records/verify", c.doc)
		if r.Status != 422 || !hasLocation(r, c.location) {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Raw)
		}
	}

	// The printable page lists the records, escapes names, shows the signature.
	page := h.do("GET", "/v1/me/service-record.html", "", bearerHeader(rw.vtok)...)
	if page.Status != 200 || page.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("html: %d %q %s", page.Status, page.Header.Get("Content-Type"), page.Raw)
	}
	for _, s := range []string{"志愿服务记录证明", "助老上门探访", "&lt;b&gt;陪伴&lt;/b&gt;&amp;探访老人", "书记&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;",
		"2.50", "3.50", parts.KeyID, "/v1/service-records/verify", "核验方法"} {
		if !strings.Contains(page.Raw, s) {
			t.Errorf("html lacks %q", s)
		}
	}
	if strings.Contains(page.Raw, "<script>") || strings.Contains(page.Raw, "<b>陪伴") {
		t.Errorf("html does not escape names: %s", page.Raw)
	}
	// The page's own signed document (issued at its request) verifies.
	pre := page.Raw[strings.Index(page.Raw, `<pre class="sig">`)+len(`<pre class="sig">`):]
	pre = html.UnescapeString(pre[:strings.Index(pre, "</pre>")])
	if r := h.do("POST", "/v1/service-records/verify", pre); r.Status != 200 || !strings.Contains(page.Raw, r.str("statement", "issuedAt")[:10]) {
		t.Errorf("the page's document: %d %s", r.Status, r.Raw)
	}
	var pageDoc struct{ Signature string }
	_ = json.Unmarshal([]byte(pre), &pageDoc)
	if pageDoc.Signature == "" || !strings.Contains(page.Raw, `<p class="sig">`+pageDoc.Signature+`</p>`) {
		t.Errorf("html lacks its signature")
	}
	if r := h.do("GET", "/v1/me/service-record", ""); r.Status != 401 {
		t.Errorf("anonymous service record: %d", r.Status)
	}
	// Someone with no hours gets an empty, signed, verifiable statement.
	empty := h.do("GET", "/v1/me/service-record", "", bearerHeader(rw.volunteer)...)
	if empty.Status != 200 || empty.Body["totals"].(map[string]any)["hours"] != 0.0 {
		t.Fatalf("empty record: %d %s", empty.Status, empty.Raw)
	}
	var e struct {
		Signed json.RawMessage `json:"signedStatement"`
	}
	_ = json.Unmarshal([]byte(empty.Raw), &e)
	if r := h.do("POST", "/v1/service-records/verify", string(e.Signed)); r.Status != 200 {
		t.Errorf("empty statement verify: %d %s", r.Status, r.Raw)
	}
}

func csvRows(t *testing.T, r response) [][]string {
	t.Helper()
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(r.Raw, "\uFEFF") {
		t.Fatalf("csv: %d %q %.300s", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Raw, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "志愿者身份证号,姓名,服务日期,服务时长,服务内容,证明人,证明单位" {
		t.Fatalf("header: %v", rows[0])
	}
	return rows[1:]
}

func TestHoursExportCSV(t *testing.T) {
	rw := newRecordsWorld(t)
	h := rw.h
	comm := "/v1/hours/export.csv?community=" + zhongyuanCommunity

	rows := csvRows(t, h.do("GET", comm, "", bearerHeader(rw.zy)...))
	if len(rows) != 3 {
		t.Fatalf("community export: %v", rows)
	}
	var sum float64
	for _, r := range rows {
		if !strings.Contains(r[0], "****") || len(r[0]) != 18 || r[1] == "" || r[2] == "" || r[4] == "" || r[5] == "" || r[6] == "" {
			t.Errorf("row: %v", r)
		}
		switch r[3] {
		case "2.50":
			sum += 2.5
		case "1.00":
			sum += 1
		default:
			t.Errorf("hours %q", r[3])
		}
	}
	if sum != 4.5 {
		t.Errorf("exported hours sum to %v, want 4.5 (v's 2.5 + 1, o's 1)", sum)
	}
	if def := csvRows(t, h.do("GET", "/v1/hours/export.csv", "", bearerHeader(rw.zy)...)); len(def) != 3 {
		t.Errorf("committee's default export: %v", def)
	}
	if gov := csvRows(t, h.do("GET", comm, "", bearerHeader(rw.zhongyuan)...)); len(gov) != 3 {
		t.Errorf("civil affairs export: %v", gov)
	}

	org := csvRows(t, h.do("GET", "/v1/hours/export.csv?organisation="+rw.orgA, "", bearerHeader(rw.adminA)...))
	if len(org) != 1 || org[0][1] != "志愿者0002" || org[0][3] != "1.00" || !strings.Contains(org[0][4], "陪伴") {
		t.Fatalf("organisation export: %v", org)
	}

	mine := csvRows(t, h.do("GET", "/v1/me/hours.csv", "", bearerHeader(rw.vtok)...))
	if len(mine) != 2 || mine[0][1] != "志愿者0001" || mine[1][1] != "志愿者0001" {
		t.Fatalf("my export: %v", mine)
	}
	if none := csvRows(t, h.do("GET", "/v1/me/hours.csv", "", bearerHeader(rw.volunteer)...)); len(none) != 0 {
		t.Errorf("someone else's export: %v", none)
	}

	for name, c := range map[string]struct {
		path, tok string
		status    int
	}{
		"another committee":             {comm, rw.eq, 403},
		"another division":              {comm, rw.erqi, 403},
		"a volunteer, community export": {comm, rw.vtok, 403},
		"a volunteer, org export":       {"/v1/hours/export.csv?organisation=" + rw.orgA, rw.vtok, 403},
		"another org":                   {"/v1/hours/export.csv?organisation=" + rw.orgA, rw.adminB, 403},
		"a committee, org export":       {"/v1/hours/export.csv?organisation=" + rw.orgA, rw.zy, 403},
		"an org admin, community":       {comm, rw.adminA, 403},
		"both scopes":                   {comm + "&organisation=" + rw.orgA, rw.zy, 422},
		"a volunteer, no scope":         {"/v1/hours/export.csv", rw.vtok, 422},
		"bad community code":            {"/v1/hours/export.csv?community=abc", rw.zy, 422},
		"anonymous":                     {comm, "", 401},
	} {
		var hd []string
		if c.tok != "" {
			hd = bearerHeader(c.tok)
		}
		if r := h.do("GET", c.path, "", hd...); r.Status != c.status {
			t.Errorf("%s: %d, want %d: %.200s", name, r.Status, c.status, r.Raw)
		}
	}
}
