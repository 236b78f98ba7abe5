// A draft application: create it (POST /v1/applications), edit it (PUT, the
// whole draft), submit it or withdraw it, both asked first. What is typed
// and not saved is kept in the tab (sessionStorage) until it is saved.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post, put, q } from '../../api';
import { DISTRICTS } from '../../generated/districts';
import { Link, navigate } from '../../router';
import { T, useGlobal } from '../../state';
import type { Application, Fund, FundList, Members } from '../../types';
import {
  Badge, Button, Checks, Empty, Input, Select, TextArea, VocabSelect, ask, useLoad, vocabOptions, yuan,
} from '../../ui';
import { applicationStatus, ownOrganisations } from '../organisation';
import {
  applicationBody, blankForm, clearUnsaved, formFromApplication, keepUnsaved, unsaved, type AppForm,
} from './draft';
import { BudgetFields, KpiFields, MilestoneFields, SupervisorField, TeamFields, workersOf } from './fields';
import { FormProblem, useFormAction } from './problems';

/** ApplicationFormPage starts a new draft for the caller's organisation. */
export function ApplicationFormPage() {
  useGlobal();
  const orgs = ownOrganisations();
  if (!orgs[0]) return <Empty>{T('账号未绑定机构。', 'This account is bound to no organisation.')}</Empty>;
  return <ApplicationForm organisationId={orgs[0]} />;
}

/** openFunds are the funds accepting applications now, with the draft's own fund even when it has closed. */
async function openFunds(fundId: string): Promise<Fund[]> {
  const l = await get<FundList>('/v1/funds' + q({ limit: 100 }));
  const funds = (l.items ?? []).filter((f) => f.open || f.id === fundId);
  if (fundId && !funds.some((f) => f.id === fundId)) {
    try { funds.push(await get<Fund>(`/v1/funds/${enc(fundId)}`)); } catch { /* shown by its id */ }
  }
  return funds;
}

export function ApplicationForm({ app, organisationId, onSaved }: { app?: Application; organisationId: string; onSaved?: () => void }) {
  const id = app?.id ?? 'new';
  const [restored] = useState(() => unsaved(id));
  const [f, setF] = useState<AppForm>(() => restored ?? (app ? formFromApplication(app) : blankForm()));
  const [dirty, setDirty] = useState(!!restored);
  const [kept, setKept] = useState(!!restored); // restored from the tab: say so, and offer to discard
  useEffect(() => { if (dirty) keepUnsaved(id, f); }, [f, dirty]);
  const set = (p: Partial<AppForm>) => { setDirty(true); setF((prev) => ({ ...prev, ...p })); };

  const funds = useLoad(() => openFunds(app?.fundId ?? ''), [app?.fundId]);
  const members = useLoad(() => get<Members>(`/v1/organisations/${enc(organisationId)}/members` + q({ limit: 100 })), [organisationId]);
  const workers = workersOf(members.data?.items ?? []);
  const fund = funds.data?.find((x) => x.id === f.fundId);

  const saved = () => { clearUnsaved(id); setDirty(false); setKept(false); };
  const save = async (): Promise<Application> => {
    const body = applicationBody(f, organisationId);
    const a = app ? await put<Application>(`/v1/applications/${enc(app.id)}`, body) : await post<Application>('/v1/applications', body);
    saved();
    return a;
  };
  const [saveDraft, saving, problem, setProblem] = useFormAction(async () => {
    const a = await save();
    if (app) onSaved?.();
    else navigate(`/applications/${a.id}`, true);
    return T('草稿已保存', 'Draft saved');
  });
  const [submit, submitting, submitProblem] = useFormAction(async () => {
    if (!ask('提交后申请交资助方审核，不能再修改，只能撤回。确定提交？', 'Once submitted the application goes to the funder and can no longer be changed, only withdrawn. Submit?')) return;
    const a = await save();
    await post(`/v1/applications/${enc(a.id)}/submission`);
    onSaved?.();
    return T('申请已提交', 'Application submitted');
  });
  const [withdraw, withdrawing, withdrawProblem] = useFormAction(async () => {
    if (!ask('撤回后该申请不能恢复，须重新起草。确定撤回？', 'A withdrawn application cannot be restored; a new draft is needed. Withdraw?')) return;
    await post(`/v1/applications/${enc(app!.id)}/withdrawal`);
    saved();
    onSaved?.();
    return T('申请已撤回', 'Application withdrawn');
  });
  const discard = () => {
    saved();
    setF(app ? formFromApplication(app) : blankForm());
    setProblem(undefined);
  };
  const error = problem ?? submitProblem ?? withdrawProblem;

  const fundOptions = (funds.data ?? []).map((x) => ({
    value: x.id, label: `${x.name}${x.government ? T('（政府购买服务）', ' (government purchase)') : ''} · ${yuan(x.grantMinFen)}–${yuan(x.grantMaxFen)}`,
  }));
  return (
    <>
      <p class="crumbs"><Link to="/applications">{T('项目申请', 'Applications')}</Link> /</p>
      <div class="page-head">
        <h1>{app ? <>{T('编辑草稿', 'Edit draft')}：{app.title} {applicationStatus(app.status)}</> : T('新建项目申请', 'New application')}</h1>
      </div>
      {kept && (
        <div class="card" role="status">
          {T('已恢复本标签页中未保存的修改。', 'The changes not yet saved in this tab are restored.')}{' '}
          <Button kind="link" onClick={discard}>{T('放弃这些修改', 'Discard them')}</Button>
        </div>
      )}
      <form class="card form" onSubmit={(e) => { e.preventDefault(); saveDraft(); }} aria-describedby={error ? 'form-problem' : undefined}>
        <div class="grid">
          <Input label={T('项目名称', 'Title')} value={f.title} onValue={(v) => set({ title: v })} required minLength={2} class="wide" />
          {app || f.competitionId ? (
            <p class="field wide"><span class="muted">{T('资金（起草后不可改）', 'Fund (fixed once drafted)')}</span>{fund?.name ?? f.fundId}</p>
          ) : (
            <Select label={T('申报的资金', 'Fund applied to')} value={f.fundId} required empty="—" options={fundOptions} class="wide"
              onValue={(v) => set({ fundId: v, government: !!funds.data?.find((x) => x.id === v)?.government })} />
          )}
          <VocabSelect vocab="target_groups" label={T('服务对象', 'Target group')} value={f.targetGroup} onValue={(v) => set({ targetGroup: v })} empty="—" />
          <Input label={T('受益人数', 'Beneficiaries')} type="number" min={0} value={f.beneficiaries} onValue={(v) => set({ beneficiaries: v })} />
          <Input label={T('申请金额（元）', 'Requested (yuan)')} type="number" min={0} step="0.01" value={f.requested} onValue={(v) => set({ requested: v })}
            hint={fund ? T(`该资金单笔 ${yuan(fund.grantMinFen)}–${yuan(fund.grantMaxFen)}；不超过预算合计`, `This fund grants ${yuan(fund.grantMinFen)}–${yuan(fund.grantMaxFen)}; at most the budget total`) : undefined} />
          <SupervisorField f={f} set={set} workers={workers} />
          <TextArea label={T('项目简介', 'Summary')} value={f.summary} onValue={(v) => set({ summary: v })} />
        </div>
        <Checks legend={T('服务地区', 'Regions')} options={DISTRICTS.map((d) => ({ value: d.code, label: d.name }))} value={f.regions} onValue={(v) => set({ regions: v })} columns />
        <details open={f.domains.length > 0}>
          <summary>{T('服务领域', 'Domains')} ({f.domains.length})</summary>
          <Checks legend={T('服务领域', 'Domains')} options={vocabOptions('domains')} value={f.domains} onValue={(v) => set({ domains: v })} columns />
        </details>
        {f.government && (
          <fieldset>
            <legend>{T('政府购买服务', 'Government purchase')}</legend>
            <p class="muted">{T('合同期不超过 3 年；提交时核对价格标准、专业岗位比例与考核指标。', 'A contract of at most 3 years; the price table, the professional share and the targets are checked on submission.')}</p>
            <div class="grid">
              <Input label={T('合同开始日期', 'Contract start')} type="date" value={f.contractStart} onValue={(v) => set({ contractStart: v })} />
              <Input label={T('合同结束日期', 'Contract end')} type="date" value={f.contractEnd} onValue={(v) => set({ contractEnd: v })} />
            </div>
          </fieldset>
        )}
        <TextArea label={T('需求调查（方法、样本、发现；政府购买服务项目必填）', 'Needs survey (method, sample, findings; required for a purchased project)')}
          value={f.needsSurvey} onValue={(v) => set({ needsSurvey: v })} />
        <BudgetFields f={f} set={set} />
        <TeamFields f={f} set={set} workers={workers} />
        <MilestoneFields f={f} set={set} />
        <KpiFields f={f} set={set} />
        <p class="muted">{T('附件：服务接口不接收申请附件（申请只含以上字段），需求调查与说明请写在文字中。',
          'Attachments: the API takes none with an application (only the fields above); put the survey and notes in the text.')}</p>
        <div id="form-problem"><FormProblem error={error} /></div>
        <div class="actions">
          <Button type="submit" kind={app ? 'secondary' : 'primary'} busy={saving}>{app ? T('保存草稿', 'Save draft') : T('创建草稿', 'Create draft')}</Button>
          {app && <Button busy={submitting} onClick={() => submit()}>{T('提交申请', 'Submit')}</Button>}
          {app && <Button kind="danger" busy={withdrawing} onClick={() => withdraw()}>{T('撤回', 'Withdraw')}</Button>}
          {dirty && <Badge tone="warn">{T('有未保存的修改', 'Unsaved changes')}</Badge>}
        </div>
      </form>
    </>
  );
}
