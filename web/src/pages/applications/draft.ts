// A draft application as the form holds it (money typed in yuan, numbers as
// typed), turned into the API's body (money in fen) and back; and the
// unsaved form kept in the tab's sessionStorage, so that a refreshed or lost
// session does not lose what was typed (cleared once saved).
import { state } from '../../state';
import type { Application, ApplicationBody } from '../../types';
import { toFen } from '../../ui';

export interface TeamRow { name: string; post: string; socialWorkerId: string; months: string; level?: string }
export interface MilestoneRow { name: string; due: string; percent: string }
export interface KpiRow { kind: string; indicator: string; target: string; quantity: string; unitCost: string }

export interface AppForm {
  fundId: string; title: string; summary: string; regions: string[]; domains: string[]; targetGroup: string; beneficiaries: string;
  requested: string; supervisorId: string; government: boolean; contractStart: string; contractEnd: string; needsSurvey: string;
  salary: string; supervisionTraining: string; serviceActivities: string; projectManagement: string;
  team: TeamRow[]; milestones: MilestoneRow[]; kpis: KpiRow[];
  // kept as they are: fields the form does not edit, so a PUT (which replaces the draft) keeps them
  needIds: string[]; competitionId: string;
}

/** yuanText is an amount in fen as the yuan typed in a field ('' for none). */
export function yuanText(fen?: number | null): string {
  return fen ? String(fen / 100) : '';
}

const int = (v: string) => (v.trim() === '' ? undefined : parseInt(v, 10));

export function blankForm(): AppForm {
  return {
    fundId: '', title: '', summary: '', regions: [], domains: [], targetGroup: '', beneficiaries: '', requested: '', supervisorId: '',
    government: false, contractStart: '', contractEnd: '', needsSurvey: '', salary: '', supervisionTraining: '', serviceActivities: '',
    projectManagement: '', team: [], milestones: [], kpis: [], needIds: [], competitionId: '',
  };
}

export function formFromApplication(a: Application): AppForm {
  return {
    fundId: a.fundId, title: a.title, summary: a.summary ?? '', regions: a.regions ?? [], domains: a.domains ?? [], targetGroup: a.targetGroup ?? '',
    beneficiaries: a.beneficiaries ? String(a.beneficiaries) : '', requested: yuanText(a.requestedFen), supervisorId: a.supervisorId ?? '',
    government: a.government, contractStart: a.contractStart ?? '', contractEnd: a.contractEnd ?? '', needsSurvey: a.needsSurvey ?? '',
    salary: yuanText(a.budget.salaryFen), supervisionTraining: yuanText(a.budget.supervisionTrainingFen),
    serviceActivities: yuanText(a.budget.serviceActivitiesFen), projectManagement: yuanText(a.budget.projectManagementFen),
    team: (a.team ?? []).map((m) => ({ name: m.name, post: m.post, socialWorkerId: m.socialWorkerId ?? '', months: m.months ? String(m.months) : '', level: m.level })),
    milestones: (a.milestones ?? []).map((m) => ({ name: m.name, due: m.due, percent: String(m.tranchePercent) })),
    kpis: (a.kpis ?? []).map((k) => ({ kind: k.kind, indicator: k.indicator, target: k.target, quantity: k.quantity ? String(k.quantity) : '', unitCost: yuanText(k.unitCostFen) })),
    needIds: a.needIds ?? [], competitionId: a.competitionId ?? '',
  };
}

/** budgetFen is the four budget lines in fen. */
export function budgetFen(f: AppForm) {
  return {
    salaryFen: toFen(f.salary), supervisionTrainingFen: toFen(f.supervisionTraining),
    serviceActivitiesFen: toFen(f.serviceActivities), projectManagementFen: toFen(f.projectManagement),
  };
}

/** applicationBody is the whole draft as PUT and POST /v1/applications take it: money in fen. */
export function applicationBody(f: AppForm, organisationId: string): ApplicationBody {
  const b: ApplicationBody = {
    organisationId, title: f.title.trim(), summary: f.summary.trim() || undefined, regions: f.regions, domains: f.domains,
    targetGroup: f.targetGroup || undefined, beneficiaries: int(f.beneficiaries), requestedFen: f.requested.trim() ? toFen(f.requested) : undefined,
    supervisorId: f.supervisorId || undefined, government: f.government, needsSurvey: f.needsSurvey.trim() || undefined,
    budget: budgetFen(f), needIds: f.needIds,
    team: f.team.map((m) => ({
      name: m.name.trim(), post: m.post as 'professional' | 'staff' | 'volunteer',
      socialWorkerId: m.post === 'professional' && m.socialWorkerId ? m.socialWorkerId : undefined, months: int(m.months),
    })),
    milestones: f.milestones.map((m) => ({ name: m.name.trim(), due: m.due, tranchePercent: int(m.percent) ?? 0 })),
    kpis: f.kpis.map((k) => ({
      kind: k.kind as 'quantity' | 'quality' | 'effect', indicator: k.indicator.trim(), target: k.target.trim(),
      quantity: k.kind === 'quantity' ? int(k.quantity) : undefined,
      unitCostFen: k.kind === 'quantity' && k.unitCost.trim() ? toFen(k.unitCost) : undefined,
    })),
  };
  if (f.fundId) b.fundId = f.fundId;
  if (f.competitionId) b.competitionId = f.competitionId;
  if (f.government) {
    b.contractStart = f.contractStart || undefined;
    b.contractEnd = f.contractEnd || undefined;
  }
  return b;
}

// ---- the unsaved form, per account and application, in this tab ----

function key(id: string): string {
  return `wushe.application-form.${state.session?.account.id ?? ''}.${id}`;
}

/** unsaved is the form typed and not saved for this application ('new' for a new draft), if any. */
export function unsaved(id: string): AppForm | null {
  try {
    const raw = sessionStorage.getItem(key(id));
    return raw ? { ...blankForm(), ...(JSON.parse(raw) as Partial<AppForm>) } : null;
  } catch {
    return null;
  }
}

export function keepUnsaved(id: string, f: AppForm) {
  try {
    sessionStorage.setItem(key(id), JSON.stringify(f));
  } catch { /* a full or disabled storage only loses the safety net */ }
}

export function clearUnsaved(id: string) {
  sessionStorage.removeItem(key(id));
}
