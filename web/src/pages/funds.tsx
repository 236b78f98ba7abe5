// Funds: a charity's (or civil affairs' purchase budgets), their applications
// and decisions, the append-only ledger and the report.
import { useRef, useState } from 'preact/hooks';
import { enc, get, idempotencyKey, post, q } from '../api';
import { Link, navigate } from '../router';
import { label, roles, T, useGlobal } from '../state';
import { DISTRICTS } from '../generated/districts';
import type { Application, ApplicationList, Fund, FundList, FundReport, LedgerEntry, LedgerList } from '../types';
import { applicationStatus, applicationStatusText, ownOrganisations } from './organisation';
import {
  Badge, Button, Checks, DraftNote, Empty, Input, Panel, Section, Select, Show, Tabs, ask,
  fmtDate, fmtTime, fromLocalInput, beijingToday, toFen, useAction, useDraft, useLoad, vocabOptions, yuan,
} from '../ui';

/** myFunds lists the funds the caller manages: its charity's, or its division's budgets. */
export async function myFunds(): Promise<Fund[]> {
  const out = new Map<string, Fund>();
  for (const org of ownOrganisations()) {
    const r = await get<FundList>('/v1/funds' + q({ ownerOrgId: org, limit: 100 }));
    (r.items ?? []).forEach((f) => out.set(f.id, f));
  }
  for (const r of roles('civil_affairs')) {
    const l = await get<FundList>('/v1/funds' + q({ divisionCode: r.divisionCode, limit: 100 }));
    (l.items ?? []).filter((f) => f.government).forEach((f) => out.set(f.id, f));
  }
  return [...out.values()];
}

export function FundsPage() {
  useGlobal();
  const l = useLoad(myFunds, []);
  return (
    <>
      <div class="page-head">
        <h1>{T('资金与申请', 'Funds & applications')}</h1>
        <Link to="/funds/new" class="button primary">{T('设立资金', 'Post a fund')}</Link>
      </div>
      <Show l={l}>{(funds) => funds.length === 0 ? <Empty>{T('还没有资金。', 'No funds yet.')}</Empty> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th>{T('资金', 'Fund')}</th><th>{T('总额', 'Total')}</th><th>{T('已资助', 'Granted')}</th><th>{T('预留', 'Reserved')}</th><th>{T('余额', 'Remaining')}</th><th>{T('申请期', 'Window')}</th></tr></thead>
            <tbody>{funds.map((f) => (
              <tr key={f.id}>
                <td><Link to={`/funds/${f.id}`}>{f.name}</Link> {f.government && <Badge>{T('政府购买', 'purchase')}</Badge>} {f.open && <Badge tone="ok">{T('开放中', 'open')}</Badge>}</td>
                <td>{yuan(f.totalFen)}</td><td>{yuan(f.grantedFen)}</td><td>{yuan(f.reservedFen)}</td><td><strong>{yuan(f.remainingFen)}</strong></td>
                <td>{fmtDate(f.opensAt)} – {fmtDate(f.closesAt)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}</Show>
    </>
  );
}

export function FundFormPage() {
  useGlobal();
  const orgs = ownOrganisations();
  const divisions = roles('civil_affairs').map((r) => r.divisionCode!).filter(Boolean);
  const [f, setF, draft] = useDraft('fund:new', {
    name: '', total: '', min: '', max: '', domains: [] as string[], regions: [] as string[], targetGroups: [] as string[], kinds: [] as string[],
    opens: `${beijingToday()}T00:00`, closes: `${beijingToday(90)}T23:30`, owner: orgs[0] ? `org:${orgs[0]}` : `div:${divisions[0] ?? ''}`,
  });
  const set = (p: Partial<typeof f>) => setF((prev) => ({ ...prev, ...p }));
  const [save, busy] = useAction(async () => {
    const body: Record<string, unknown> = {
      name: f.name.trim(), totalFen: toFen(f.total), grantMinFen: toFen(f.min), grantMaxFen: toFen(f.max), domains: f.domains,
      regions: f.regions, targetGroups: f.targetGroups, eligibleKinds: f.kinds, opensAt: fromLocalInput(f.opens), closesAt: fromLocalInput(f.closes),
    };
    if (f.owner.startsWith('org:')) body.ownerOrgId = f.owner.slice(4);
    else body.divisionCode = f.owner.slice(4);
    const fund = await post<Fund>('/v1/funds', body);
    draft.clear();
    navigate(`/funds/${fund.id}`);
    return T('资金已设立', 'Fund posted');
  });
  const owners = [...orgs.map((o) => ({ value: `org:${o}`, label: T('慈善组织 ', 'Charity ') + o })), ...divisions.map((d) => ({ value: `div:${d}`, label: T('政府购买服务预算 ', 'Purchase budget ') + d }))];
  return (
    <>
      <h1>{T('设立资金', 'Post a fund')}</h1>
      <DraftNote draft={draft} onDiscard={() => location.reload()} />
      <form class="card form" onSubmit={(e) => { e.preventDefault(); save(); }}>
        <div class="grid">
          <Input label={T('资金名称', 'Name')} value={f.name} onValue={(v) => set({ name: v })} required class="wide" />
          {owners.length > 1 && <Select label={T('设立方', 'Owner')} value={f.owner} onValue={(v) => set({ owner: v })} options={owners} />}
          <Input label={T('总额（元）', 'Total (yuan)')} type="number" min={0} step="0.01" value={f.total} onValue={(v) => set({ total: v })} required />
          <Input label={T('单笔最低（元）', 'Smallest grant (yuan)')} type="number" min={0} step="0.01" value={f.min} onValue={(v) => set({ min: v })} required />
          <Input label={T('单笔最高（元）', 'Largest grant (yuan)')} type="number" min={0} step="0.01" value={f.max} onValue={(v) => set({ max: v })} required />
          <Input label={T('开放申请（北京时间）', 'Opens (Beijing)')} type="datetime-local" value={f.opens} onValue={(v) => set({ opens: v })} required />
          <Input label={T('截止申请（北京时间）', 'Closes (Beijing)')} type="datetime-local" value={f.closes} onValue={(v) => set({ closes: v })} required />
        </div>
        <Checks legend={T('资助地区', 'Regions')} options={DISTRICTS.map((d) => ({ value: d.code, label: d.name }))} value={f.regions} onValue={(v) => set({ regions: v })} columns />
        <details open>
          <summary>{T('资助领域', 'Domains')} ({f.domains.length})</summary>
          <Checks legend={T('资助领域', 'Domains')} options={vocabOptions('domains')} value={f.domains} onValue={(v) => set({ domains: v })} columns />
        </details>
        <details>
          <summary>{T('服务对象（可选）', 'Target groups (optional)')} ({f.targetGroups.length})</summary>
          <Checks legend={T('服务对象', 'Target groups')} options={vocabOptions('target_groups')} value={f.targetGroups} onValue={(v) => set({ targetGroups: v })} columns />
        </details>
        <details>
          <summary>{T('可申请的机构类型（可选）', 'Eligible kinds (optional)')} ({f.kinds.length})</summary>
          <Checks legend={T('机构类型', 'Organisation kinds')} options={vocabOptions('organisation_kinds')} value={f.kinds} onValue={(v) => set({ kinds: v })} columns />
        </details>
        <div class="actions">
          <Button type="submit" busy={busy}>{T('设立', 'Post')}</Button>
          <Link to="/funds" class="button secondary">{T('取消', 'Cancel')}</Link>
        </div>
      </form>
    </>
  );
}

export function FundPage({ id }: { id: string }) {
  useGlobal();
  const fund = useLoad(() => get<Fund>(`/v1/funds/${enc(id)}`), [id]);
  const [tab, setTab] = useState('applications');
  return (
    <Show l={fund}>{(f) => (
      <>
        <p class="crumbs"><Link to="/funds">{T('资金与申请', 'Funds')}</Link> /</p>
        <h1>{f.name} {f.open && <Badge tone="ok">{T('开放中', 'open')}</Badge>}</h1>
        <div class="kpis">
          <Kpi label={T('总额', 'Total')} value={yuan(f.totalFen)} />
          <Kpi label={T('已资助', 'Granted')} value={yuan(f.grantedFen)} />
          <Kpi label={T('预留', 'Reserved')} value={yuan(f.reservedFen)} />
          <Kpi label={T('已拨付', 'Paid')} value={yuan(f.paidFen)} />
          <Kpi label={T('余额', 'Remaining')} value={yuan(f.remainingFen)} />
        </div>
        <p class="muted">{(f.domains ?? []).map((d) => label('domains', d)).join('、')} · {T('单笔', 'per grant')} {yuan(f.grantMinFen)}–{yuan(f.grantMaxFen)} · {fmtDate(f.opensAt)} – {fmtDate(f.closesAt)}</p>
        <Tabs label={T('资金详情', 'Fund details')} current={tab} onChange={setTab} tabs={[
          { id: 'applications', label: T('申请审核', 'Applications') }, { id: 'ledger', label: T('账本', 'Ledger') }, { id: 'report', label: T('资金报告', 'Report') },
        ]} />
        <Panel id={tab}>
          {tab === 'applications' && <Applications fund={f} onDecided={fund.reload} />}
          {tab === 'ledger' && <Ledger id={f.id} />}
          {tab === 'report' && <Report id={f.id} />}
        </Panel>
      </>
    )}</Show>
  );
}

export function Kpi({ label: l, value, hint }: { label: string; value: string; hint?: string }) {
  return <div class="kpi"><span class="kpi-label">{l}</span><strong class="kpi-value">{value}</strong>{hint && <span class="muted">{hint}</span>}</div>;
}

function Applications({ fund, onDecided }: { fund: Fund; onDecided: () => void }) {
  const [status, setStatus] = useState('submitted');
  const a = useLoad(() => get<ApplicationList>('/v1/applications' + q({ fundId: fund.id, status, limit: 100 })), [fund.id, status]);
  return (
    <Section title={T('收到的申请', 'Applications received')} actions={
      <Select label={T('状态', 'Status')} value={status} onValue={setStatus} empty={T('全部', 'All')}
        options={['submitted', 'procurement', 'approved', 'running', 'completed', 'rejected', 'not_awarded'].map((s) => ({ value: s, label: applicationStatusText(s) }))} />
    }>
      <Show l={a}>{(r) => !r.items?.length ? <Empty>{T('没有申请。', 'No applications.')}</Empty> : (
        <ul class="apps">{r.items.map((x) => <ApplicationItem key={x.id} app={x} onDecided={() => { a.reload(); onDecided(); }} />)}</ul>
      )}</Show>
    </Section>
  );
}

function ApplicationItem({ app, onDecided }: { app: Application; onDecided: () => void }) {
  const [amount, setAmount] = useState(String(app.requestedFen / 100));
  const [reason, setReason] = useState('');
  // One key per intended decision: a retry after a lost answer sends the same key, so it has one effect.
  const key = useRef<string>('');
  const [decide, busy] = useAction(async (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && !reason.trim()) throw new Error(T('驳回须注明原因', 'A rejection needs a reason'));
    if (decision === 'approve' && !ask(`批准资助 ${yuan(toFen(amount))}？资金将从基金账本拨出，不能撤回。`, `Approve a grant of ${yuan(toFen(amount))}? It leaves the fund's ledger and cannot be undone.`)) return;
    if (decision === 'reject' && !ask(`驳回该申请？理由：${reason.trim()}`, `Reject the application? Reason: ${reason.trim()}`)) return;
    if (!key.current) key.current = idempotencyKey();
    await post(`/v1/applications/${enc(app.id)}/decision`,
      decision === 'approve' ? { decision, amountFen: toFen(amount), reason: reason.trim() || undefined } : { decision, reason: reason.trim() },
      { headers: { 'Idempotency-Key': key.current } });
    key.current = '';
    onDecided();
    return decision === 'approve' ? T('已批准，资助已从账本拨出', 'Approved: the grant is in the ledger') : T('已驳回', 'Rejected');
  });
  const open = app.status === 'submitted' || app.status === 'procurement';
  return (
    <li class="card app">
      <div class="card-head"><h3>{app.title}</h3>{applicationStatus(app.status)}</div>
      <p class="muted">{app.organisationName ?? app.organisationId} · {T('申请', 'requested')} {yuan(app.requestedFen)} · {(app.domains ?? []).map((d) => label('domains', d)).join('、')} · {T('受益', 'beneficiaries')} {app.beneficiaries} · {fmtTime(app.submittedAt)}</p>
      {app.summary && <p>{app.summary}</p>}
      {!!app.flags?.length && <p>{app.flags.map((f) => <Badge key={f.code} tone="warn">{T(f.zh, f.en)}</Badge>)}</p>}
      {app.grantedFen > 0 && <p>{T('资助', 'Granted')} <strong>{yuan(app.grantedFen)}</strong></p>}
      {app.decisionNote && <p class="muted">{app.decisionNote}</p>}
      {open && !app.competitionId && (
        <div class="row">
          <Input label={T('批准金额（元）', 'Amount (yuan)')} type="number" min={0} step="0.01" value={amount} onValue={setAmount} />
          <Input label={T('意见或驳回原因', 'Note or reason')} value={reason} onValue={setReason} />
          <Button busy={busy} onClick={() => decide('approve')}>{T('批准', 'Approve')}</Button>
          <Button kind="danger" busy={busy} onClick={() => decide('reject')}>{T('驳回', 'Reject')}</Button>
        </div>
      )}
      {app.competitionId && <p class="muted">{T('大赛参赛项目由评审与颁奖决定。', 'Competition entries are decided by the review and the awards.')}</p>}
    </li>
  );
}

function Ledger({ id }: { id: string }) {
  const [items, setItems] = useState<LedgerEntry[]>([]);
  const [next, setNext] = useState(0);
  const l = useLoad(async () => {
    const r = await get<LedgerList>(`/v1/funds/${enc(id)}/ledger` + q({ limit: 100 }));
    setItems(r.items ?? []); setNext(r.nextAfterSeq);
    return r;
  }, [id]);
  const more = async () => {
    const r = await get<LedgerList>(`/v1/funds/${enc(id)}/ledger` + q({ limit: 100, afterSeq: next }));
    setItems([...items, ...(r.items ?? [])]); setNext(r.nextAfterSeq);
  };
  const kinds: Record<string, [string, string]> = { deposit: ['存入', 'deposit'], reserve: ['预留', 'reserve'], release: ['释放', 'release'], grant: ['资助', 'grant'], return: ['退回', 'return'], tranche: ['拨付', 'tranche'] };
  return (
    <Section title={T('资金账本（只增不改）', 'Ledger (append-only)')}>
      <Show l={l}>{() => (
        <div class="table-wrap">
          <table class="num">
            <thead><tr><th>#</th><th>{T('时间', 'When')}</th><th>{T('类型', 'Kind')}</th><th>{T('金额', 'Amount')}</th><th>{T('已资助', 'Granted')}</th><th>{T('预留', 'Reserved')}</th><th>{T('已拨付', 'Paid')}</th><th>{T('余额', 'Remaining')}</th><th>{T('关联', 'Ref')}</th></tr></thead>
            <tbody>{items.map((e) => (
              <tr key={e.seq}><td>{e.seq}</td><td class="nowrap">{fmtTime(e.at)}</td><td class="text nowrap">{kinds[e.kind] ? T(kinds[e.kind][0], kinds[e.kind][1]) : e.kind}{e.fromReserve && T('（自预留）', ' (from reserve)')}</td>
                <td>{yuan(e.amountFen)}</td><td>{yuan(e.grantedFen)}</td><td>{yuan(e.reservedFen)}</td><td>{yuan(e.paidFen)}</td><td>{yuan(e.remainingFen)}</td><td class="muted text ref" title={e.ref}>{e.ref}</td></tr>
            ))}</tbody>
          </table>
        </div>
      )}</Show>
      {next > 0 && <Button kind="secondary" onClick={more}>{T('更多', 'More')}</Button>}
    </Section>
  );
}

function Report({ id }: { id: string }) {
  const r = useLoad(() => get<FundReport>(`/v1/funds/${enc(id)}/report`), [id]);
  return (
    <Show l={r}>{(rep) => (
      <>
        <Section title={T('对账', 'Reconciliation')}>
          <p>{rep.reconciliation.ok ? <Badge tone="ok">{T('账本一致', 'Ledger reconciles')}</Badge> : <Badge tone="bad">{T('账本有问题', 'Ledger has problems')}</Badge>}{' '}
            {T(`共 ${rep.reconciliation.entries} 条；存入 ${yuan(rep.reconciliation.depositsFen)}，资助 ${yuan(rep.reconciliation.grantsFen)}，余额 ${yuan(rep.reconciliation.remainingFen)}`,
              `${rep.reconciliation.entries} entries; deposits ${yuan(rep.reconciliation.depositsFen)}, grants ${yuan(rep.reconciliation.grantsFen)}, remaining ${yuan(rep.reconciliation.remainingFen)}`)}</p>
          {!!rep.reconciliation.problems?.length && <ul>{rep.reconciliation.problems.map((p) => <li key={p}>{p}</li>)}</ul>}
        </Section>
        <Section title={T('资助项目', 'Grants')}>
          {!rep.grants?.length ? <Empty>{T('尚无资助。', 'No grants yet.')}</Empty> : (
            <table>
              <thead><tr><th>{T('项目', 'Project')}</th><th>{T('机构', 'Organisation')}</th><th>{T('金额', 'Amount')}</th><th>{T('已拨付', 'Paid')}</th><th>{T('分期', 'Tranches')}</th><th>{T('时间', 'When')}</th></tr></thead>
              <tbody>{rep.grants.map((g) => (
                <tr key={g.applicationId}><td>{g.project} {g.competitionId && <Badge>{T('创投', 'competition')}</Badge>}</td><td>{g.organisationName ?? g.organisationId}</td><td>{yuan(g.amountFen)}</td><td>{yuan(g.paidFen)}</td><td>{g.tranchesReleased}/{g.tranches}</td><td>{fmtTime(g.grantedAt)}</td></tr>
              ))}</tbody>
            </table>
          )}
        </Section>
      </>
    )}</Show>
  );
}
