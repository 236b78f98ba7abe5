// The API's refusals of a form, shown next to it: each failing input named
// as the form names it ("里程碑 2 · 到期日"), from the problem's locations
// (body.milestones[1].due), with the API's own words.
import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { T } from '../../state';
import { useAction } from '../../ui';

// What the form calls each field of the application, report and evaluation bodies.
const NAMES: Record<string, [string, string]> = {
  title: ['项目名称', 'Title'], summary: ['项目简介', 'Summary'], fundId: ['资金', 'Fund'], competitionId: ['大赛', 'Competition'],
  organisationId: ['机构', 'Organisation'], regions: ['服务地区', 'Regions'], domains: ['服务领域', 'Domains'], needIds: ['关联需求', 'Linked needs'],
  targetGroup: ['服务对象', 'Target group'], beneficiaries: ['受益人数', 'Beneficiaries'], requestedFen: ['申请金额', 'Requested amount'],
  supervisorId: ['项目督导社工', 'Supervising social worker'], government: ['政府购买服务', 'Government purchase'],
  contractStart: ['合同开始日期', 'Contract start'], contractEnd: ['合同结束日期', 'Contract end'], needsSurvey: ['需求调查', 'Needs survey'],
  budget: ['预算', 'Budget'], salaryFen: ['薪酬待遇', 'Salaries'], supervisionTrainingFen: ['督导培训经费', 'Supervision and training'],
  serviceActivitiesFen: ['服务活动经费', 'Service activities'], projectManagementFen: ['项目管理经费', 'Project management'],
  team: ['项目团队', 'Team'], name: ['名称', 'Name'], post: ['岗位', 'Post'], socialWorkerId: ['社工账号', 'Social worker'], months: ['在岗月数', 'Months'],
  milestones: ['里程碑', 'Milestones'], due: ['到期日', 'Due'], tranchePercent: ['拨付比例', 'Tranche %'],
  kpis: ['考核指标', 'Targets'], kind: ['类型', 'Kind'], indicator: ['指标', 'Indicator'], target: ['目标值', 'Target'], quantity: ['数量目标', 'Quantity'],
  unitCostFen: ['单位服务成本', 'Unit cost'], report: ['报告', 'Report'], milestone: ['里程碑', 'Milestone'],
  score: ['总分', 'Score'], grade: ['等级', 'Grade'], kpiResults: ['指标评定', 'Target results'], index: ['指标序号', 'Target number'],
  actual: ['实际完成', 'Achieved'], met: ['是否达标', 'Met'],
};

// One element of a list, by the list's name.
const ITEM: Record<string, [string, string]> = {
  team: ['团队成员', 'Team member'], milestones: ['里程碑', 'Milestone'], kpis: ['考核指标', 'Target'], kpiResults: ['指标评定', 'Target result'],
  regions: ['服务地区', 'Region'], domains: ['服务领域', 'Domain'], needIds: ['关联需求', 'Linked need'],
};

/** fieldName names a problem's location as the form does: body.team[0].socialWorkerId → 团队成员 1 · 社工账号. */
export function fieldName(location?: string): string {
  if (!location) return '';
  const path = location.replace(/^(body|query|path|header)\./, '');
  return path.split('.').map((seg) => {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(seg);
    if (!m) return seg;
    if (m[2] !== undefined) {
      const item = ITEM[m[1]] ?? NAMES[m[1]];
      return `${item ? T(item[0], item[1]) : m[1]} ${Number(m[2]) + 1}`;
    }
    const n = NAMES[m[1]];
    return n ? T(n[0], n[1]) : m[1];
  }).join(' · ');
}

/** FormProblem is the API's refusal beside the form: its detail, then each failing input by name. */
export function FormProblem({ error }: { error?: ApiError }) {
  if (!error) return null;
  const items = (error.problem.errors ?? []).filter((e) => e.location || e.message);
  const detailRepeated = items.length > 0 && items.every((e) => e.message === error.problem.detail || error.problem.detail?.endsWith(e.message ?? '\u0000'));
  return (
    <div class="error form-problem" role="alert">
      {!detailRepeated && <p><strong>{error.problem.detail || error.message}</strong></p>}
      {items.length > 0 && (
        <ul>{items.map((e, i) => (
          <li key={i}><strong>{fieldName(e.location) || T('请求', 'Request')}</strong>：{e.message}
            {e.location && <span class="loc"> ({e.location})</span>}</li>
        ))}</ul>
      )}
    </div>
  );
}

/**
 * useFormAction is useAction for a form: the API's refusal stays beside the
 * form (FormProblem) instead of the passing notice; other failures notify.
 */
export function useFormAction<A extends unknown[]>(fn: (...a: A) => Promise<string | void>): [(...a: A) => Promise<boolean>, boolean, ApiError | undefined, (e?: ApiError) => void] {
  const [problem, setProblem] = useState<ApiError>();
  const [run, busy] = useAction(async (...a: A) => {
    setProblem(undefined);
    try {
      return await fn(...a);
    } catch (e) {
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) {
        setProblem(e);
        return;
      }
      throw e;
    }
  });
  return [run, busy, problem, setProblem];
}
