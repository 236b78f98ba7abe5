// The repeated parts of a draft: budget lines (typed in yuan), team,
// milestones with their tranche percentages, and targets. Each row is a
// fieldset named by its position ("里程碑 2"), as the API's problems name it.
import type { ComponentChildren } from 'preact';
import { label, T } from '../../state';
import type { Member } from '../../types';
import { Badge, Button, Input, Select, yuan } from '../../ui';
import { budgetFen, type AppForm, type KpiRow, type MilestoneRow, type TeamRow } from './draft';

type Set = (p: Partial<AppForm>) => void;

/** RowSet edits a list of rows: each in a fieldset named "<item> n", with a remove button; an add button below. */
function RowSet<R>({ title, item, rows, blank, onRows, children, hint }: {
  title: string; item: string; rows: R[]; blank: R; onRows: (rows: R[]) => void; hint?: ComponentChildren;
  children: (row: R, set: (p: Partial<R>) => void, i: number) => ComponentChildren;
}) {
  return (
    <div class="rows">
      <h3>{title}</h3>
      {hint}
      {rows.map((r, i) => (
        <fieldset key={i} class="row-set">
          <legend>{item} {i + 1}</legend>
          {children(r, (p) => onRows(rows.map((x, j) => (j === i ? { ...x, ...p } : x))), i)}
          <Button kind="link" onClick={() => onRows(rows.filter((_, j) => j !== i))} aria-label={`${T('删除', 'Remove')} ${item} ${i + 1}`}>{T('删除', 'Remove')}</Button>
        </fieldset>
      ))}
      <Button kind="secondary" onClick={() => onRows([...rows, { ...blank }])}>{T(`添加${item}`, `Add a ${item.toLowerCase()}`)}</Button>
    </div>
  );
}

export function BudgetFields({ f, set }: { f: AppForm; set: Set }) {
  const b = budgetFen(f);
  const total = b.salaryFen + b.supervisionTrainingFen + b.serviceActivitiesFen + b.projectManagementFen;
  const money = { type: 'number', min: 0, step: '0.01', inputMode: 'decimal' as const };
  return (
    <fieldset>
      <legend>{T('项目预算（元）', 'Budget (yuan)')}</legend>
      <div class="grid">
        <Input label={T('薪酬待遇（元）', 'Salaries (yuan)')} {...money} value={f.salary} onValue={(v) => set({ salary: v })} />
        <Input label={T('督导培训经费（元）', 'Supervision and training (yuan)')} {...money} value={f.supervisionTraining} onValue={(v) => set({ supervisionTraining: v })} />
        <Input label={T('服务活动经费（元）', 'Service activities (yuan)')} {...money} value={f.serviceActivities} onValue={(v) => set({ serviceActivities: v })} />
        <Input label={T('项目管理经费（元）', 'Project management (yuan)')} {...money} value={f.projectManagement} onValue={(v) => set({ projectManagement: v })} />
      </div>
      <p class="total" aria-live="polite">{T('预算合计', 'Budget total')}：<strong data-testid="budget-total">{yuan(total)}</strong></p>
    </fieldset>
  );
}

export interface Worker { id: string; name: string }

/** workerOptions are the organisation's social workers, with the one already chosen even when not among them. */
function workerOptions(workers: Worker[], current: string) {
  const opts = workers.map((w) => ({ value: w.id, label: `${w.name}（${w.id}）` }));
  if (current && !workers.some((w) => w.id === current)) opts.push({ value: current, label: current });
  return opts;
}

export function workersOf(members: Member[]): Worker[] {
  return members.filter((m) => m.role === 'social_worker').map((m) => ({ id: m.accountId, name: m.name }));
}

export function SupervisorField({ f, set, workers }: { f: AppForm; set: Set; workers: Worker[] }) {
  return <Select label={T('项目督导社工', 'Supervising social worker')} value={f.supervisorId} onValue={(v) => set({ supervisorId: v })}
    options={workerOptions(workers, f.supervisorId)} empty="—" />;
}

const POSTS = () => [
  { value: 'professional', label: T('社会工作专业岗位（持证社工）', 'Professional post (certified social worker)') },
  { value: 'staff', label: T('其他受薪人员', 'Other paid staff') },
  { value: 'volunteer', label: T('志愿者（不受薪）', 'Volunteer (unpaid)') },
];

export function TeamFields({ f, set, workers }: { f: AppForm; set: Set; workers: Worker[] }) {
  const blank: TeamRow = { name: '', post: 'professional', socialWorkerId: '', months: '' };
  return (
    <RowSet title={T('项目团队', 'Team')} item={T('团队成员', 'Team member')} rows={f.team} blank={blank} onRows={(team) => set({ team })}
      hint={<p class="muted">{T('专业岗位须由本机构聘用、证书已核验的社工担任，每人一个岗位；政府购买服务项目专业岗位须占 80% 以上（志愿者计入人数）。',
        'A professional post is held by a certified social worker the organisation employs, one post each; a purchased project needs at least 80% professional posts (volunteers count in the headcount).')}</p>}>
      {(m, setRow) => (
        <div class="grid">
          <Select label={T('岗位', 'Post')} value={m.post} onValue={(v) => setRow({ post: v })} options={POSTS()} />
          {m.post === 'professional' && (
            <Select label={T('社工账号', 'Social worker')} value={m.socialWorkerId} empty="—" options={workerOptions(workers, m.socialWorkerId)}
              onValue={(v) => setRow({ socialWorkerId: v, name: m.name || workers.find((w) => w.id === v)?.name || '' })} />
          )}
          <Input label={T('姓名', 'Name')} value={m.name} onValue={(v) => setRow({ name: v })} />
          <Input label={T('在岗月数（缺省为合同月数）', 'Months (default: the contract\'s)')} type="number" min={0} max={72} value={m.months} onValue={(v) => setRow({ months: v })} />
          {m.level && <p class="muted">{T('证书等级（提交时按已核验证书填写）', 'Certificate (from the verified one on submit)')}：{label('certificate_levels', m.level)}</p>}
        </div>
      )}
    </RowSet>
  );
}

export function MilestoneFields({ f, set }: { f: AppForm; set: Set }) {
  const blank: MilestoneRow = { name: '', due: '', percent: '' };
  const sum = f.milestones.reduce((s, m) => s + (parseInt(m.percent, 10) || 0), 0);
  return (
    <RowSet title={T('里程碑与分期拨付', 'Milestones and tranches')} item={T('里程碑', 'Milestone')} rows={f.milestones} blank={blank}
      onRows={(milestones) => set({ milestones })}
      hint={<p aria-live="polite">{T('拨付比例合计', 'Tranches add up to')} <strong data-testid="tranche-sum">{sum}%</strong>{' '}
        {sum === 100 ? <Badge tone="ok">{T('合计 100%', '100%')}</Badge> : <Badge tone="warn">{T('提交前须合计 100%', 'must be 100% to submit')}</Badge>}</p>}>
      {(m, setRow) => (
        <div class="grid">
          <Input label={T('名称', 'Name')} value={m.name} onValue={(v) => setRow({ name: v })} />
          <Input label={T('到期日', 'Due')} type="date" value={m.due} onValue={(v) => setRow({ due: v })} />
          <Input label={T('拨付比例（%）', 'Tranche (%)')} type="number" min={0} max={100} step={1} value={m.percent} onValue={(v) => setRow({ percent: v })} />
        </div>
      )}
    </RowSet>
  );
}

export function KpiFields({ f, set }: { f: AppForm; set: Set }) {
  const blank: KpiRow = { kind: 'quantity', indicator: '', target: '', quantity: '', unitCost: '' };
  const kinds = [
    { value: 'quantity', label: T('服务数量', 'Quantity') }, { value: 'quality', label: T('服务质量', 'Quality') }, { value: 'effect', label: T('服务成效', 'Effect') },
  ];
  return (
    <RowSet title={T('考核指标', 'Targets')} item={T('考核指标', 'Target')} rows={f.kpis} blank={blank} onRows={(kpis) => set({ kpis })}
      hint={<p class="muted">{T('政府购买服务项目须含数量、质量、成效三类指标；数量指标须填数量与单位服务成本，服务活动经费不得超过 Σ 数量 × 单位成本。',
        'A purchased project needs a quantity, a quality and an effect target; a quantity target gives its number and unit cost, and the service activities may not exceed Σ number × unit cost.')}</p>}>
      {(k, setRow) => (
        <div class="grid">
          <Select label={T('类型', 'Kind')} value={k.kind} onValue={(v) => setRow({ kind: v })} options={kinds} />
          <Input label={T('指标', 'Indicator')} value={k.indicator} onValue={(v) => setRow({ indicator: v })} placeholder={T('如：入户探访人次', 'e.g. home visits')} />
          <Input label={T('目标值', 'Target')} value={k.target} onValue={(v) => setRow({ target: v })} placeholder={T('如：≥ 480 人次', 'e.g. ≥ 480 visits')} />
          {k.kind === 'quantity' && <>
            <Input label={T('数量', 'Number')} type="number" min={0} value={k.quantity} onValue={(v) => setRow({ quantity: v })} />
            <Input label={T('单位服务成本（元）', 'Unit cost (yuan)')} type="number" min={0} step="0.01" value={k.unitCost} onValue={(v) => setRow({ unitCost: v })} />
          </>}
        </div>
      )}
    </RowSet>
  );
}
