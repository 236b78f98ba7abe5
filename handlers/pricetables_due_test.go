package handlers_test

import "testing"

// TestDashboardNamesPriceTablesDueForRevision (issue 18: an old price
// table only flagged the projects it priced): the dashboard names each
// table in force with the day it became due for revision, the city's view
// every table, a county's its own and the city's.
func TestDashboardNamesPriceTablesDueForRevision(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct{ division, tok, from string }{
		{"4101", w.city, today(-30)},
		{"410102", w.zhongyuan, "2021-03-01"},
		{"410102", w.zhongyuan, "2020-01-01"}, // an older version: not in force
		{"410103", w.erqi, today(40)},         // not in force yet
	} {
		if r := w.h.do("POST", "/v1/divisions/"+c.division+"/price-tables", priceTable(c.from, 400000, 500000, 600000, 300000), bearerHeader(c.tok)...); r.Status != 201 {
			t.Fatalf("price table %s %s: %d %s", c.division, c.from, r.Status, r.Raw)
		}
	}
	tables := func(tok, division string) map[string]map[string]any {
		r := w.h.do("GET", "/v1/dashboard?division="+division, "", bearerHeader(tok)...)
		if r.Status != 200 {
			t.Fatalf("dashboard: %d %s", r.Status, r.Raw)
		}
		out := map[string]map[string]any{}
		for _, x := range r.Body["priceTables"].([]any) {
			m := x.(map[string]any)
			out[m["division"].(string)] = m
		}
		return out
	}
	city := tables(w.city, "4101")
	if len(city) != 2 || city["410102"]["effectiveFrom"] != "2021-03-01" || city["410102"]["dueForRevision"] != true ||
		city["410102"]["dueSince"] != "2024-03-01" || city["4101"]["dueForRevision"] != false || city["410103"] != nil {
		t.Fatalf("the city's view: %v", city)
	}
	if erqi := tables(w.erqi, "410103"); len(erqi) != 1 || erqi["4101"] == nil {
		t.Fatalf("二七区's view: the city's table only: %v", erqi)
	}
}
