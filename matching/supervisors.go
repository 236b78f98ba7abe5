package matching

import (
	"math"
	"sort"
	"strconv"

	"github.com/wushe/wushe/models"
)

// The parts of a supervisor's score.
const (
	PartExpertise Part = "expertise" // the need's domain among the worker's domains
	PartProximity Part = "proximity" // same station, same district, or near the worker's base
	PartCapacity  Part = "capacity"  // spare caseload
	PartSeniority Part = "seniority" // certificate above the one the need requires
)

// SupervisorWeights are the points of each part of a supervisor's score
// (sum 100): domain expertise first, then being close to the community
// (a station's worker knows its streets), then room in the caseload.
var SupervisorWeights = struct{ Expertise, Proximity, Capacity, Seniority int }{40, 30, 20, 10}

// Proximity constants: the same township/street station scores 1, the
// same district SameDistrictShare; a known base point scores up to
// BaseShare, halving every BaseHalfKm.
const (
	SameDistrictShare = 0.6
	BaseShare         = 0.8
	BaseHalfKm        = 5.0
	// OpenCaseloadHalf: with no cap, spare capacity halves at 10 cases.
	OpenCaseloadHalf = 10.0
)

// SupervisorCandidate is a social worker who may supervise the need.
type SupervisorCandidate struct {
	SocialWorkerID string      `json:"socialWorkerId"`
	Score          int         `json:"score"`
	Caseload       int         `json:"caseload"`
	Internal       bool        `json:"internal"` // employed by the carrying organisation
	Parts          []PartScore `json:"parts"`
}

// SupervisorExclusion counts the workers one constraint kept out; a
// worker is counted under every constraint it breaks.
type SupervisorExclusion struct {
	Reason SupervisorReason `json:"reason"`
	Count  int              `json:"count"`
	Zh     string           `json:"zh"`
	En     string           `json:"en"`
}

// SupervisorResult ranks the social workers for one need.
type SupervisorResult struct {
	Candidates []SupervisorCandidate `json:"candidates"` // best first: score, then id
	Workers    int                   `json:"workers"`
	Eligible   int                   `json:"eligible"`
	Exclusions []SupervisorExclusion `json:"exclusions"` // unverified, level, pool, capacity; zeros left out
}

// RankSupervisors suggests up to k supervisors for need n whose plan is
// carried by organisation carrier ("" when none). CheckSupervisor is the
// hard filter (caseloads maps a worker id to the plans it supervises now);
// the rest are ranked by domain expertise, proximity, spare caseload and
// seniority, each with its reason.
func RankSupervisors(workers []*models.SocialWorker, caseloads map[string]int, n *models.Need, carrier string, k int) SupervisorResult {
	res := SupervisorResult{Workers: len(workers), Candidates: []SupervisorCandidate{}, Exclusions: []SupervisorExclusion{}}
	counts := map[SupervisorReason]int{}
	needDistrict := districtOf(n.CommunityCode, &n.Location)
	for _, w := range workers {
		load := caseloads[w.AccountID]
		if vs := CheckSupervisor(w, n, carrier, load); len(vs) > 0 {
			for _, v := range vs {
				counts[v.Reason]++
			}
			continue
		}
		res.Eligible++
		res.Candidates = append(res.Candidates, supervisorCandidate(w, n, carrier, load, needDistrict))
	}
	sort.Slice(res.Candidates, func(i, j int) bool {
		a, b := &res.Candidates[i], &res.Candidates[j]
		return a.Score > b.Score || a.Score == b.Score && a.SocialWorkerID < b.SocialWorkerID
	})
	res.Candidates = res.Candidates[:min(max(k, 0), len(res.Candidates))]
	for _, r := range []SupervisorReason{SupervisorUnverified, SupervisorLevelTooLow, SupervisorNotInPool, SupervisorAtCapacity} {
		if c := counts[r]; c > 0 {
			zh, en := supervisorExclusionText(r, c)
			res.Exclusions = append(res.Exclusions, SupervisorExclusion{Reason: r, Count: c, Zh: zh, En: en})
		}
	}
	return res
}

func supervisorCandidate(w *models.SocialWorker, n *models.Need, carrier string, load int, needDistrict string) SupervisorCandidate {
	var f [4]float64
	var zh, en [4]string
	// Expertise.
	dz, de := domainName(n.Domain)
	zh[0], en[0] = "未列出"+dz+"领域经验", "no listed experience in "+de
	for _, d := range w.Domains {
		if d == n.Domain {
			f[0] = 1
			zh[0], en[0] = "擅长领域："+dz, "works in "+de
		}
	}
	// Proximity: the best of station, district and base distance.
	zh[1], en[1] = "位置未知", "location unknown"
	town := ""
	if len(n.CommunityCode) >= 9 {
		town = n.CommunityCode[:9]
	}
	switch workerDistrict := districtOf(w.StationTownCode, w.Base); {
	case w.StationTownCode != "" && w.StationTownCode == town:
		f[1] = 1
		zh[1], en[1] = "同一街道（乡镇）社工站", "station in the same street or township"
	case needDistrict != "" && workerDistrict == needDistrict:
		f[1] = SameDistrictShare
		zh[1], en[1] = "同区（县、市）", "same district"
	case workerDistrict != "":
		zh[1], en[1] = "不在同一区（县、市）", "in another district"
	}
	if w.Base != nil {
		d := models.DistanceKm(*w.Base, n.Location)
		if g := BaseShare * math.Exp2(-d/BaseHalfKm); g > f[1] {
			f[1] = g
			b := models.DistanceBandOf(d) // read by the committee: a band, never the distance
			zh[1], en[1] = "距离 "+b.Zh, b.En+" away"
		}
	}
	// Capacity.
	if limit := w.CaseloadCap; limit > 0 {
		f[2] = float64(max(limit-load, 0)) / float64(limit)
		zh[2], en[2] = "督导个案 "+strconv.Itoa(load)+"/"+strconv.Itoa(limit), "caseload "+strconv.Itoa(load)+" of "+strconv.Itoa(limit)
	} else {
		f[2] = math.Exp2(-float64(max(load, 0)) / OpenCaseloadHalf)
		zh[2], en[2] = "督导个案 "+strconv.Itoa(load)+"（未设上限）", "caseload "+strconv.Itoa(load)+" (no cap)"
	}
	// Seniority above what the need requires.
	want, have := n.SupervisorLevel(), w.VerifiedLevel()
	if span := 3 - want.Rank(); span > 0 {
		f[3] = float64(max(have.Rank()-want.Rank(), 0)) / float64(span)
	}
	zh[3], en[3] = "持"+certZh(have)+"证书（需"+certZh(want)+"及以上）", "holds "+certEn(have)+" (needs "+certEn(want)+" or higher)"

	wts := [4]int{SupervisorWeights.Expertise, SupervisorWeights.Proximity, SupervisorWeights.Capacity, SupervisorWeights.Seniority}
	c := SupervisorCandidate{SocialWorkerID: w.AccountID, Caseload: load, Internal: carrier != "" && w.EmployerOrgID == carrier,
		Parts: make([]PartScore, 4)}
	for i, p := range []Part{PartExpertise, PartProximity, PartCapacity, PartSeniority} {
		pts := int(math.Floor(float64(wts[i])*min(max(f[i], 0), 1) + 0.5))
		c.Score += pts
		c.Parts[i] = PartScore{Part: p, Points: pts, Max: wts[i], Zh: zh[i], En: en[i]}
	}
	return c
}

// districtOf is the county-level code of a division code (its first six
// digits), or else of the district holding p; "" when neither is known.
func districtOf(code string, p *models.Point) string {
	if len(code) >= 6 {
		return code[:6]
	}
	if p != nil {
		if d, ok := models.DistrictAt(*p); ok {
			return d
		}
	}
	return ""
}

func supervisorExclusionText(r SupervisorReason, n int) (zh, en string) {
	c := thousands(n)
	switch r {
	case SupervisorUnverified:
		return c + " 人证书未核验", c + " with an unverified certificate"
	case SupervisorLevelTooLow:
		return c + " 人证书等级不足", c + " below the required certificate"
	case SupervisorNotInPool:
		return c + " 人不在督导人才库", c + " not in the supervisor pool"
	case SupervisorAtCapacity:
		return c + " 人督导个案已满", c + " at their caseload cap"
	}
	return c + " 人：" + string(r), c + " " + string(r)
}

func certEn(l models.CertificateLevel) string {
	if t, ok := models.CertificateLevels.Label(string(l)); ok {
		return t.En
	}
	return string(l)
}
