// Package matching decides who can serve a need and how well. It is pure:
// data in, ranked and explained results out, deterministic for equal
// input; it imports only models and the standard library.
//
//	ix := matching.NewIndex(volunteers)               // at start, from the store
//	ix.SetCommitments("v-42", heldWindows)            // as assignments change
//	res := ix.TopK(need, occ, 20, matching.Options{Supervised: plan.SupervisorID != ""})
//	for _, c := range res.Candidates {
//		fmt.Println(c.VolunteerID, c.Score, c.Parts[1].Zh) // v-7 87 距离 1–3 公里
//	}
//	for _, e := range res.Exclusions {
//		fmt.Println(e.Zh) // 12,034 人距离过远 … 41 人缺少急救（2 级），其中 30 人仅此一项
//	}
//
// The pieces:
//
//   - Hard constraints: CheckVolunteer, CheckCommitments and
//     CheckSupervisor say what a volunteer or a social worker breaks, with
//     messages in Chinese and English. Everything else builds on them.
//   - Score: a volunteer's score is 0–100, the sum of whole points per
//     Part (skill, distance, slack, domain, reliability, fairness, track)
//     under Weights (DefaultWeights unless configured). Raising any part
//     never lowers the score. Explain gives the parts and reasons for one
//     volunteer.
//   - Ranking: Rank checks and scores every volunteer given (the
//     reference); Index does the same for a whole city from a spatial grid
//     with bitsets, reading only the cells near the need, and returns the
//     same Result: the top k candidates with reasons, and for everyone
//     else how many each constraint kept out (Exclusion says how they are
//     counted). Options.CandidatesOnly skips the counts, for callers that
//     use only the candidates; at 5–10 km it is 1.6–2.4 times faster.
//   - Supervisors: RankSupervisors filters social workers with
//     CheckSupervisor and ranks them by expertise, proximity, spare
//     caseload and seniority.
//   - Batch: Assign gives the open places of a batch to volunteers so
//     that the total score is the largest possible, exactly, and reports
//     the greedy total beside it.
//   - Location: the engine measures from whatever home point it is given.
//     Its answers go to others than the volunteer, so the service gives it
//     each home snapped to its 0.01° cell (models.CoarsePoint), never the
//     exact point, and explanations and TooFar messages give the distance
//     only as a band (models.DistanceBandOf); Candidate.DistanceKm is not
//     serialised.
//
// Benchmarks on the synthetic city are in BENCHMARKS.md.
package matching
