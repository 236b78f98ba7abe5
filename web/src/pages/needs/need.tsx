// One need: its facts, its status moves, and tabs for the shift's roster, its
// matches and invitations, linkage plan, attendance, feedback and history.
import { useState } from 'preact/hooks';
import { enc, get, post } from '../../api';
import { Link } from '../../router';
import { label, T, useGlobal } from '../../state';
import { Button, Input, ask, Panel, Select, Show, Tabs, fmtTime, useAction, useLoad, yuan } from '../../ui';
import { History, statusBadge } from '../shared';
import type { Need } from '../../types';
import { Matches } from './matches';
import { Plan } from './plan';
import { Roster } from './roster';
import { Attendance } from './attendance';
import { Feedback } from './feedback';

const NEXT: Record<string, string[]> = {
  draft: ['open', 'cancelled'], open: ['in_progress', 'cancelled'], staffed: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'cancelled'], completed: ['evaluated'],
};

export function NeedPage({ id }: { id: string }) {
  useGlobal();
  const need = useLoad(() => get<Need>(`/v1/needs/${enc(id)}`), [id]);
  // Once a need is staffed or under way, its page opens on the shift's roster.
  const [tab, setTab] = useState('');
  const [occ, setOcc] = useState('');
  const [note, setNote] = useState('');
  const [move, moving] = useAction(async (to: string) => {
    const what = label('need_statuses', to);
    if (!ask(`确定将需求变更为“${what}”？${to === 'cancelled' ? '取消后不能恢复，已安排的志愿者会收到通知。' : ''}`,
      `Change the need to "${what}"?${to === 'cancelled' ? ' A cancelled need cannot be restored; its volunteers are told.' : ''}`)) return;
    await post(`/v1/needs/${enc(id)}/transitions`, { to, note: note.trim() || undefined, reason: note.trim() || undefined });
    setNote('');
    need.reload();
    return T('状态已变更', 'Status changed');
  });
  return (
    <Show l={need}>{(n) => {
      const occurrences = n.occurrences ?? [];
      const o = occ || occurrences[0]?.id || '';
      const shown = tab || (n.status === 'staffed' || n.status === 'in_progress' ? 'roster' : 'matches');
      return (
        <>
          <div class="page-head">
            <div>
              <p class="crumbs"><Link to="/needs">{T('社区需求', 'Needs')}</Link> /</p>
              <h1>{n.title} {statusBadge('need_statuses', n.status)}</h1>
              <p class="muted">
                {n.communityName} · {label('domains', n.domain)} · {label('target_groups', n.targetGroup)} · {T('每场', 'places')} {n.headcount} {T('人', '')}
                {n.budgetFen > 0 && <> · {yuan(n.budgetFen)}</>} · {T('督导等级', 'supervisor level')} {label('certificate_levels', n.supervisorLevel)}
              </p>
            </div>
            {(n.status === 'draft' || n.status === 'open') && <Link to={`/needs/${n.id}/edit`} class="button secondary">{T('修改', 'Edit')}</Link>}
          </div>
          {(NEXT[n.status] ?? []).length > 0 && (
            <div class="card transitions">
              <Input label={T('备注或原因（可选）', 'Note or reason (optional)')} value={note} onValue={setNote} />
              {NEXT[n.status].map((to) => (
                <Button key={to} kind={to === 'cancelled' ? 'danger' : 'secondary'} busy={moving} onClick={() => move(to)}>
                  {T('改为：', 'Move to: ')}{label('need_statuses', to)}
                </Button>
              ))}
            </div>
          )}
          {occurrences.length > 1 && (
            <Select label={T('场次', 'Occurrence')} value={o} onValue={setOcc}
              options={occurrences.map((x) => ({ value: x.id, label: `${fmtTime(x.start)} – ${fmtTime(x.end).slice(11)}` }))} />
          )}
          {occurrences.length === 1 && <p>{T('时间：', 'When: ')}{fmtTime(occurrences[0].start)} – {fmtTime(occurrences[0].end).slice(11)}</p>}
          <Tabs label={T('需求详情', 'Need details')} current={shown} onChange={setTab} tabs={[
            { id: 'roster', label: T('当班名单', 'Roster') },
            { id: 'matches', label: T('匹配与邀请', 'Matches & invitations') },
            { id: 'plan', label: T('联动方案', 'Linkage plan') },
            { id: 'attendance', label: T('签到与出勤', 'Check-in & attendance') },
            { id: 'feedback', label: T('服务对象反馈', 'Feedback') },
            { id: 'history', label: T('变更记录', 'History') },
          ]} />
          <Panel id={shown}>
            {shown === 'roster' && <Roster need={n} occ={o} />}
            {shown === 'matches' && <Matches need={n} occ={o} />}
            {shown === 'plan' && <Plan need={n} />}
            {shown === 'attendance' && <Attendance need={n} occ={o} />}
            {shown === 'feedback' && <Feedback need={n} />}
            {shown === 'history' && <History path={`/v1/needs/${enc(n.id)}/history`} vocab="need_statuses" />}
          </Panel>
        </>
      );
    }}</Show>
  );
}
