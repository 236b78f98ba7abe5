// Civil affairs: complaints about organisations, and organisations' status
// changes (incubating → active → demonstration → warned → suspended → exited).
import { useState } from 'preact/hooks';
import { enc, get, post, q } from '../api';
import { label, roles, T, useGlobal } from '../state';
import { History, statusBadge } from './shared';
import type { Complaint, ComplaintList, Organisation, OrganisationList } from '../types';
import { Button, Empty, ask, Input, Section, Show, Skeleton, VocabSelect, fmtTime, useAction, useLoad } from '../ui';

const NEXT: Record<string, string[]> = { received: ['investigating', 'dismissed'], investigating: ['upheld', 'dismissed'] };

export function ComplaintsPage() {
  useGlobal();
  const division = roles('civil_affairs')[0]?.divisionCode ?? '';
  const [status, setStatus] = useState('');
  const l = useLoad(() => get<ComplaintList>('/v1/complaints' + q({ division, status, limit: 100 })), [division, status]);
  return (
    <>
      <h1>{T('投诉处理', 'Complaints')}</h1>
      <div class="filters"><VocabSelect vocab="complaint_statuses" label={T('状态', 'Status')} value={status} onValue={setStatus} empty={T('全部', 'All')} /></div>
      <Show l={l}>{(r) => !r.items?.length ? <Empty>{T('没有投诉。', 'No complaints.')}</Empty> : (
        <ul class="apps">{r.items.map((c) => <ComplaintItem key={c.id} c={c} onChanged={l.reload} />)}</ul>
      )}</Show>
    </>
  );
}

function ComplaintItem({ c, onChanged }: { c: Complaint; onChanged: () => void }) {
  const [note, setNote] = useState('');
  // The list carries no trail: it is read when the clerk opens it, and comes
  // back with every verdict, so the note just written shows at once.
  const [trail, setTrail] = useState<Complaint['trail']>(c.trail);
  const [move, busy] = useAction(async (to: string) => {
    if (!note.trim()) throw new Error(T('请填写处理意见', 'Write a note'));
    if (!ask(`确定将投诉处理为“${label('complaint_statuses', to)}”？`, `Move the complaint to "${label('complaint_statuses', to)}"?`)) return;
    const done = await post<Complaint>(`/v1/complaints/${enc(c.id)}/transitions`, { to, note: note.trim() });
    setTrail(done.trail);
    setNote('');
    onChanged();
    return T('已处理', 'Updated');
  });
  const openTrail = (e: Event) => {
    if ((e.currentTarget as HTMLDetailsElement).open && !trail) get<Complaint>(`/v1/complaints/${enc(c.id)}`).then((x) => setTrail(x.trail ?? []), () => setTrail([]));
  };
  const org = useLoad(() => get<Organisation>(`/v1/organisations/${enc(c.organisationId)}`), [c.organisationId]);
  return (
    <li class="card app">
      <div class="card-head"><h3>{org.data?.name ?? T('机构', 'Organisation')}</h3>{statusBadge('complaint_statuses', c.status)}</div>
      <p class="muted">{label('complaint_categories', c.category)} · {fmtTime(c.createdAt)}</p>
      <p>{c.content}</p>
      <details open={!!trail?.length} onToggle={openTrail}>
        <summary>{T('处理记录', 'Handling record')}</summary>
        {trail === undefined ? <Skeleton lines={2} /> : !trail?.length ? <p class="muted">{T('尚未处理。', 'Not handled yet.')}</p> : (
          <ol class="history">{trail.map((x) => <li key={x.seq}><span class="muted">{fmtTime(x.at)}</span> {label('complaint_statuses', x.to)} {x.note && <span>· {x.note}</span>}</li>)}</ol>
        )}
      </details>
      {(NEXT[c.status] ?? []).length > 0 && (
        <div class="row">
          <Input label={T('处理意见', 'Note')} value={note} onValue={setNote} />
          {NEXT[c.status].map((to) => <Button key={to} kind={to === 'dismissed' ? 'secondary' : 'primary'} busy={busy} onClick={() => move(to)}>{label('complaint_statuses', to)}</Button>)}
        </div>
      )}
    </li>
  );
}

export function OrganisationsAdminPage() {
  useGlobal();
  const division = roles('civil_affairs')[0]?.divisionCode ?? '';
  const [f, setF] = useState({ name: '', status: '', kind: '' });
  const [cursor, setCursor] = useState('');
  const [pages, setPages] = useState<string[]>(['']);
  const [chosen, setChosen] = useState('');
  const l = useLoad(() => get<OrganisationList>('/v1/organisations' + q({ division, name: f.name.trim(), status: f.status, kind: f.kind, limit: 20, cursor })), [division, f, cursor]);
  const setFilter = (p: Partial<typeof f>) => { setF({ ...f, ...p }); setCursor(''); setPages(['']); };
  return (
    <>
      <h1>{T('机构管理', 'Organisations')}</h1>
      <div class="filters">
        <Input label={T('名称', 'Name')} value={f.name} onValue={(v) => setFilter({ name: v })} type="search" />
        <VocabSelect vocab="organisation_statuses" label={T('状态', 'Status')} value={f.status} onValue={(v) => setFilter({ status: v })} empty={T('全部', 'All')} />
        <VocabSelect vocab="organisation_kinds" label={T('类型', 'Kind')} value={f.kind} onValue={(v) => setFilter({ kind: v })} empty={T('全部', 'All')} />
      </div>
      <div class="two">
        <Section title={T('机构', 'Organisations')}>
          <Show l={l}>{(r) => !r.items?.length ? <Empty>{T('没有符合条件的机构。', 'No organisations match.')}</Empty> : (
            <>
              <table>
                <thead><tr><th>{T('名称', 'Name')}</th><th>{T('类型', 'Kind')}</th><th>{T('状态', 'Status')}</th></tr></thead>
                <tbody>{r.items.map((o) => (
                  <tr key={o.id} class={o.id === chosen ? 'selected' : ''}>
                    <td><button type="button" class="link" aria-pressed={o.id === chosen} onClick={() => setChosen(o.id)}>{o.name}</button></td>
                    <td>{label('organisation_kinds', o.kind)}</td><td>{statusBadge('organisation_statuses', o.status)}</td>
                  </tr>
                ))}</tbody>
              </table>
              <div class="actions">
                {pages.length > 1 && <Button kind="secondary" onClick={() => { const p = pages.slice(0, -1); setPages(p); setCursor(p[p.length - 1]); }}>{T('上一页', 'Previous')}</Button>}
                {r.nextCursor && <Button kind="secondary" onClick={() => { setPages([...pages, r.nextCursor]); setCursor(r.nextCursor); }}>{T('下一页', 'Next')}</Button>}
              </div>
            </>
          )}</Show>
        </Section>
        {chosen ? <StatusPanel key={chosen} id={chosen} onChanged={l.reload} /> : <Section title={T('状态变更', 'Status change')}><Empty>{T('在左侧选择一个机构。', 'Choose an organisation.')}</Empty></Section>}
      </div>
    </>
  );
}

function StatusPanel({ id, onChanged }: { id: string; onChanged: () => void }) {
  const o = useLoad(() => get<Organisation>(`/v1/organisations/${enc(id)}`), [id]);
  const [f, setF] = useState({ to: '', reason: '', note: '' });
  const [hist, setHist] = useState(0);
  const [change, busy] = useAction(async () => {
    const to = label('organisation_statuses', f.to);
    if (!ask(`确定将机构状态变更为“${to}”？该变更记入机构的状态记录并通知机构。`, `Change the organisation's status to "${to}"? It is recorded in its history and the organisation is told.`)) return;
    await post(`/v1/organisations/${enc(id)}/status`, { to: f.to, reason: f.reason || undefined, note: f.note.trim() || undefined });
    setF({ to: '', reason: '', note: '' });
    o.reload(); onChanged(); setHist(hist + 1);
    return T('机构状态已变更', 'Status changed');
  });
  return (
    <Section title={T('状态变更', 'Status change')}>
      <Show l={o}>{(org) => (
        <>
          <h3>{org.name} {statusBadge('organisation_statuses', org.status)}</h3>
          <p class="muted">{label('organisation_kinds', org.kind)} · {org.creditCode} · {org.divisionCode}{org.exitReason && ` · ${label('exit_reasons', org.exitReason)}`}</p>
          <form class="grid" onSubmit={(e) => { e.preventDefault(); change(); }}>
            <VocabSelect vocab="organisation_statuses" label={T('变更为', 'New status')} value={f.to} onValue={(v) => setF({ ...f, to: v })} empty="—" required />
            {f.to === 'exited' && <VocabSelect vocab="exit_reasons" label={T('退出原因', 'Exit reason')} value={f.reason} onValue={(v) => setF({ ...f, reason: v })} empty="—" required />}
            <Input label={T('说明', 'Note')} value={f.note} onValue={(v) => setF({ ...f, note: v })} />
            <div class="actions"><Button type="submit" busy={busy} disabled={!f.to}>{T('变更状态', 'Change status')}</Button></div>
          </form>
          <h3>{T('变更记录', 'History')}</h3>
          <History key={hist} path={`/v1/organisations/${enc(id)}/history`} vocab="organisation_statuses" />
        </>
      )}</Show>
    </Section>
  );
}
