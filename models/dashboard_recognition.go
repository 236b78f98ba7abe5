package models

// dashboard_recognition.go: what the dashboard counts of evaluations and
// commendations (issue 18): the demonstration figure needs each
// organisation's latest evaluation, and commendations are counted in the
// snapshot's year by the recipient's district.

// AddEvaluation notes an organisation's evaluation (before the
// organisations): the latest one decides whether a demonstration agency
// still counts (CountsAsDemonstration).
func (b *DashboardBuilder) AddEvaluation(e *OrgEvaluation) {
	if b.latestEval == nil {
		b.latestEval = map[string]*OrgEvaluation{}
	}
	if cur := b.latestEval[e.OrganisationID]; e.Later(cur) {
		b.latestEval[e.OrganisationID] = e
	}
}

// AddCommendation counts an award given in the snapshot's year (Asia/Shanghai)
// and not revoked, in the recipient's district.
func (b *DashboardBuilder) AddCommendation(c *Commendation) {
	if !c.CountsAsAwardIn(b.ceYear) {
		return
	}
	d := c.District
	if d == "" {
		d = CityCode
	}
	b.count(d, func(f *DashboardFigures) { f.Commendations++ })
}
