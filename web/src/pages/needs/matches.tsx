// A need's matched volunteers (every score part and the exclusions) and the
// invitations sent.
import { useState } from 'preact/hooks';
import { enc, get, post, q } from '../../api';
import { T, useGlobal } from '../../state';
import { Badge, Button, Check, Empty, Section, Show, fmtTime, useAction, useLoad } from '../../ui';
import type { InviteResults, Need, NeedInvitations, NeedMatches, NeedPlan } from '../../types';

// distanceBand: the service shows others a volunteer's distance only as a band, from the home's ~1 km cell.
export function Matches({ need, occ }: { need: Need; occ: string }) {
  const s = useGlobal();
  const m = useLoad(() => get<NeedMatches>(`/v1/needs/${enc(need.id)}/matches` + q({ occurrenceId: occ, limit: 20 })), [need.id, occ]);
  // Invitations carry only account ids: names come from the plan (everyone who took a place) and the matches.
  const inv = useLoad(async () => {
    const [r, plan] = await Promise.all([get<NeedInvitations>(`/v1/needs/${enc(need.id)}/invitations`), get<NeedPlan>(`/v1/needs/${enc(need.id)}/plan`).catch(() => null)]);
    return { items: r.items ?? [], people: plan?.volunteers ?? [] };
  }, [need.id]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [invite, busy] = useAction(async () => {
    const r = await post<InviteResults>(`/v1/needs/${enc(need.id)}/invitations`, { volunteerIds: chosen, occurrenceId: occ });
    const results = r.results ?? [];
    const failed = results.filter((x) => x.outcome === 'refused');
    const invited = results.filter((x) => x.outcome === 'invited').length;
    const before = results.filter((x) => x.outcome === 'already_invited').length;
    setChosen([]);
    inv.reload();
    if (failed.length) throw new Error(failed.map((x) => `${nameOf(x.volunteerId)}: ${x.problem?.detail}`).join('；'));
    return T(`已邀请 ${invited} 位志愿者` + (before ? `，${before} 位此前已邀请` : ''),
      `Invited ${invited} volunteer(s)` + (before ? `, ${before} invited before` : ''));
  });
  const names = new Map([...(inv.data?.people ?? []).map((v): [string, string] => [v.id, v.name]), ...(m.data?.candidates ?? []).map((c): [string, string] => [c.volunteerId, c.name])]);
  function nameOf(id: string) { return names.get(id) || T('（姓名未知的志愿者）', '(a volunteer whose name is not known here)'); }
  return (
    <>
      <Section title={T('匹配的志愿者', 'Matched volunteers')} actions={
        <Button busy={busy} disabled={chosen.length === 0} onClick={invite}>{T(`邀请所选（${chosen.length}）`, `Invite selected (${chosen.length})`)}</Button>
      }>
        <Show l={m}>{(r) => (
          <>
            <p class="stats">
              {T(`共考虑 ${r.volunteers} 人，符合条件 ${r.eligible} 人，排除 ${r.excluded} 人`, `${r.volunteers} considered, ${r.eligible} eligible, ${r.excluded} excluded`)}
              {r.skipped > 0 && T(`，已在方案中或已邀请 ${r.skipped} 人`, `, ${r.skipped} already placed or invited`)}
            </p>
            {!!r.exclusions?.length && (
              <details class="exclusions">
                <summary>{T('排除原因', 'Why volunteers were excluded')}</summary>
                <ul>{r.exclusions.map((x) => (
                  <li key={x.reason}>{s.lang === 'en' ? x.en : x.zh}</li>
                ))}</ul>
              </details>
            )}
            {!r.candidates?.length ? <Empty>{T('暂无符合条件的志愿者。', 'No eligible volunteers.')} {relaxHint(r.exclusions ?? [])}</Empty> : (
              <div class="table-wrap">
                <table class="matches stack">
                  <thead><tr><th class="nowrap">{T('志愿者', 'Volunteer')}</th><th class="nowrap">{T('得分', 'Score')}</th><th class="nowrap">{T('距离', 'Distance')}</th><th>{T('理由', 'Reasons')}</th></tr></thead>
                  <tbody>
                    {r.candidates.map((c) => (
                      <tr key={c.volunteerId}>
                        <td class="lead nowrap"><Check label={c.name} checked={chosen.includes(c.volunteerId)}
                          onValue={(on) => setChosen(on ? [...chosen, c.volunteerId] : chosen.filter((x) => x !== c.volunteerId))} /></td>
                        <td class="nowrap" data-label={T('得分', 'Score')}><strong>{c.score}</strong></td>
                        <td class="nowrap" data-label={T('距离', 'Distance')}>{s.lang === 'en' ? c.distanceBand.en : c.distanceBand.zh}</td>
                        <td data-label={T('理由', 'Reasons')}>
                          <div class="parts" aria-hidden="true">{c.parts?.map((p) => <span key={p.part} class={`part p-${p.part}`} style={{ flexGrow: p.points || 0.0001 }} title={`${s.lang === 'en' ? p.en : p.zh} ${p.points}/${p.max}`} />)}</div>
                          <ul class="reasons">{c.parts?.map((p) => <li key={p.part}>{s.lang === 'en' ? p.en : p.zh} <span class="muted">{p.points}/{p.max}</span></li>)}</ul>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}</Show>
      </Section>
      <Section title={T('已发出的邀请', 'Invitations sent')}>
        <Show l={inv}>{(r) => !r.items.length ? <Empty>{T('尚未邀请。', 'None yet.')}</Empty> : (
          <table class="stack">
            <thead><tr><th>{T('志愿者', 'Volunteer')}</th><th>{T('场次', 'Occurrence')}</th><th>{T('状态', 'Status')}</th><th>{T('截止', 'Expires')}</th></tr></thead>
            <tbody>{r.items.map((i) => (
              <tr key={i.id}><td class="lead">{i.volunteerName || nameOf(i.volunteerId)}</td><td data-label={T('场次', 'Occurrence')}>{fmtTime(i.start)}</td>
                <td data-label={T('状态', 'Status')}><Badge tone={i.status === 'accepted' ? 'ok' : i.status === 'pending' ? 'info' : 'warn'}>{invitationStatus(i.status)}</Badge></td>
                <td data-label={T('截止', 'Expires')}>{fmtTime(i.expiresAt)}</td></tr>
            ))}</tbody>
          </table>
        )}</Show>
      </Section>
    </>
  );
}

function invitationStatus(s: string) {
  const m: Record<string, [string, string]> = { pending: ['待回复', 'pending'], accepted: ['已接受', 'accepted'], declined: ['已谢绝', 'declined'], expired: ['已过期', 'expired'], full: ['名额已满', 'full'] };
  return m[s] ? T(m[s][0], m[s][1]) : s;
}

// What to relax when nobody fits: the constraint that alone keeps out the most
// volunteers (else the one that keeps out the most), with what the committee can change.
const RELAX: Record<string, [string, string]> = {
  too_far: ['多数志愿者距离过远：可扩大服务半径，或把地点改到居民更集中处。', 'Most are too far: widen the radius, or move the place nearer to where people live.'],
  not_available: ['多数志愿者该时段不可服务：可改到晚间或周末，或缩短时长。', 'Most are not free then: try an evening or the weekend, or a shorter shift.'],
  blackout_date: ['多数志愿者当天已请假：可换一天。', 'Most are away that day: try another day.'],
  lacks_skill: ['多数志愿者缺少所需技能或等级：可降低技能等级要求，或改为培训后上岗。', 'Most lack a required skill or level: lower the level, or train on the day.'],
  no_background_check: ['多数志愿者没有有效的背景审查：可先为常来的志愿者登记审查。', 'Most have no valid background check: record checks for your regular volunteers first.'],
  not_verified: ['多数志愿者尚未实名核验：可先核验本社区的志愿者。', 'Most are not verified: verify your community\'s volunteers first.'],
  no_location: ['多数志愿者没有填写住址位置：可提醒他们在资料中补充。', 'Most have no home point: ask them to add it to their profile.'],
  minor_high_risk: ['未成年人不能参加高风险服务：可降低风险等级或拆分任务。', 'Minors cannot take high-risk needs: lower the risk or split the task.'],
  minor_no_consent: ['未成年志愿者缺少监护人同意：请其补充。', 'Minors lack a guardian\'s consent: ask for it.'],
  committed: ['多数志愿者同一时段已有安排：可换个时间。', 'Most are already placed at that time: try another time.'],
};

function relaxHint(ex: { reason: string; count: number; only: number }[]): string {
  if (!ex.length) return '';
  const top = [...ex].sort((a, b) => b.only - a.only || b.count - a.count)[0];
  const h = RELAX[top.reason];
  return h ? T(h[0], h[1]) : '';
}
