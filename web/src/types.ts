// The API's shapes, as the service describes them: aliases of the types that
// `npm run gen:api` generates from the OpenAPI document (handlers/testdata/
// openapi.json, kept equal to the served /openapi.json by TestGoldenOpenAPI).
// Nothing here is typed by hand; a changed API breaks the type check. They come
// through the client kit (clients/ts), which the console's api.ts builds on.
import type { components, Problem as KitProblem } from '../../clients/ts/index.js';

type S = components['schemas'];

/** Problem is an RFC 9457 problem (application/problem+json), as the kit types it; partial for the console's own (network) ones. */
export type Problem = Partial<KitProblem>;

// Accounts and sessions
export type RoleBinding = S['RoleBindingDTO'];
export type Tokens = S['TokensDTO'];
export type Term = S['Term'];
export type Vocabulary = S['Vocabulary'];
export type Vocabularies = S['VocabulariesOutputBody'];
export type Division = S['DivisionDTO'];
export type Transitions = S['HistoryOutputBody'];

// Needs, matching, plans and attendance
export type Need = S['NeedDTO'];
export type NeedList = S['ListOutputNeedDTOBody'];
export type NeedMatches = S['MatchesDTO'];
export type NeedInvitations = S['NeedInvitationsOutputBody'];
export type InviteResults = S['InviteOutputBody'];
export type NeedPlan = S['PlanDTO'];
export type Supervisors = S['SupervisorsOutputBody'];
export type CheckinCode = S['CodeOutputBody'];
export type Marks = S['MarkOutputBody'];
export type HoursList = S['ListOutputHoursRecordDTOBody'];
export type VerifyResults = S['BulkVerifyOutputBody'];

// Organisations and complaints
export type Organisation = S['OrganisationDTO'];
export type OrganisationList = S['ListOutputOrganisationDTOBody'];
export type Members = S['ListOutputMemberDTOBody'];
export type Member = S['MemberDTO'];
export type RoleOffer = S['RoleOfferDTO'];
export type Complaint = S['ComplaintDTO'];
export type ComplaintList = S['ListOutputComplaintDTOBody'];

// Funds and applications
export type Fund = S['FundDTO'];
export type FundList = S['ListOutputFundDTOBody'];
export type Application = S['ApplicationDTO'];
export type ApplicationList = S['ListOutputApplicationDTOBody'];
export type LedgerList = S['LedgerOutputBody'];
export type LedgerEntry = S['LedgerEntryDTO'];
export type FundReport = S['FundReportOutputBody'];

// The organisations' side: drafts, tranches and evaluations
export type ApplicationBody = S['ApplicationBody'];
export type Budget = S['BudgetDTO'];
export type TeamMember = S['TeamMemberDTO'];
export type Milestone = S['MilestoneDTO'];
export type KPI = S['KPIDTO'];
export type Grant = S['FundGrantOutputBody'];
export type Tranche = S['TrancheDTO'];
export type TrancheStep = S['TrancheStepDTO'];
export type Evaluation = S['EvaluationDTO'];
export type EvaluationInput = S['EvaluationInputBody'];
export type KPIResult = S['KPIResultDTO'];
export type OrgEvaluations = S['OrgEvaluationsOutputBody'];
export type OrgEvaluation = S['OrgEvaluationDTO'];

// Competitions and reviews
export type Competition = S['CompetitionDTO'];
export type CompetitionList = S['ListOutputCompetitionDTOBody'];
export type Criterion = S['CriterionDTO'];
export type ReviewerList = S['ReviewersOutputBody'];
export type AssignmentSummary = S['AssignmentSummaryDTO'];
export type CompetitionReport = S['ReportOutputBody'];
export type MyReviews = S['MyReviewsOutputBody'];
export type ReviewEntries = S['ListOutputReviewEntryItemDTOBody'];
export type ReviewEntry = S['ReviewEntryOutputBody'];

// The civil-affairs dashboard
export type Dashboard = S['DashboardDTO'];
export type DashboardSeries = S['DashboardSeriesDTO'];
export type Compliance = S['DashboardComplianceDTO'];
export type DashboardMapArea = S['DashboardMapAreaDTO'];
export type DashboardTown = S['DashboardTownDTO'];
export type DivisionList = S['DivisionListOutputBody'];
