// The organisations' side of the money: their applications (drafts with
// budget lines, team, milestones and targets; submit, withdraw), the
// tranches of a granted project (reported here), the evaluations of the
// organisation and its projects, and the engaged evaluator's screen.
export { ApplicationsPage } from './list';
export { ApplicationFormPage } from './form';
export { ApplicationPage } from './view';
export { OrgEvaluationsPage } from './evaluations';
export { EvaluatorPage, EvaluatePage } from './evaluate';
