// Running a charity venture competition (公益创投): draft, phases, reviewers,
// scores in raw and normalised views with disagreement flags, and awards.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post, q } from '../api';
import { Link, navigate } from '../router';
import { label, T, useGlobal } from '../state';
import { DISTRICTS } from '../generated/districts';
import { History } from './shared';
import type { ApplicationList, AssignmentSummary, Competition, CompetitionList, CompetitionReport, Fund, ReviewerList } from '../types';
import { myFunds, Kpi } from './funds';
import { applicationStatus } from './organisation';
import {
  Badge, Button, Check, Checks, DraftNote, Empty, Input, Panel, Section, Select, Show, Tabs, TextArea,
  fmtTime, fromLocalInput, beijingToday, num, toFen, useAction, useDraft, useLoad, vocabOptions, yuan,
} from '../ui';

const PHASES = ['draft', 'open', 'review', 'public_vote', 'finalists', 'awarded', 'closed'];

export function CompetitionsPage() {
  useGlobal();
  const l = useLoad(async () => {
    const funds = await myFunds();
    const lists = await Promise.all(funds.map((f) => get<CompetitionList>('/v1/competitions' + q({ fundId: f.id, limit: 100 }))));
    return { funds, items: lists.flatMap((x) => x.items ?? []) };
  }, []);
  return (
    <>
      <div class="page-head">
        <h1>{T('公益创投大赛', 'Charity venture competitions')}</h1>
        <Link to="/competitions/new" class="button primary">{T('新建大赛', 'New competition')}</Link>
      </div>
      <Show l={l}>{({ funds, items }) => items.length === 0 ? <Empty>{T('还没有大赛。', 'No competitions yet.')}</Empty> : (
        <table>
          <thead><tr><th>{T('大赛', 'Competition')}</th><th>{T('资金', 'Fund')}</th><th>{T('奖金池', 'Pool')}</th><th>{T('阶段', 'Phase')}</th><th>{T('下一阶段', 'Next')}</th></tr></thead>
          <tbody>{items.map((c) => (
            <tr key={c.id}>
              <td><Link to={`/competitions/${c.id}`}>{c.name}</Link></td>
              <td>{funds.find((f) => f.id === c.fundId)?.name ?? c.fundId}</td>
              <td>{yuan(c.poolFen)}</td>
              <td><Badge tone="info">{label('competition_phases', c.phase)}</Badge></td>
              <td>{c.nextPhase ? `${label('competition_phases', c.nextPhase)} ${fmtTime(c.nextPhaseAt)}` : '—'}</td>
            </tr>
          ))}</tbody>
        </table>
      )}</Show>
    </>
  );
}

interface Tier { name: string; count: string; amount: string }

export function CompetitionFormPage() {
  useGlobal();
  const funds = useLoad(myFunds, []);
  const at = (days: number, time = '09:00') => `${beijingToday(days)}T${time}`;
  const [f, setF, draft] = useDraft('competition:new', {
    fundId: '', name: '', summary: '', domains: [] as string[], regions: [] as string[], kinds: [] as string[], k: '3',
    publicVote: false, voteWeight: '20', opensAt: at(1), reviewAt: at(15), voteAt: at(22), finalistsAt: at(29), awardsAt: at(31), closesAt: at(60),
    tiers: [{ name: '一等奖', count: '1', amount: '50000' }, { name: '二等奖', count: '2', amount: '30000' }] as Tier[],
  });
  // Updates merge into the latest state, never a render's stale copy: the
  // default fund below may land after the user has already picked one.
  const set = (p: Partial<typeof f>) => setF((prev) => ({ ...prev, ...p }));
  useEffect(() => {
    const first = funds.data?.[0];
    if (first) draft.load((prev) => prev.fundId ? prev : { ...prev, fundId: first.id, domains: (first.domains ?? []).slice(0, 1), regions: (first.regions ?? []).filter((r) => r.length === 6).slice(0, 1) });
  }, [funds.data]);
  // Choosing another fund keeps only the themes and regions that fund has.
  const chooseFund = (id: string) => {
    const nf = funds.data?.find((x) => x.id === id);
    setF((prev) => ({
      ...prev, fundId: id,
      domains: prev.domains.filter((d) => (nf?.domains ?? []).includes(d)),
      regions: prev.regions.filter((r) => (nf?.regions ?? []).some((x) => r.startsWith(x) || x.startsWith(r))),
    }));
  };
  const fund: Fund | undefined = funds.data?.find((x) => x.id === f.fundId);
  const [save, busy] = useAction(async () => {
    const schedule: Record<string, string> = {
      opensAt: fromLocalInput(f.opensAt), reviewAt: fromLocalInput(f.reviewAt), finalistsAt: fromLocalInput(f.finalistsAt),
      awardsAt: fromLocalInput(f.awardsAt), closesAt: fromLocalInput(f.closesAt),
    };
    if (f.publicVote) schedule.voteAt = fromLocalInput(f.voteAt);
    const c = await post<Competition>('/v1/competitions', {
      fundId: f.fundId, name: f.name.trim(), summary: f.summary.trim() || undefined, domains: f.domains, regions: f.regions, eligibleKinds: f.kinds,
      reviewersPerEntry: parseInt(f.k, 10) || 3, publicVote: f.publicVote, voteWeightPercent: f.publicVote ? parseInt(f.voteWeight, 10) : undefined, schedule,
      tiers: f.tiers.map((t, i) => ({ code: `tier${i + 1}`, name: t.name.trim(), count: parseInt(t.count, 10) || 1, amountFen: toFen(t.amount) })),
    });
    draft.clear();
    navigate(`/competitions/${c.id}`);
    return T('大赛草稿已创建', 'Competition drafted');
  });
  const pool = f.tiers.reduce((s, t) => s + (parseInt(t.count, 10) || 0) * toFen(t.amount), 0);
  return (
    <>
      <h1>{T('新建大赛', 'New competition')}</h1>
      <DraftNote draft={draft} onDiscard={() => location.reload()} />
      <Show l={funds}>{(list) => list.length === 0 ? <Empty>{T('请先设立资金：大赛的奖金池从资金中预留。', 'Post a fund first: the prize pool is reserved from it.')}</Empty> : (
        <form class="card form" onSubmit={(e) => { e.preventDefault(); save(); }}>
          <div class="grid">
            <Select label={T('资金', 'Fund')} value={f.fundId} onValue={chooseFund} options={list.map((x) => ({ value: x.id, label: `${x.name}（${T('余额', 'remaining')} ${yuan(x.remainingFen)}）` }))} />
            <Input label={T('大赛名称', 'Name')} value={f.name} onValue={(v) => set({ name: v })} required minLength={2} class="wide" />
            <TextArea label={T('简介', 'Summary')} value={f.summary} onValue={(v) => set({ summary: v })} />
            <Input label={T('每个项目的评审人数', 'Reviewers per entry')} type="number" min={1} max={10} value={f.k} onValue={(v) => set({ k: v })} />
          </div>
          <Checks legend={T('主题领域（须在资金领域内）', 'Theme domains (within the fund\'s)')} columns value={f.domains} onValue={(v) => set({ domains: v })}
            options={(fund?.domains ?? []).map((d) => ({ value: d, label: label('domains', d) }))} />
          <Checks legend={T('参赛地区（须在资金地区内）', 'Regions (within the fund\'s)')} columns value={f.regions} onValue={(v) => set({ regions: v })}
            options={DISTRICTS.filter((d) => !fund || (fund.regions ?? []).some((r) => d.code.startsWith(r) || r.startsWith(d.code))).map((d) => ({ value: d.code, label: d.name }))} />
          <details>
            <summary>{T('可参赛的机构类型（可选）', 'Eligible kinds (optional)')} ({f.kinds.length})</summary>
            <Checks legend={T('机构类型', 'Kinds')} options={vocabOptions('organisation_kinds')} value={f.kinds} onValue={(v) => set({ kinds: v })} columns />
          </details>
          <fieldset>
            <legend>{T('日程（北京时间）', 'Schedule (Beijing)')}</legend>
            <div class="grid">
              <Input label={T('开放报名', 'Opens')} type="datetime-local" value={f.opensAt} onValue={(v) => set({ opensAt: v })} required />
              <Input label={T('开始评审', 'Review')} type="datetime-local" value={f.reviewAt} onValue={(v) => set({ reviewAt: v })} required />
              {f.publicVote && <Input label={T('公众投票', 'Public vote')} type="datetime-local" value={f.voteAt} onValue={(v) => set({ voteAt: v })} required />}
              <Input label={T('公布入围', 'Finalists')} type="datetime-local" value={f.finalistsAt} onValue={(v) => set({ finalistsAt: v })} required />
              <Input label={T('颁奖', 'Awards')} type="datetime-local" value={f.awardsAt} onValue={(v) => set({ awardsAt: v })} required />
              <Input label={T('结束', 'Closes')} type="datetime-local" value={f.closesAt} onValue={(v) => set({ closesAt: v })} required />
            </div>
            <Check label={T('设公众投票', 'Public vote')} checked={f.publicVote} onValue={(v) => set({ publicVote: v })} />
            {f.publicVote && <Input label={T('投票权重（%）', 'Vote weight (%)')} type="number" min={0} max={100} value={f.voteWeight} onValue={(v) => set({ voteWeight: v })} />}
          </fieldset>
          <fieldset>
            <legend>{T('奖项', 'Award tiers')}</legend>
            {f.tiers.map((t, i) => (
              <div class="row" key={i}>
                <Input label={T('奖项名称', 'Tier')} value={t.name} onValue={(v) => set({ tiers: f.tiers.map((x, j) => j === i ? { ...x, name: v } : x) })} required />
                <Input label={T('名额', 'Count')} type="number" min={1} value={t.count} onValue={(v) => set({ tiers: f.tiers.map((x, j) => j === i ? { ...x, count: v } : x) })} required />
                <Input label={T('每项金额（元）', 'Amount each (yuan)')} type="number" min={0} step="0.01" value={t.amount} onValue={(v) => set({ tiers: f.tiers.map((x, j) => j === i ? { ...x, amount: v } : x) })} required />
                <Button kind="link" onClick={() => set({ tiers: f.tiers.filter((_, j) => j !== i) })}>{T('删除', 'Remove')}</Button>
              </div>
            ))}
            <Button kind="secondary" onClick={() => set({ tiers: [...f.tiers, { name: '', count: '1', amount: '' }] })}>{T('添加奖项', 'Add a tier')}</Button>
            <p>{T('奖金池', 'Prize pool')}：<strong>{yuan(pool)}</strong> <span class="muted">{T('（发布时从资金中预留）', '(reserved from the fund when published)')}</span></p>
          </fieldset>
          <p class="muted">{T('评分标准使用默认六项（需求精准度 20、专业性与社工参与 20、可行性 20、预算合理性 15、可持续性 15、创新性 10）。',
            'The rubric is the default six criteria (needs 20, professionalism 20, feasibility 20, budget 15, sustainability 15, innovation 10).')}</p>
          <div class="actions">
            <Button type="submit" busy={busy}>{T('创建草稿', 'Create the draft')}</Button>
            <Link to="/competitions" class="button secondary">{T('取消', 'Cancel')}</Link>
          </div>
        </form>
      )}</Show>
    </>
  );
}

export function CompetitionPage({ id }: { id: string }) {
  useGlobal();
  const c = useLoad(() => get<Competition>(`/v1/competitions/${enc(id)}`), [id]);
  const [tab, setTab] = useState('entries');
  const [advance, advancing] = useAction(async (to: string) => {
    await post(`/v1/competitions/${enc(id)}/phase`, { to });
    c.reload();
    return T(`已进入：${label('competition_phases', to)}`, `Moved to ${label('competition_phases', to)}`);
  });
  return (
    <Show l={c}>{(comp) => {
      const phases = PHASES.filter((p) => p !== 'public_vote' || comp.publicVote);
      const at = phases.indexOf(comp.phase);
      return (
        <>
          <p class="crumbs"><Link to="/competitions">{T('公益创投大赛', 'Competitions')}</Link> /</p>
          <h1>{comp.name}</h1>
          <ol class="stepper" aria-label={T('大赛阶段', 'Phases')}>
            {phases.map((p, i) => (
              <li key={p} class={i < at ? 'done' : i === at ? 'current' : ''} aria-current={i === at ? 'step' : undefined}>{label('competition_phases', p)}</li>
            ))}
          </ol>
          <div class="kpis">
            <Kpi label={T('奖金池', 'Pool')} value={yuan(comp.poolFen)} />
            <Kpi label={T('已预留', 'Reserved')} value={yuan(comp.reservedFen)} />
            <Kpi label={T('已释放', 'Released')} value={yuan(comp.releasedFen)} />
            <Kpi label={T('每项评审人数', 'Reviewers per entry')} value={String(comp.reviewersPerEntry)} />
          </div>
          {comp.nextPhase && (
            <div class="card transitions">
              <span>{T('下一阶段按日程于', 'The next phase starts on schedule at')} {fmtTime(comp.nextPhaseAt)}{T('自动开始，也可以现在进入。', '; you may start it now.')}</span>
              <Button busy={advancing} onClick={() => confirm(T(`确定进入“${label('competition_phases', comp.nextPhase!)}”阶段？此操作不可撤回。`, `Move to ${label('competition_phases', comp.nextPhase!)}? This cannot be undone.`)) && advance(comp.nextPhase!)}>
                {T('进入下一阶段：', 'Move to: ')}{label('competition_phases', comp.nextPhase)}
              </Button>
            </div>
          )}
          <Tabs label={T('大赛详情', 'Competition details')} current={tab} onChange={setTab} tabs={[
            { id: 'entries', label: T('参赛项目', 'Entries') }, { id: 'reviewers', label: T('评审专家', 'Reviewers') },
            { id: 'scores', label: T('评分与排名', 'Scores & ranking') }, { id: 'awards', label: T('颁奖', 'Awards') }, { id: 'history', label: T('阶段记录', 'History') },
          ]} />
          <Panel id={tab}>
            {tab === 'entries' && <Entries comp={comp} />}
            {tab === 'reviewers' && <Reviewers comp={comp} />}
            {tab === 'scores' && <Scores comp={comp} />}
            {tab === 'awards' && <Awards comp={comp} />}
            {tab === 'history' && <History path={`/v1/competitions/${enc(id)}/history`} vocab="competition_phases" />}
          </Panel>
        </>
      );
    }}</Show>
  );
}

function Entries({ comp }: { comp: Competition }) {
  const a = useLoad(() => get<ApplicationList>('/v1/applications' + q({ competitionId: comp.id, limit: 100 })), [comp.id]);
  const [reason, setReason] = useState('');
  const [ruleOut, busy] = useAction(async (entryId: string) => {
    if (!reason.trim()) throw new Error(T('须说明理由', 'A reason is required'));
    await post(`/v1/competitions/${enc(comp.id)}/entries/${enc(entryId)}/ineligibility`, { reason: reason.trim() });
    a.reload();
    return T('已取消参赛资格', 'Entry ruled out');
  });
  const canRuleOut = !['draft', 'awarded', 'closed'].includes(comp.phase);
  return (
    <Section title={T('参赛项目', 'Entries')}>
      <Show l={a}>{(r) => !r.items?.length ? <Empty>{T('还没有参赛项目：机构在报名期内提交申请。', 'No entries yet: organisations submit them while the competition is open.')}</Empty> : (
        <>
          {canRuleOut && <Input label={T('取消资格的理由', 'Reason for ruling out')} value={reason} onValue={setReason} />}
          <table>
            <thead><tr><th>{T('项目', 'Project')}</th><th>{T('机构', 'Organisation')}</th><th>{T('申请金额', 'Requested')}</th><th>{T('状态', 'Status')}</th>{canRuleOut && <th />}</tr></thead>
            <tbody>{r.items.map((x) => (
              <tr key={x.id}><td>{x.title}</td><td>{x.organisationName ?? x.organisationId}</td><td>{yuan(x.requestedFen)}</td><td>{applicationStatus(x.status)}</td>
                {canRuleOut && <td><Button kind="link" busy={busy} disabled={x.status !== 'submitted'} onClick={() => ruleOut(x.id)}>{T('取消资格', 'Rule out')}</Button></td>}</tr>
            ))}</tbody>
          </table>
        </>
      )}</Show>
    </Section>
  );
}

function Reviewers({ comp }: { comp: Competition }) {
  const r = useLoad(() => get<ReviewerList>(`/v1/competitions/${enc(comp.id)}/reviewers`), [comp.id]);
  const [f, setF] = useState({ phone: '', name: '', organisationId: '' });
  const [invite, busy] = useAction(async () => {
    await post(`/v1/competitions/${enc(comp.id)}/reviewers`, {
      phone: f.phone.trim(), name: f.name.trim() || undefined, organisationId: f.organisationId.trim() || undefined,
    });
    setF({ phone: '', name: '', organisationId: '' });
    r.reload();
    return T('评审专家已邀请', 'Reviewer invited');
  });
  const [reassign, reassigning] = useAction(async () => {
    const x = await post<AssignmentSummary>(`/v1/competitions/${enc(comp.id)}/assignments`);
    r.reload();
    return T(`重新分配：新增 ${x.added}，保留 ${x.kept}，撤回 ${x.removed}`, `Reassigned: ${x.added} added, ${x.kept} kept, ${x.removed} withdrawn`);
  });
  return (
    <>
      <Section title={T('评审专家', 'Reviewers')} actions={comp.phase === 'review' && <Button kind="secondary" busy={reassigning} onClick={reassign}>{T('重新分配未评分项目', 'Re-run the assignment')}</Button>}>
        <Show l={r}>{(x) => !x.reviewers?.length ? <Empty>{T('尚未邀请评审专家。', 'No reviewers yet.')}</Empty> : (
          <table>
            <thead><tr><th>{T('姓名', 'Name')}</th><th>{T('手机号', 'Phone')}</th><th>{T('已分配', 'Assigned')}</th><th>{T('已评分', 'Scored')}</th><th>{T('利益冲突', 'Conflicts')}</th></tr></thead>
            <tbody>{x.reviewers.map((v) => (
              <tr key={v.accountId}><td>{v.name}</td><td>{v.phone}</td><td>{v.assigned}</td><td>{v.scored}</td>
                <td>{!v.conflicts?.length ? '—' : v.conflicts.map((c, i) => <Badge key={i} tone="warn" title={c.note}>{conflictKind(c.kind)} {c.entryId?.slice(0, 6) ?? c.organisationId}</Badge>)}</td></tr>
            ))}</tbody>
          </table>
        )}</Show>
      </Section>
      <Section title={T('邀请评审专家', 'Invite a reviewer')}>
        <form class="grid" onSubmit={(e) => { e.preventDefault(); invite(); }}>
          <Input label={T('手机号', 'Phone')} value={f.phone} onValue={(v) => setF({ ...f, phone: v })} type="tel" pattern="1[3-9][0-9]{9}" required />
          <Input label={T('称呼（可选）', 'How to call them (optional)')} value={f.name} onValue={(v) => setF({ ...f, name: v })} />
          <Input label={T('所属机构（可选，用于回避）', 'Organisation (optional, for conflicts)')} value={f.organisationId} onValue={(v) => setF({ ...f, organisationId: v })} />
          <div class="actions"><Button type="submit" busy={busy}>{T('邀请', 'Invite')}</Button></div>
        </form>
      </Section>
    </>
  );
}

export function conflictKind(k: string) {
  const m: Record<string, [string, string]> = { own_organisation: ['本机构', 'own organisation'], employment: ['近两年任职', 'employment'], family: ['亲属关系', 'family'], other: ['其他', 'other'] };
  return m[k] ? T(m[k][0], m[k][1]) : k;
}

function useReport(comp: Competition) {
  return useLoad(() => get<CompetitionReport>(`/v1/competitions/${enc(comp.id)}/report`), [comp.id, comp.phase]);
}

function Scores({ comp }: { comp: Competition }) {
  const r = useReport(comp);
  const [view, setView] = useState<'normalised' | 'raw'>('normalised');
  return (
    <Show l={r}>{(rep) => {
      const entries = [...(rep.entries ?? [])].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || b.reviewScore - a.reviewScore);
      const reviewers = rep.reviewers ?? [];
      const sheet = (e: string, v: string) => rep.sheets?.find((s) => s.entryId === e && s.reviewerId === v);
      return (
        <>
          <Section title={T('评分与排名', 'Scores & ranking')} actions={
            <div role="radiogroup" aria-label={T('分数视图', 'Score view')} class="seg">
              <label><input type="radio" name="view" checked={view === 'normalised'} onChange={() => setView('normalised')} /> {T('标准化（z 分数）', 'Normalised (z-scores)')}</label>
              <label><input type="radio" name="view" checked={view === 'raw'} onChange={() => setView('raw')} /> {T('原始分', 'Raw totals')}</label>
            </div>
          }>
            <p class="muted">{rep.frozen ? T('排名已冻结。', 'The ranking is frozen.') : T('排名在“公布入围”时冻结。', 'The ranking freezes when finalists are announced.')}{' '}
              {T(`全部评分均值 ${num(rep.pooledMean)}，标准差 ${num(rep.pooledSd, 2)}；不计入的评分 ${rep.excludedSheets} 份。`, `Pooled mean ${num(rep.pooledMean)}, sd ${num(rep.pooledSd, 2)}; ${rep.excludedSheets} sheet(s) not counted.`)}</p>
            {entries.length === 0 ? <Empty>{T('暂无参赛项目。', 'No entries.')}</Empty> : (
              <div class="table-wrap">
                <table class="num scores">
                  <thead><tr>
                    <th>{T('名次', 'Rank')}</th><th class="text">{T('项目', 'Entry')}</th>
                    {reviewers.map((v) => <th key={v.accountId} scope="col">{v.name}</th>)}
                    <th>{view === 'normalised' ? T('评审得分（z 均值）', 'Review score (mean z)') : T('原始均分', 'Raw mean')}</th>
                    <th>{T('分歧', 'Disagreement')}</th>{comp.publicVote && <th>{T('票数', 'Votes')}</th>}<th>{T('最终得分', 'Final')}</th><th>{T('奖项', 'Award')}</th>
                  </tr></thead>
                  <tbody>{entries.map((e) => (
                    <tr key={e.entryId} class={e.flags?.length ? 'flagged' : ''}>
                      <td>{e.rank ?? '—'}</td>
                      <td class="text">{e.title} <span class="muted">{e.scored}/{e.assigned}</span></td>
                      {reviewers.map((v) => {
                        const s = sheet(e.entryId, v.accountId);
                        return <td key={v.accountId} class={s && !s.counted ? 'struck' : ''} title={s && !s.counted ? T('不计入', 'not counted') : undefined}>
                          {s ? (view === 'normalised' ? (s.z >= 0 ? '+' : '') + num(s.z, 2) : num(s.total)) : '·'}</td>;
                      })}
                      <td><strong>{view === 'normalised' ? num(e.reviewScore, 2) : num(e.rawMean)}</strong></td>
                      <td class="text">{!e.flags?.length ? '—' : e.flags.map((f) => <Badge key={f.code} tone="warn" title={T(f.zh, f.en)}>{f.code === 'z_range' ? T('标准分分歧', 'z spread') : T('原始分分歧', 'raw spread')}</Badge>)}
                        <span class="sr-only">{(e.flags ?? []).map((f) => T(f.zh, f.en)).join('；')}</span></td>
                      {comp.publicVote && <td>{e.votes}</td>}
                      <td>{num(e.finalScore)}</td>
                      <td class="text">{e.award ? <Badge tone="ok">{e.award.tierName} {yuan(e.award.amountFen)}</Badge> : '—'}</td>
                    </tr>
                  ))}</tbody>
                </table>
              </div>
            )}
          </Section>
          <Section title={T('评审专家的尺度', 'Reviewers\' scales')}>
            <table class="num">
              <thead><tr><th>{T('评审', 'Reviewer')}</th><th>{T('已评/分配', 'Scored/assigned')}</th><th>{T('均值', 'Mean')}</th><th>{T('标准差', 'SD')}</th><th class="text">{T('标准化依据', 'Basis')}</th></tr></thead>
              <tbody>{reviewers.map((v) => (
                <tr key={v.accountId}><td class="text">{v.name}</td><td>{v.scored}/{v.assigned}</td><td>{num(v.mean)}</td><td>{num(v.sd, 2)}</td>
                  <td class="text">{v.basis === 'own' ? T('本人均值与标准差', 'own mean and sd') : v.basis === 'pooled' ? T('全部评分（', 'pooled (') + (v.pooledReason === 'no_spread' ? T('评分无差异', 'no spread') : T('评分少于 3 份', 'fewer than 3 sheets')) + T('）', ')') : '—'}</td></tr>
              ))}</tbody>
            </table>
          </Section>
        </>
      );
    }}</Show>
  );
}

function Awards({ comp }: { comp: Competition }) {
  const r = useReport(comp);
  return (
    <Show l={r}>{(rep) => {
      const awarded = (rep.entries ?? []).filter((e) => e.award).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
      return (
        <>
          <div class="kpis">
            <Kpi label={T('奖金池', 'Pool')} value={yuan(rep.poolFen)} />
            <Kpi label={T('已颁发', 'Awarded')} value={yuan(rep.awardedFen)} />
            <Kpi label={T('已退回资金', 'Returned')} value={yuan(rep.releasedFen)} />
            <Kpi label={T('资金余额', 'Fund balance')} value={yuan(rep.fundBalanceFen)} />
          </div>
          <Section title={T('获奖项目', 'Awards')}>
            {awarded.length === 0 ? <Empty>{T('进入“颁奖”阶段后，按排名和奖项自动颁发，每项不超过申请金额。', 'Awards are made when the competition enters the awards phase: by rank and tier, never above the amount requested.')}</Empty> : (
              <table>
                <thead><tr><th>{T('名次', 'Rank')}</th><th>{T('项目', 'Entry')}</th><th>{T('奖项', 'Tier')}</th><th>{T('奖金', 'Award')}</th><th>{T('已资助', 'Granted')}</th></tr></thead>
                <tbody>{awarded.map((e) => <tr key={e.entryId}><td>{e.rank}</td><td>{e.title}</td><td>{e.award!.tierName}</td><td>{yuan(e.award!.amountFen)}</td><td>{yuan(e.grantedFen)}</td></tr>)}</tbody>
              </table>
            )}
            {(comp.phase === 'awarded' || comp.phase === 'closed') && <p><a href={`/v1/competitions/${enc(comp.id)}/results`} target="_blank" rel="noopener">{T('公开结果（JSON）', 'Public results (JSON)')}</a></p>}
          </Section>
        </>
      );
    }}</Show>
  );
}
