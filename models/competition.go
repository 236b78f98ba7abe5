package models

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// competition.go: venture-philanthropy competitions (公益创投大赛). The
// review rules they use (rubric, normalisation, vote combination, reviewer
// assignment) are in review.go and review_assign.go.

// CompetitionPhase is where a competition stands. Phases only move forward,
// one at a time: draft → open → review → public_vote (only when the
// competition has a public vote) → finalists → awarded → closed.
type CompetitionPhase string

const (
	PhaseDraft      CompetitionPhase = "draft"       // the organiser is writing it; only they see it
	PhaseOpen       CompetitionPhase = "open"        // the prize pool is reserved; organisations submit entries
	PhaseReview     CompetitionPhase = "review"      // entries closed; assigned reviewers score them
	PhasePublicVote CompetitionPhase = "public_vote" // verified volunteers vote (optional phase)
	PhaseFinalists  CompetitionPhase = "finalists"   // ranking frozen; the organiser may rule entries ineligible (公示)
	PhaseAwarded    CompetitionPhase = "awarded"     // awards granted from the reserved pool; results public
	PhaseClosed     CompetitionPhase = "closed"      // unused reserve released to the fund
)

// phaseOrder lists the phases in order (their labels are the
// competition_phases vocabulary).
var phaseOrder = []CompetitionPhase{PhaseDraft, PhaseOpen, PhaseReview, PhasePublicVote, PhaseFinalists, PhaseAwarded, PhaseClosed}

// Valid reports whether p is a known phase.
func (p CompetitionPhase) Valid() bool { return p.order() >= 0 }

func (p CompetitionPhase) order() int {
	for i, q := range phaseOrder {
		if q == p {
			return i
		}
	}
	return -1
}

// Reached reports whether p is q or a later phase.
func (p CompetitionPhase) Reached(q CompetitionPhase) bool { return p.order() >= q.order() }

// AwardTier is one level of award: Count entries get AmountFen each.
type AwardTier struct {
	Code      string `bson:"code"` // snake_case, e.g. first_prize
	Name      string `bson:"name"` // shown publicly, e.g. 一等奖
	Count     int    `bson:"count"`
	AmountFen int64  `bson:"amountfen"`
}

// CompetitionSchedule is the instant each phase after draft starts. VoteAt
// is zero for a competition without a public vote. A draft opens only by
// the organiser's action (it commits the prize pool); from open on, a phase
// starts at its instant, or earlier when the organiser moves it.
type CompetitionSchedule struct {
	OpensAt     time.Time `bson:"opensat"`
	ReviewAt    time.Time `bson:"reviewat"` // entries close
	VoteAt      time.Time `bson:"voteat"`
	FinalistsAt time.Time `bson:"finalistsat"`
	AwardsAt    time.Time `bson:"awardsat"`
	ClosesAt    time.Time `bson:"closesat"`
}

// Start is the instant phase p starts (zero for draft and for a skipped vote).
func (s CompetitionSchedule) Start(p CompetitionPhase) time.Time {
	switch p {
	case PhaseOpen:
		return s.OpensAt
	case PhaseReview:
		return s.ReviewAt
	case PhasePublicVote:
		return s.VoteAt
	case PhaseFinalists:
		return s.FinalistsAt
	case PhaseAwarded:
		return s.AwardsAt
	case PhaseClosed:
		return s.ClosesAt
	}
	return time.Time{}
}

// Award is one line of a competition's award plan.
type Award struct {
	EntryID   string `bson:"entryid"`
	Rank      int    `bson:"rank"` // the entry's place in the final ranking
	Tier      string `bson:"tier"`
	TierName  string `bson:"tiername"`
	AmountFen int64  `bson:"amountfen"`
}

// Competition is a venture-philanthropy competition: a prize pool drawn
// from one fund, entries (applications with CompetitionID set), expert
// review, an optional public vote and awards.
type Competition struct {
	ID           string   `bson:"id"`
	Name         string   `bson:"name"`
	Summary      string   `bson:"summary"`
	FundID       string   `bson:"fundid"`
	OwnerOrgID   string   `bson:"ownerorgid"`   // the fund's charity, copied from the fund
	DivisionCode string   `bson:"divisioncode"` // the government budget's division, copied from the fund
	Domains      []string `bson:"domains"`
	// Eligibility: organisation kinds (empty = any kind that applies for
	// projects) and the regions an entry's project must lie in.
	EligibleKinds []string            `bson:"eligiblekinds"`
	Regions       []string            `bson:"regions"`
	Schedule      CompetitionSchedule `bson:"schedule"`
	Rubric        Rubric              `bson:"rubric"`
	Tiers         []AwardTier         `bson:"tiers"`
	// ReviewersPerEntry is k, each entry's panel size.
	ReviewersPerEntry int              `bson:"reviewersperentry"`
	PublicVote        bool             `bson:"publicvote"`
	VoteWeightPercent int              `bson:"voteweightpercent"` // share of the public vote in the final score, 0–100
	Phase             CompetitionPhase `bson:"phase"`
	PhaseSeq          int              `bson:"phaseseq"` // the seq of the last phase change (transitions "competition:<id>")
	PhaseAt           time.Time        `bson:"phaseat"`
	ReserveSeq        int              `bson:"reserveseq"`  // ledger entry that reserved the pool
	ReserveKeys       []string         `bson:"reservekeys"` // ledger keys of every attempt to reserve it (one per pool amount tried)
	Awards            []Award          `bson:"awards"`
	AwardsPlannedAt   *time.Time       `bson:"awardsplannedat"` // the plan is fixed once awarding starts
	ReleaseSeq        int              `bson:"releaseseq"`      // ledger entry that released the unused reserve (0: nothing to release)
	ReleasedFen       int64            `bson:"releasedfen"`
	CreatedBy         string           `bson:"createdby"`
	CreatedAt         time.Time        `bson:"createdat"`
	UpdatedAt         time.Time        `bson:"updatedat"`
}

// PoolFen is the prize pool: Σ count × amount over the tiers.
func (c *Competition) PoolFen() int64 {
	var sum int64
	for _, t := range c.Tiers {
		sum += int64(t.Count) * t.AmountFen
	}
	return sum
}

// MaxAwardFen is the largest tier's amount: no entry may request more.
func (c *Competition) MaxAwardFen() int64 {
	var m int64
	for _, t := range c.Tiers {
		m = max(m, t.AmountFen)
	}
	return m
}

// VoteWeight is the public vote's share of the final score (0 without a vote).
func (c *Competition) VoteWeight() float64 {
	if !c.PublicVote {
		return 0
	}
	return float64(c.VoteWeightPercent) / 100
}

// NextPhase is the phase after the current one; false when closed.
func (c *Competition) NextPhase() (CompetitionPhase, bool) {
	i := c.Phase.order()
	if i < 0 || i+1 >= len(phaseOrder) {
		return "", false
	}
	next := phaseOrder[i+1]
	if next == PhasePublicVote && !c.PublicVote {
		next = PhaseFinalists
	}
	return next, true
}

// CheckMove says whether the competition may move to phase to: only the
// next phase, one step at a time.
func (c *Competition) CheckMove(to CompetitionPhase) error {
	if !to.Valid() || to == PhaseDraft {
		return Invalid("to", "未知的大赛阶段", "unknown competition phase")
	}
	next, ok := c.NextPhase()
	switch {
	case !ok:
		return E(KindConflict, "大赛已结束", "the competition is closed")
	case to == PhasePublicVote && !c.PublicVote:
		return Invalid("to", "本大赛未设公众投票环节", "this competition has no public vote")
	case to != next:
		return E(KindConflict, fmt.Sprintf("大赛当前阶段为 %s，只能进入下一阶段 %s", c.Phase, next),
			fmt.Sprintf("the competition is in phase %s; it can only move to %s", c.Phase, next))
	}
	return nil
}

// Competition limits.
const (
	MaxAwardTiers          = 10
	MaxReviewersPerEntry   = 10
	MaxCompetitionRegions  = 50
	MaxCompetitionRubric   = 20
	MaxCompetitionAwardees = 1000
)

var tierCodePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Validate checks everything that needs no store. Fields are named as the
// API names them (body.tiers[0].amountFen).
func (c *Competition) Validate() error {
	var p Problems
	if n := len([]rune(strings.TrimSpace(c.Name))); n < 2 || n > 100 {
		p.Add("name", "大赛名称须为 2–100 个字符", "name must be 2–100 characters")
	}
	if len([]rune(c.Summary)) > 5000 {
		p.Add("summary", "大赛简介不超过 5000 个字符", "summary must be at most 5000 characters")
	}
	validateCodes(&p, "domains", c.Domains, Domains, true)
	validateCodes(&p, "eligibleKinds", c.EligibleKinds, OrganisationKinds, false)
	switch {
	case len(c.Regions) == 0:
		p.Add("regions", "至少选择一个参赛地区", "choose at least one region")
	case len(c.Regions) > MaxCompetitionRegions:
		p.Add("regions", "参赛地区最多 50 个", "at most 50 regions")
	}
	seen := map[string]bool{}
	for i, code := range c.Regions {
		if _, ok := LookupDivision(code); !ok {
			p.Add(indexed("regions", i), "未知的行政区划代码", "unknown division code")
		} else if seen[code] {
			p.Add(indexed("regions", i), "重复的行政区划代码", "duplicate division code")
		}
		seen[code] = true
	}
	c.validateSchedule(&p)
	c.validateTiers(&p)
	if len(c.Rubric) > MaxCompetitionRubric {
		p.Add("rubric", "评分标准最多 20 项", "a rubric has at most 20 criteria")
	} else if err := c.Rubric.Validate(); err != nil {
		if e, ok := err.(*Error); ok {
			for _, f := range e.Fields {
				p.Add(strings.ReplaceAll(f.Field, "max_points", "maxPoints"), f.Zh, f.En)
			}
		}
	}
	if c.ReviewersPerEntry < 1 || c.ReviewersPerEntry > MaxReviewersPerEntry {
		p.Add("reviewersPerEntry", "每个项目的评审人数须为 1–10", "reviewers per entry must be 1–10")
	}
	if c.VoteWeightPercent < 0 || c.VoteWeightPercent > 100 {
		p.Add("voteWeightPercent", "公众投票权重须为 0–100（百分比）", "vote weight must be 0–100 (percent)")
	}
	return p.Err()
}

func (c *Competition) validateSchedule(p *Problems) {
	s := c.Schedule
	type step struct {
		field string
		at    time.Time
	}
	steps := []step{{"opensAt", s.OpensAt}, {"reviewAt", s.ReviewAt}}
	if c.PublicVote {
		steps = append(steps, step{"voteAt", s.VoteAt})
	} else if !s.VoteAt.IsZero() {
		p.Add("schedule.voteAt", "未设公众投票的大赛不能有投票开始时间", "a competition without a public vote has no voteAt")
	}
	steps = append(steps, step{"finalistsAt", s.FinalistsAt}, step{"awardsAt", s.AwardsAt}, step{"closesAt", s.ClosesAt})
	for i, st := range steps {
		f := "schedule." + st.field
		switch {
		case st.at.IsZero():
			p.Add(f, "须填写该阶段的开始时间", "the phase needs a start time")
		case i > 0 && !steps[i-1].at.IsZero() && !st.at.After(steps[i-1].at):
			p.Add(f, "各阶段开始时间须依次递增", "each phase must start after the one before it")
		}
	}
}

func (c *Competition) validateTiers(p *Problems) {
	switch {
	case len(c.Tiers) == 0:
		p.Add("tiers", "至少设置一个奖项等级", "at least one award tier")
		return
	case len(c.Tiers) > MaxAwardTiers:
		p.Add("tiers", "奖项等级最多 10 个", "at most 10 award tiers")
		return
	}
	seen := map[string]bool{}
	var pool int64
	awardees := 0
	for i, t := range c.Tiers {
		f := indexed("tiers", i)
		switch {
		case !tierCodePattern.MatchString(t.Code):
			p.Add(f+".code", "奖项代码须为小写字母开头的 snake_case（最多 32 个字符）", "tier code must be snake_case starting with a letter (at most 32 characters)")
		case seen[t.Code]:
			p.Add(f+".code", "奖项代码重复", "duplicate tier code")
		}
		seen[t.Code] = true
		if n := len([]rune(strings.TrimSpace(t.Name))); n < 1 || n > 50 {
			p.Add(f+".name", "奖项名称须为 1–50 个字符", "tier name must be 1–50 characters")
		}
		if t.Count < 1 || t.Count > MaxCompetitionAwardees {
			p.Add(f+".count", "获奖名额须为 1–1000", "count must be 1–1000")
		}
		if t.AmountFen <= 0 || t.AmountFen > MaxFundFen {
			p.Add(f+".amountFen", "奖励金额须为正数（单位：分），且不超过 100 亿元", "amount must be positive (in fen) and at most 10 billion yuan")
		}
		if t.Count > 0 && t.AmountFen > 0 && t.Count <= MaxCompetitionAwardees && t.AmountFen <= MaxFundFen {
			pool += int64(t.Count) * t.AmountFen
			awardees += t.Count
		}
	}
	if pool > MaxFundFen {
		p.Add("tiers", "奖金池不能超过 100 亿元", "the prize pool must be at most 10 billion yuan")
	}
	if awardees > MaxCompetitionAwardees {
		p.Add("tiers", "获奖名额合计不超过 1000", "at most 1,000 awards in all")
	}
}

// PlanAwards gives the award tiers to the ranking: tiers by amount, highest
// first (ties keep their order), each expanded into Count places; entries in
// rank order take the places one each, skipping those eligible rejects. An
// award is the tier's amount, but never more than the entry requested
// (eligible returns it): a project is not funded beyond its own request,
// and the difference stays in the reserve, released when the competition
// closes. Places left when the entries run out stay unawarded.
func PlanAwards(tiers []AwardTier, ranking []CombinedEntry, eligible func(entryID string) (requestedFen int64, ok bool)) []Award {
	ts := append([]AwardTier(nil), tiers...)
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].AmountFen > ts[j].AmountFen })
	var places []AwardTier
	for _, t := range ts {
		for range t.Count {
			places = append(places, t)
		}
	}
	rs := append([]CombinedEntry(nil), ranking...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Rank < rs[j].Rank })
	var out []Award
	for _, e := range rs {
		if len(out) == len(places) {
			break
		}
		requested, ok := eligible(e.EntryID)
		if !ok || requested <= 0 {
			continue
		}
		t := places[len(out)]
		out = append(out, Award{EntryID: e.EntryID, Rank: e.Rank, Tier: t.Code, TierName: t.Name, AmountFen: min(t.AmountFen, requested)})
	}
	return out
}

// ConflictKind is why a reviewer may not review an organisation's entries.
type ConflictKind string

const (
	ConflictOwnOrganisation ConflictKind = "own_organisation" // the reviewer works for or runs it
	ConflictEmployment      ConflictKind = "employment"       // employed by it in the last two years
	ConflictFamily          ConflictKind = "family"           // a family member works for it or leads the project
	ConflictOther           ConflictKind = "other"
)

// ConflictKinds lists the kinds.
var ConflictKinds = []ConflictKind{ConflictOwnOrganisation, ConflictEmployment, ConflictFamily, ConflictOther}

// Conflict is a declared conflict of interest with an organisation (all its
// entries) or with one entry.
type Conflict struct {
	Kind           ConflictKind `bson:"kind"`
	OrganisationID string       `bson:"organisationid"`
	EntryID        string       `bson:"entryid"`
	Note           string       `bson:"note"`
	DeclaredAt     time.Time    `bson:"declaredat"`
}

// Validate checks the conflict names exactly one organisation or entry.
func (c *Conflict) Validate() error {
	var p Problems
	known := false
	for _, k := range ConflictKinds {
		known = known || k == c.Kind
	}
	if !known {
		p.Add("kind", "利益冲突类型须为 own_organisation、employment、family 或 other", "kind must be own_organisation, employment, family or other")
	}
	if (c.OrganisationID == "") == (c.EntryID == "") {
		p.Add("organisationId", "须且只能指定一个机构或一个参赛项目", "name exactly one organisation or one entry")
	}
	if len([]rune(c.Note)) > 500 {
		p.Add("note", "说明不超过 500 个字符", "note must be at most 500 characters")
	}
	return p.Err()
}

// MaxConflicts bounds a reviewer's declarations.
const MaxConflicts = 100

// CompetitionReviewer is a person invited to review a competition's
// entries (_id competition#account). The record, not the token's binding,
// is what the review endpoints check.
type CompetitionReviewer struct {
	CompetitionID  string     `bson:"competitionid"`
	AccountID      string     `bson:"accountid"`
	Name           string     `bson:"name"`
	OrganisationID string     `bson:"organisationid"` // the reviewer's own organisation, when the organiser named one
	Conflicts      []Conflict `bson:"conflicts"`
	InvitedBy      string     `bson:"invitedby"`
	InvitedAt      time.Time  `bson:"invitedat"`
}

// Ref is the reviewer as assignment sees it. employers are organisations
// the account works for now (its role bindings): conflicts like its own.
func (r *CompetitionReviewer) Ref(employers []string) ReviewerRef {
	ref := ReviewerRef{ID: r.AccountID, OrganisationID: r.OrganisationID}
	ref.ConflictOrgs = append(ref.ConflictOrgs, employers...)
	for _, c := range r.Conflicts {
		if c.OrganisationID != "" {
			ref.ConflictOrgs = append(ref.ConflictOrgs, c.OrganisationID)
		}
		if c.EntryID != "" {
			ref.ConflictEntries = append(ref.ConflictEntries, c.EntryID)
		}
	}
	return ref
}

// ReviewAssignment gives one entry to one reviewer (_id
// competition#entry#reviewer, decided by a unique insert).
type ReviewAssignment struct {
	CompetitionID string    `bson:"competitionid"`
	EntryID       string    `bson:"entryid"`
	ReviewerID    string    `bson:"reviewerid"`
	AssignedAt    time.Time `bson:"assignedat"`
	AssignedBy    string    `bson:"assignedby"`
}

// ScoreSheet is one reviewer's scores for one entry (_id
// competition#entry#reviewer: one sheet each, by a unique insert; final
// once submitted).
type ScoreSheet struct {
	CompetitionID string         `bson:"competitionid"`
	EntryID       string         `bson:"entryid"`
	ReviewerID    string         `bson:"reviewerid"`
	Scores        map[string]int `bson:"scores"` // criterion code → points
	Total         float64        `bson:"total"`  // WeightedTotal, 0–100
	Comment       string         `bson:"comment"`
	SubmittedAt   time.Time      `bson:"submittedat"`
}

// Vote is one verified volunteer's vote for one entry (_id
// competition#entry#account: one each, by a unique insert).
type Vote struct {
	CompetitionID string
	EntryID       string
	AccountID     string
	At            time.Time
}

// CompetitionResults is the ranking frozen when the finalists are
// announced (_id competition, inserted once): the review, the vote counts
// and the final ranking the awards follow.
type CompetitionResults struct {
	CompetitionID string           `bson:"competitionid"`
	Review        NormalisedResult `bson:"review"`
	Votes         map[string]int   `bson:"votes"`
	VoteWeight    float64          `bson:"voteweight"`
	Ranking       []CombinedEntry  `bson:"ranking"`
	FrozenAt      time.Time        `bson:"frozenat"`
}
