// A reviewer's work: the competitions they review, their assigned entries,
// conflict declarations, and the scoring form with its running total.
import { useState } from 'preact/hooks';
import { enc, get, post, q } from '../api';
import { Link, navigate } from '../router';
import { label, T, useGlobal } from '../state';
import type { Competition, Criterion, MyReviews, ReviewEntries, ReviewEntry } from '../types';
import { conflictKind } from './competitions';
import { ProjectDetails } from './shared';
import { Badge, Button, Empty, ask, Input, Section, Select, Show, TextArea, num, useAction, useLoad, yuan } from '../ui';

export function ReviewsPage() {
  useGlobal();
  const l = useLoad(() => get<MyReviews>('/v1/me/competition-reviews' + q({ limit: 100 })), []);
  return (
    <>
      <h1>{T('我的评审', 'My reviews')}</h1>
      <Show l={l}>{(r) => !r.items?.length ? <Empty>{T('暂无评审任务。', 'Nothing to review.')}</Empty> : (
        <table>
          <thead><tr><th>{T('大赛', 'Competition')}</th><th>{T('阶段', 'Phase')}</th><th>{T('已评/分配', 'Scored/assigned')}</th></tr></thead>
          <tbody>{r.items.map((x) => (
            <tr key={x.competitionId}><td><Link to={`/reviews/${x.competitionId}`}>{x.name}</Link></td><td>{label('competition_phases', x.phase)}</td>
              <td>{x.scored}/{x.assigned} {x.assigned > 0 && x.scored === x.assigned && <Badge tone="ok">{T('已完成', 'done')}</Badge>}</td></tr>
          ))}</tbody>
        </table>
      )}</Show>
    </>
  );
}

export function ReviewCompetitionPage({ cid }: { cid: string }) {
  useGlobal();
  const comp = useLoad(() => get<Competition>(`/v1/competitions/${enc(cid)}`), [cid]);
  const l = useLoad(() => get<ReviewEntries>(`/v1/competitions/${enc(cid)}/review/entries` + q({ limit: 100 })), [cid]);
  const [f, setF] = useState({ kind: 'own_organisation', target: '', note: '' });
  const [declare, busy] = useAction(async () => {
    if (!ask('声明利益冲突后，相关评审分配将被撤回且不能恢复。确定声明？', 'Declaring a conflict withdraws the assignments it touches, for good. Declare?')) return;
    const [what, id] = f.target.split(':');
    await post(`/v1/competitions/${enc(cid)}/conflicts`, { kind: f.kind, note: f.note.trim() || undefined, ...(what === 'entry' ? { entryId: id } : { organisationId: id }) });
    setF({ ...f, target: '', note: '' });
    l.reload();
    return T('已声明利益冲突，相关分配已撤回', 'Conflict declared; the assignments it touches are withdrawn');
  });
  return (
    <>
      <p class="crumbs"><Link to="/reviews">{T('我的评审', 'My reviews')}</Link> /</p>
      <h1>{comp.data?.name ?? ''}</h1>
      <Section title={T('分配给我的项目', 'Entries assigned to me')}>
        <Show l={l}>{(r) => !r.items?.length ? <Empty>{T('暂无分配的项目。', 'No entries assigned.')}</Empty> : (
          <table>
            <thead><tr><th>{T('项目', 'Entry')}</th><th>{T('机构', 'Organisation')}</th><th>{T('评分', 'Scored')}</th></tr></thead>
            <tbody>{r.items.map((e) => (
              <tr key={e.entryId}><td><Link to={`/reviews/${cid}/${e.entryId}`}>{e.title}</Link></td><td>{e.organisationName || e.organisationId}</td>
                <td>{e.scored ? <Badge tone="ok">{T('已评分', 'scored')}</Badge> : <Badge tone="info">{T('待评分', 'to score')}</Badge>}</td></tr>
            ))}</tbody>
          </table>
        )}</Show>
      </Section>
      <Section title={T('声明利益冲突', 'Declare a conflict of interest')}>
        <p class="muted">{T('与本人机构、近两年任职机构或亲属相关的项目须回避；声明后不再分配和评分该项目，已评分数不计入。',
          'Entries of your organisation, of an employer in the last two years or of family must be avoided; once declared you are not assigned them and earlier sheets stop counting.')}</p>
        <form class="grid" onSubmit={(e) => { e.preventDefault(); declare(); }}>
          <Select label={T('类型', 'Kind')} value={f.kind} onValue={(v) => setF({ ...f, kind: v })}
            options={['own_organisation', 'employment', 'family', 'other'].map((k) => ({ value: k, label: conflictKind(k) }))} />
          <Select label={T('涉及的项目或机构', 'Entry or organisation')} value={f.target} onValue={(v) => setF({ ...f, target: v })} empty="—" required
            options={(l.data?.items ?? []).flatMap((e) => [{ value: `entry:${e.entryId}`, label: T('项目：', 'Entry: ') + e.title }, { value: `org:${e.organisationId}`, label: T('机构：', 'Organisation: ') + (e.organisationName || e.organisationId) }])
              .filter((o, i, a) => a.findIndex((x) => x.value === o.value) === i)} />
          <Input label={T('说明', 'Note')} value={f.note} onValue={(v) => setF({ ...f, note: v })} />
          <div class="actions"><Button type="submit" kind="danger" busy={busy} disabled={!f.target}>{T('声明', 'Declare')}</Button></div>
        </form>
      </Section>
    </>
  );
}

/** weightedTotal is the service's WeightedTotal: Σ points / maxPoints × weight, on 0–100. */
export function weightedTotal(rubric: Criterion[], scores: Record<string, string>): number {
  return rubric.reduce((s, c) => {
    const p = parseInt(scores[c.code] ?? '', 10);
    return Number.isFinite(p) ? s + (Math.max(0, Math.min(c.maxPoints, p)) / c.maxPoints) * c.weight : s;
  }, 0);
}

export function ReviewEntryPage({ cid, entryId }: { cid: string; entryId: string }) {
  useGlobal();
  const l = useLoad(() => get<ReviewEntry>(`/v1/competitions/${enc(cid)}/review/entries/${enc(entryId)}`), [cid, entryId]);
  const [scores, setScores] = useState<Record<string, string>>({});
  const [comment, setComment] = useState('');
  const [submit, busy] = useAction(async () => {
    const body: Record<string, number> = {};
    for (const c of l.data!.rubric ?? []) body[c.code] = parseInt(scores[c.code], 10);
    await post(`/v1/competitions/${enc(cid)}/entries/${enc(entryId)}/scores`, { scores: body, comment: comment.trim() || undefined });
    l.reload();
    return T('评分已提交', 'Score sheet submitted');
  });
  return (
    <Show l={l}>{(v) => {
      const rubric = v.rubric ?? [];
      const total = weightedTotal(rubric, scores);
      const complete = rubric.every((c) => scores[c.code] !== undefined && scores[c.code] !== '');
      return (
        <>
          <p class="crumbs"><Link to="/reviews">{T('我的评审', 'My reviews')}</Link> / <Link to={`/reviews/${cid}`}>{T('项目', 'Entries')}</Link> /</p>
          <h1>{v.entry.title}</h1>
          <p class="muted">{v.entry.organisationName || v.entry.organisationId} · {(v.entry.domains ?? []).map((d) => label('domains', d)).join('、')} · {label('target_groups', v.entry.targetGroup)} · {T('受益', 'beneficiaries')} {v.entry.beneficiaries} · {T('申请', 'requested')} {yuan(v.entry.requestedFen)} · {T('预算', 'budget')} {yuan(v.entry.budgetTotalFen)}</p>
          {v.entry.summary && <p>{v.entry.summary}</p>}
          <ProjectDetails app={v.entry} title={T('项目详情', 'The entry in full')} />
          {v.mine ? (
            <Section title={T('我的评分', 'My sheet')}>
              <p><Badge tone="ok">{T('已提交', 'Submitted')}</Badge> {T('总分', 'Total')} <strong>{num(v.mine.total)}</strong> / 100</p>
              <ul>{rubric.map((c) => <li key={c.code}>{T(c.zh, c.en)}：{v.mine!.scores[c.code]} / {c.maxPoints}</li>)}</ul>
              {v.mine.comment && <p class="muted">{v.mine.comment}</p>}
              <h3>{T('其他评审的评分（匿名）', 'Other reviewers\' sheets (anonymous)')}</h3>
              {!v.others?.length ? <Empty>{T('暂无。', 'None yet.')}</Empty> : <ul>{v.others.map((o, i) => <li key={i}>{num(o.total)} / 100 {o.comment && <span class="muted">· {o.comment}</span>}</li>)}</ul>}
            </Section>
          ) : (
            <Section title={T('评分', 'Score this entry')}>
              <form onSubmit={(e) => { e.preventDefault(); if (confirm(T('评分提交后不能修改，确定提交？', 'A sheet is final once submitted. Submit?'))) submit(); }}>
                <table class="rubric">
                  <thead><tr><th>{T('评分项', 'Criterion')}</th><th>{T('权重', 'Weight')}</th><th>{T('得分', 'Points')}</th></tr></thead>
                  <tbody>{rubric.map((c) => (
                    <tr key={c.code}>
                      <td><label for={`s-${c.code}`}>{T(c.zh, c.en)}</label></td>
                      <td>{c.weight}</td>
                      <td><input id={`s-${c.code}`} type="number" min={0} max={c.maxPoints} step={1} required value={scores[c.code] ?? ''}
                        onInput={(e) => setScores({ ...scores, [c.code]: (e.target as HTMLInputElement).value })} aria-describedby={`m-${c.code}`} />
                        <span id={`m-${c.code}`} class="muted"> / {c.maxPoints}</span></td>
                    </tr>
                  ))}</tbody>
                </table>
                <p class="total" aria-live="polite">{T('加权总分', 'Weighted total')}：<strong data-testid="running-total">{num(total)}</strong> / 100</p>
                <TextArea label={T('评语', 'Comment')} value={comment} onValue={setComment} />
                <div class="actions">
                  <Button type="submit" busy={busy} disabled={!complete}>{T('提交评分', 'Submit the sheet')}</Button>
                  <Button kind="secondary" onClick={() => navigate(`/reviews/${cid}`)}>{T('返回', 'Back')}</Button>
                </div>
              </form>
            </Section>
          )}
        </>
      );
    }}</Show>
  );
}
