package competitions

import (
	"context"
	"sort"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// competition_votes.go: the public vote. Every vote is a MongoDB document
// (one per account and entry, by a unique insert); the Redis leaderboard
// only mirrors the counts and is rebuilt from MongoDB whenever it is
// missing, so losing Redis loses no vote.

// Leaderboard keeps ranked counters in Redis sorted sets. A board is a
// cache: the service rebuilds it from MongoDB when Top finds it missing.
type Leaderboard interface {
	// IncrIfPresent adds delta to member's score when the board exists, and
	// leaves a missing board missing (it is rebuilt whole on the next read,
	// so a lone increment never passes for the full count).
	IncrIfPresent(ctx context.Context, board, member string, delta float64) error
	// Top returns the board's members by score, highest first; ok is false
	// when the board does not exist.
	Top(ctx context.Context, board string) (members []BoardMember, ok bool, err error)
	// Replace swaps the board for one holding exactly scores, atomically
	// (an empty map makes an empty board that exists).
	Replace(ctx context.Context, board string, scores map[string]float64) error
}

// BoardMember is one member of a leaderboard and its score.
type BoardMember struct {
	Member string
	Score  float64
}

// Vote limits: per account and per client IP, in a fixed window.
const (
	voteLimitAccount = 30
	voteLimitIP      = 300
	voteWindow       = time.Minute
)

func boardKey(competitionID string) string { return "competition:" + competitionID + ":votes" }

// VoteInput is a vote and where it came from.
type VoteInput struct {
	ClientIP string
}

// Vote records the actor's vote for an entry: only during the public vote,
// only by an account whose volunteer profile is real-name verified, at most
// once per account and entry (a unique insert decides concurrent votes:
// one is stored, and every repeat answers that stored vote), and
// within the rate limits per account and per IP (a Redis outage fails open,
// logged: the unique insert still allows one vote each).
func (s *Service) Vote(ctx context.Context, actor *Actor, id, entryID string, in VoteInput) (*models.Vote, error) {
	c, err := s.visibleCompetition(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !c.PublicVote || c.Phase != models.PhasePublicVote {
		return nil, models.E(models.KindConflict, "大赛不在公众投票阶段", "the competition is not in its public vote")
	}
	if err := s.limitVote(ctx, actor.AccountID, in.ClientIP); err != nil {
		return nil, err
	}
	v, err := s.st.Volunteers.Volunteer(ctx, actor.AccountID)
	if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	if v == nil || !v.RealNameVerified {
		return nil, models.E(models.KindForbidden, "只有通过实名核验的志愿者可以投票", "only volunteers with a verified real name may vote")
	}
	e, err := s.entryOf(ctx, c, entryID)
	if err != nil {
		return nil, err
	}
	if !competingStatus(e.Status) {
		return nil, models.ErrNotFound
	}
	vote := &models.Vote{CompetitionID: c.ID, EntryID: e.ID, AccountID: actor.AccountID, At: s.d.Now()}
	if err := s.st.Competitions.InsertVote(ctx, vote); core.IsKind(err, models.KindConflict) {
		// A repeat (its answer lost, or a double tap): the stored vote
		// again, counted once.
		return s.st.Competitions.Vote(ctx, c.ID, e.ID, actor.AccountID)
	} else if err != nil {
		return nil, err
	}
	if s.st.Leaderboard != nil {
		if err := s.st.Leaderboard.IncrIfPresent(ctx, boardKey(c.ID), e.ID, 1); err != nil {
			// The vote is stored; the board is rebuilt from the stored votes
			// when Redis is back (RedisRecovered) and on schedule.
			s.d.Degraded(ctx, "leaderboard", err)
		}
	}
	return vote, nil
}

func (s *Service) limitVote(ctx context.Context, accountID, ip string) error {
	if err := s.d.Limit(ctx, "vote:account:"+accountID, voteLimitAccount, voteWindow); err != nil || ip == "" {
		return err
	}
	return s.d.Limit(ctx, "vote:ip:"+ip, voteLimitIP, voteWindow)
}

// LeaderboardRow is one entry on the public vote's leaderboard.
type LeaderboardRow struct {
	Rank             int
	EntryID          string
	Title            string
	OrganisationName string
	Votes            int
}

// Leaderboard shows the public vote's standings: to anyone once the vote
// has started, to the organiser at any time after publication. The counts
// come from Redis; a missing board is rebuilt from the votes in MongoDB.
func (s *Service) Leaderboard(ctx context.Context, actor *Actor, id string) ([]LeaderboardRow, error) {
	c, err := s.visibleCompetition(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !c.PublicVote {
		return nil, models.E(models.KindNotFound, "本大赛未设公众投票", "this competition has no public vote")
	}
	if !c.Phase.Reached(models.PhasePublicVote) && (actor == nil || !s.managesCompetition(actor, c)) {
		return nil, models.E(models.KindNotFound, "公众投票尚未开始", "the public vote has not started")
	}
	counts, err := s.boardCounts(ctx, c)
	if err != nil {
		return nil, err
	}
	return s.leaderboardRows(ctx, c, counts)
}

// RebuildLeaderboard rebuilds the board from the stored votes (the organiser).
func (s *Service) RebuildLeaderboard(ctx context.Context, actor *Actor, id string) ([]LeaderboardRow, error) {
	c, err := s.managedCompetition(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !c.PublicVote {
		return nil, models.E(models.KindConflict, "本大赛未设公众投票", "this competition has no public vote")
	}
	counts, err := s.rebuildBoard(ctx, c)
	if err != nil {
		return nil, err
	}
	return s.leaderboardRows(ctx, c, counts)
}

// boardCounts reads the vote counts from the leaderboard, rebuilding it
// from MongoDB when it is missing (or when there is no Redis leaderboard).
func (s *Service) boardCounts(ctx context.Context, c *models.Competition) (map[string]int, error) {
	if s.st.Leaderboard != nil {
		members, ok, err := s.st.Leaderboard.Top(ctx, boardKey(c.ID))
		if err == nil && ok {
			out := make(map[string]int, len(members))
			for _, m := range members {
				out[m.Member] = int(m.Score)
			}
			return out, nil
		}
		if err != nil {
			s.d.Degraded(ctx, "leaderboard", err)
			return s.st.Competitions.VoteCounts(ctx, c.ID)
		}
	}
	return s.rebuildBoard(ctx, c)
}

// rebuildBoard counts the stored votes and replaces the board with them
// (every competing entry, with 0 when it has no vote).
func (s *Service) rebuildBoard(ctx context.Context, c *models.Competition) (map[string]int, error) {
	counts, err := s.st.Competitions.VoteCounts(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if s.st.Leaderboard == nil || !c.PublicVote {
		return counts, nil
	}
	entries, err := s.competingEntries(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	scores := make(map[string]float64, len(entries))
	for id := range entries {
		scores[id] = float64(counts[id])
	}
	if err := s.st.Leaderboard.Replace(ctx, boardKey(c.ID), scores); err != nil {
		s.d.Degraded(ctx, "leaderboard", err)
	}
	return counts, nil
}

// leaderboardRows lists every competing entry with its count, most votes
// first (ties by entry id).
func (s *Service) leaderboardRows(ctx context.Context, c *models.Competition, counts map[string]int) ([]LeaderboardRow, error) {
	entries, err := s.competingEntries(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	names := orgNames{s: s}
	rows := make([]LeaderboardRow, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, LeaderboardRow{EntryID: e.ID, Title: e.Title, OrganisationName: names.of(ctx, e.OrganisationID), Votes: counts[e.ID]})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Votes != rows[j].Votes {
			return rows[i].Votes > rows[j].Votes
		}
		return rows[i].EntryID < rows[j].EntryID
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return rows, nil
}

// orgNames looks organisation names up once each.
type orgNames struct {
	s     *Service
	cache map[string]string
}

func (n *orgNames) of(ctx context.Context, id string) string {
	if name, ok := n.cache[id]; ok {
		return name
	}
	if n.cache == nil {
		n.cache = map[string]string{}
	}
	name := ""
	if o, err := n.s.st.Organisations.Organisation(ctx, id); err == nil {
		name = o.Name
	}
	n.cache[id] = name
	return name
}

// RebuildVotingLeaderboards rebuilds the leaderboard of every competition
// in its public vote from the votes in MongoDB (the scheduled repair: an
// increment lost to a Redis blip, or made while a lost board was being
// rebuilt, shows no longer than until the next run). It returns how many
// boards it rebuilt.
func (s *Service) RebuildVotingLeaderboards(ctx context.Context) (int, error) {
	if s.st.Leaderboard == nil {
		return 0, nil
	}
	n := 0
	p := Page{Limit: MaxPageSize}
	for {
		cs, next, err := s.st.Competitions.Competitions(ctx, CompetitionFilter{Phase: models.PhasePublicVote}, p)
		if err != nil {
			return n, err
		}
		for _, c := range cs {
			if _, err := s.rebuildBoard(ctx, c); err != nil {
				return n, err
			}
			n++
		}
		if next == "" {
			return n, nil
		}
		p.Cursor = next
	}
}
