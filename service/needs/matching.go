package needs

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wushe/wushe/matching"
	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Bus carries matching-index changes between API replicas (Redis pub/sub).
type Bus interface {
	Publish(ctx context.Context, channel, msg string) error
	// Subscribe calls fn with each message until ctx ends; it returns once subscribed.
	Subscribe(ctx context.Context, channel string, fn func(msg string)) error
}

// indexChannel is where a replica announces "volunteer X changed".
const indexChannel = "matching-index"

// matcher holds this replica's in-memory candidate index. It is built from
// the store at start (StartMatching) or on first use, kept current by the
// changes this replica makes and those other replicas announce on the bus,
// and caught up periodically from the change log to repair missed
// messages (resync.go).
type matcher struct {
	build sync.Mutex // one build or catch-up at a time
	ix    atomic.Pointer[matching.Index]
	// loading is true from StartMatching until the first build and its
	// catch-up are done: /readyz answers 503 and matching calls 503.
	loading atomic.Bool
	// mark is the watermark, under build: the clock's time when the last
	// build or catch-up began. Every change logged since then, less the
	// margin, is still to be applied.
	mark  time.Time
	reads auditedReads
}

// auditedReads remembers the match reads this replica audited, so that an
// official refreshing one list is recorded once a day, while any change of
// the need (a move, a new radius) makes the next read a new entry. Writing
// an entry per read cost the embedded store about half its match
// throughput. Forgetting (a restart, another replica, the bound) only
// records a read again.
type auditedReads struct {
	mu   sync.Mutex
	seen map[string]bool
}

const auditedReadsMax = 10_000

func (r *auditedReads) has(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[key]
}

func (r *auditedReads) add(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil || len(r.seen) >= auditedReadsMax {
		r.seen = map[string]bool{}
	}
	r.seen[key] = true
}

// candidateIndex returns the index, building it on first use; while
// StartMatching loads it, it is unavailable (503 with Retry-After).
func (m *Matching) candidateIndex(ctx context.Context) (*matching.Index, error) {
	if ix := m.match.ix.Load(); ix != nil {
		return ix, nil
	}
	if m.match.loading.Load() {
		return nil, errIndexLoading
	}
	m.match.build.Lock()
	defer m.match.build.Unlock()
	if ix := m.match.ix.Load(); ix != nil {
		return ix, nil
	}
	return m.rebuildLocked(ctx)
}

// rebuildLocked builds the index afresh and swaps it in, setting the
// watermark to when the reads began; the caller holds build.
func (m *Matching) rebuildLocked(ctx context.Context) (*matching.Index, error) {
	mark := m.d.Now()
	ix, err := m.buildIndex(ctx)
	if err != nil {
		return nil, err
	}
	m.match.ix.Store(ix)
	m.match.mark = mark
	return ix, nil
}

// buildIndex reads every volunteer (only the fields the index needs, when
// the store offers them) and every commitment still to come.
func (m *Matching) buildIndex(ctx context.Context) (*matching.Index, error) {
	var vols []*models.Volunteer
	each := m.st.Volunteers.EachVolunteer
	if m.st.IndexFeed != nil {
		each = m.st.IndexFeed.EachMatchProfile
	}
	if err := each(ctx, func(v *models.Volunteer) error {
		vols = append(vols, v)
		return nil
	}); err != nil {
		return nil, err
	}
	now := m.d.Now()
	var places []*models.Assignment
	var invs []*models.Invitation
	var att []*models.Attendance
	held := map[string][]models.Window{}
	if err := m.st.Plans.CommitmentsFrom(ctx, now.Add(-fairnessWindow), func(a *models.Assignment) error {
		places = append(places, a)
		if a.Window.End.After(now) {
			held[a.VolunteerID] = append(held[a.VolunteerID], a.Window)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := m.st.Invitations.EachInvitation(ctx, func(i *models.Invitation) error {
		invs = append(invs, i)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := m.st.Hours.EachAttendance(ctx, func(a *models.Attendance) error {
		att = append(att, a)
		return nil
	}); err != nil {
		return nil, err
	}
	rel := tallyReliability(now, att, places, invs)
	for i, v := range vols {
		rel.apply(v)
		vols[i] = asMatched(v)
	}
	ix := matching.NewIndex(vols)
	for id, ws := range held {
		ix.SetCommitments(id, ws)
	}
	return ix, nil
}

// asMatched is v as matching sees them on behalf of anyone but v: the
// home snapped to its coarse cell (models.CoarsePoint). The index, and so
// every ranking, batch and explanation, and the constraint checks of
// invitations and placements read this copy, never the exact point: an
// answer that depended on the exact point — a candidate appearing as a
// need's radius grows, a score's distance points ticking over as a need
// moves — would let a committee locate a home by repeated queries,
// whatever the answer showed of the distance. So every answer about v
// depends on v's cell alone, and the exact point stays with v
// (NearbyNeeds). The price: distance is measured from the cell's node,
// within 0.72 km of the home.
func asMatched(v *models.Volunteer) *models.Volunteer {
	if v.Home == nil {
		return v
	}
	c := *v
	p := models.CoarsePoint(*v.Home)
	c.Home = &p
	return &c
}

// MatchView is the ranking of one occurrence of a need, with the
// candidates' names.
type MatchView struct {
	Need       *models.Need
	Occurrence models.Occurrence
	Result     matching.Result
	Names      map[string]string
}

// mayMatch: the need's committee, its supervisor, civil affairs governing it.
func (m *Matching) mayMatch(ctx context.Context, actor *Actor, n *models.Need) (*models.Plan, error) {
	p, err := m.needs.PlanOf(ctx, n)
	if err != nil {
		return nil, err
	}
	if m.needs.MayManageNeed(actor, n) || actor.Governs(n.CommunityCode) || (p.SupervisorID != "" && p.SupervisorID == actor.AccountID) {
		return p, nil
	}
	if n.Status == models.NeedDraft && !m.needs.mayReadDraft(actor, n) {
		return nil, core.ErrNotFound
	}
	return nil, core.ErrForbidden
}

// Matches ranks the volunteers for one occurrence of a need (the next one
// by default): the best k with their explained scores, and how many each
// hard constraint kept out. Volunteers already placed in or invited to the
// occurrence are left out of the candidates.
func (m *Matching) Matches(ctx context.Context, actor *Actor, needID, occurrenceID string, k int) (*MatchView, error) {
	n, err := m.st.Needs.Need(ctx, needID)
	if err != nil {
		return nil, err
	}
	p, err := m.mayMatch(ctx, actor, n)
	if err != nil {
		return nil, err
	}
	occ, err := m.nextOccurrence(n, occurrenceID)
	if err != nil {
		return nil, err
	}
	res, err := m.rank(ctx, n, p, occ, k, false) // the view shows the counts
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Candidates))
	for i, c := range res.Candidates {
		ids[i] = c.VolunteerID
	}
	names, err := m.accountNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	v := &MatchView{Need: n, Occurrence: occ, Result: res, Names: names}
	// Who lives how far from a place is personal data, read here by
	// officials — an empty list too says who is not near — so reads are
	// recorded, with where the need stood: a need moved between reads
	// (probing for a home) shows in the log as one entry per position.
	reason := matchReadReason(n, len(res.Candidates))
	key := actor.AccountID + "|" + n.ID + "|" + occ.ID + "|" + n.UpdatedAt.Format(time.RFC3339Nano) + "|" + reason + "|" + m.d.Now().Format(time.DateOnly)
	if !m.match.reads.has(key) {
		if err := m.d.Audit(ctx, actor, "personal_data.read", "need:"+n.ID+"/matches", n.CommunityCode, reason); err != nil {
			return nil, err
		}
		m.match.reads.add(key)
	}
	return v, nil
}

// matchReadReason says what a match read showed and from where.
func matchReadReason(n *models.Need, candidates int) string {
	at := strconv.FormatFloat(n.Location.Lat, 'f', 6, 64) + "," + strconv.FormatFloat(n.Location.Lng, 'f', 6, 64) +
		" r=" + strconv.FormatFloat(n.RadiusKm, 'f', -1, 64) + "km"
	return "匹配的志愿者及距离区间 matched volunteers with distance bands: " + strconv.Itoa(candidates) + " @ " + at
}

// rank is TopK for one occurrence, skipping those placed or invited;
// candidatesOnly leaves out the exclusion counts (matching.Options), for
// callers that read only the candidates.
func (m *Matching) rank(ctx context.Context, n *models.Need, p *models.Plan, occ models.Occurrence, k int, candidatesOnly bool) (matching.Result, error) {
	ix, err := m.candidateIndex(ctx)
	if err != nil {
		return matching.Result{}, err
	}
	skip, err := m.takenOrInvited(ctx, n.ID, occ.ID)
	if err != nil {
		return matching.Result{}, err
	}
	return ix.TopK(n, occ, k, matching.Options{Weights: m.d.MatchWeights, Skip: skip,
		Supervised: p.SupervisorState == models.SupervisorAccepted, CandidatesOnly: candidatesOnly}), nil
}

// takenOrInvited lists the volunteers placed in or invited to an occurrence.
func (m *Matching) takenOrInvited(ctx context.Context, needID, occID string) (map[string]bool, error) {
	skip := map[string]bool{}
	as, err := m.st.Plans.Assignments(ctx, needID)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.OccurrenceID == occID {
			skip[a.VolunteerID] = true
		}
	}
	invs, err := m.st.Invitations.InvitationsOfNeed(ctx, needID)
	if err != nil {
		return nil, err
	}
	for _, i := range invs {
		if i.OccurrenceID == occID {
			skip[i.VolunteerID] = true
		}
	}
	return skip, nil
}

// SupervisorSuggestions ranks social workers who could supervise a need:
// the city pool and the carrying organisation's own staff, filtered by the
// hard rules (verified level for the need's risk, pool or internal, under
// their caseload cap), ranked with reasons.
func (m *Matching) SupervisorSuggestions(ctx context.Context, actor *Actor, needID string, k int) (matching.SupervisorResult, map[string]string, error) {
	n, err := m.st.Needs.Need(ctx, needID)
	if err != nil {
		return matching.SupervisorResult{}, nil, err
	}
	p, err := m.mayMatch(ctx, actor, n)
	if err != nil {
		return matching.SupervisorResult{}, nil, err
	}
	workers, err := m.d.SupervisorCandidates(ctx, p.OrganisationID)
	if err != nil {
		return matching.SupervisorResult{}, nil, err
	}
	ids := make([]string, len(workers))
	for i, w := range workers {
		ids[i] = w.AccountID
	}
	loads, err := m.st.Plans.SupervisorCaseloads(ctx, ids) // every caseload in one read
	if err != nil {
		return matching.SupervisorResult{}, nil, err
	}
	for i, w := range workers {
		if w.Base != nil { // as for volunteers (asMatched): the committee learns the cell, not the point
			c, b := *w, models.CoarsePoint(*w.Base)
			c.Base = &b
			workers[i] = &c
		}
	}
	res := matching.RankSupervisors(workers, loads, n, p.OrganisationID, k)
	ids = ids[:0]
	for _, c := range res.Candidates {
		ids = append(ids, c.SocialWorkerID)
	}
	names, err := m.accountNames(ctx, ids)
	if err != nil {
		return matching.SupervisorResult{}, nil, err
	}
	return res, names, nil
}

// accountNames reads the names of ids' accounts in one round trip; an id
// with no account is models.ErrNotFound, as when they were read one by one.
func (m *Matching) accountNames(ctx context.Context, ids []string) (map[string]string, error) {
	accounts, err := m.st.Accounts.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ids))
	for _, id := range ids {
		a, ok := accounts[id]
		if !ok {
			return nil, models.ErrNotFound.Wrap(fmt.Errorf("account %s", id))
		}
		names[id] = a.Name
	}
	return names, nil
}
