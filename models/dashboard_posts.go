package models

import "sort"

// dashboard_posts.go: the posts registry on the dashboard (issue 18). The
// "2,500 professional posts" figure counts posts that are filled and
// confirmed (a filled holding: the employer's offer, the worker's
// acceptance), by the division of the post's unit; posts are also tallied
// by unit kind and by domain, and units lacking what the seed requires of
// them (a social-work department; for units staffed by client count, any
// filled post) are listed.

// PostTally counts the posts of one district under one key (a unit kind
// or a domain).
type PostTally struct {
	District string `bson:"district"`
	Key      string `bson:"key"`
	Posts    int    `bson:"posts"`
	Filled   int    `bson:"filled"`
}

// UnitShortfallLine is a unit lacking what the seed requires of it.
type UnitShortfallLine struct {
	UnitID        string   `bson:"unitid"`
	Name          string   `bson:"name"`
	Kind          string   `bson:"kind"`
	SubKind       string   `bson:"subkind"`
	HospitalGrade string   `bson:"hospitalgrade"`
	District      string   `bson:"district"`
	Clients       int      `bson:"clients"`
	FilledPosts   int      `bson:"filledposts"`
	Shortfalls    []string `bson:"shortfalls"` // ShortfallNoDepartment, ShortfallNoPost
}

// postsBuild is what the builder keeps of the registry until Snapshot.
type postsBuild struct {
	units     map[string]*EmployingUnit
	posts     []*Post
	filled    map[string]bool // post id → a filled holding
	allowance map[string]bool // post id → its holder gets the allowance
}

func (b *DashboardBuilder) postsState() *postsBuild {
	if b.reg == nil {
		b.reg = &postsBuild{units: map[string]*EmployingUnit{}, filled: map[string]bool{}, allowance: map[string]bool{}}
	}
	return b.reg
}

// AddEmployingUnit notes a unit (any order).
func (b *DashboardBuilder) AddEmployingUnit(u *EmployingUnit) { b.postsState().units[u.ID] = u }

// AddPost notes a post (any order).
func (b *DashboardBuilder) AddPost(p *Post) { r := b.postsState(); r.posts = append(r.posts, p) }

// AddPostHolding notes a holding; only a filled one counts. verified says
// whether its holder's certificate is verified now (the allowance).
func (b *DashboardBuilder) AddPostHolding(h *PostHolding, verified bool) {
	if h.State != HoldingFilled {
		return
	}
	r := b.postsState()
	r.filled[h.PostID] = true
	if verified {
		r.allowance[h.PostID] = true
	}
}

// CountsAsProfessionalPost: a post with a filled (offered and accepted)
// holding. A post title a social worker types into their own profile
// does not count (issue 18).
func CountsAsProfessionalPost(filled bool) bool { return filled }

// countPosts adds the registry to the figures and the snapshot.
func (b *DashboardBuilder) countPosts(s *DashboardSnapshot) {
	s.PostsByUnitKind, s.PostsByDomain, s.UnitShortfalls = []PostTally{}, []PostTally{}, []UnitShortfallLine{}
	r := b.reg
	if r == nil {
		return
	}
	byKind, byDomain := map[[2]string]*PostTally{}, map[[2]string]*PostTally{}
	tally := func(m map[[2]string]*PostTally, district, key string, filled bool) {
		k := [2]string{district, key}
		t := m[k]
		if t == nil {
			t = &PostTally{District: district, Key: key}
			m[k] = t
		}
		t.Posts++
		if filled {
			t.Filled++
		}
	}
	unitFilled := map[string]int{}
	for _, p := range r.posts {
		d := DistrictOf(p.DivisionCode)
		filled := CountsAsProfessionalPost(r.filled[p.ID])
		allowance := filled && AllowanceEligible(p.UnitKind, &PostHolding{State: HoldingFilled}, r.allowance[p.ID])
		b.count(d, func(f *DashboardFigures) {
			f.Posts++
			if filled {
				f.ProfessionalPosts++
			}
			if allowance {
				f.AllowanceEligible++
			}
		})
		tally(byKind, d, p.UnitKind, filled)
		tally(byDomain, d, p.Domain, filled)
		if filled {
			unitFilled[p.UnitID]++
			b.CoverPost(d, p.Domain)
		}
	}
	for _, m := range []struct {
		src map[[2]string]*PostTally
		dst *[]PostTally
	}{{byKind, &s.PostsByUnitKind}, {byDomain, &s.PostsByDomain}} {
		for _, t := range m.src {
			*m.dst = append(*m.dst, *t)
		}
		sort.Slice(*m.dst, func(i, j int) bool {
			a, c := (*m.dst)[i], (*m.dst)[j]
			if a.District != c.District {
				return a.District < c.District
			}
			return a.Key < c.Key
		})
	}
	for _, u := range r.units {
		if sf := UnitShortfalls(u, unitFilled[u.ID]); len(sf) > 0 {
			s.UnitShortfalls = append(s.UnitShortfalls, UnitShortfallLine{UnitID: u.ID, Name: u.Name, Kind: u.Kind, SubKind: u.SubKind,
				HospitalGrade: u.HospitalGrade, District: DistrictOf(u.DivisionCode), Clients: u.Clients, FilledPosts: unitFilled[u.ID], Shortfalls: sf})
		}
	}
	sort.Slice(s.UnitShortfalls, func(i, j int) bool {
		a, c := s.UnitShortfalls[i], s.UnitShortfalls[j]
		if a.District != c.District {
			return a.District < c.District
		}
		return a.UnitID < c.UnitID
	})
	b.reg = nil
}

// sumTallies sums a scope's tallies by key (District empty), sorted by key.
func sumTallies(ts []PostTally, inScope func(string) bool) []PostTally {
	sum := map[string]*PostTally{}
	for _, t := range ts {
		if !inScope(t.District) {
			continue
		}
		q := sum[t.Key]
		if q == nil {
			q = &PostTally{Key: t.Key}
			sum[t.Key] = q
		}
		q.Posts += t.Posts
		q.Filled += t.Filled
	}
	out := []PostTally{}
	for _, q := range sum {
		out = append(out, *q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// postsView adds the registry's parts of the snapshot to a view.
func (s *DashboardSnapshot) postsView(v *DashboardView, inScope func(string) bool) {
	v.PostsByUnitKind = sumTallies(s.PostsByUnitKind, inScope)
	v.PostsByDomain = sumTallies(s.PostsByDomain, inScope)
	v.UnitShortfalls = []UnitShortfallLine{}
	for _, l := range s.UnitShortfalls {
		if inScope(l.District) {
			v.UnitShortfalls = append(v.UnitShortfalls, l)
		}
	}
}
