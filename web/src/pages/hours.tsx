// The committee verifies pending service hours in bulk (谁记录谁证明).
import { useState } from 'preact/hooks';
import { get, post, q } from '../api';
import { Link } from '../router';
import { label, roles, T, useGlobal } from '../state';
import type { HoursList, VerifyResults } from '../types';
import { Button, Check, Empty, Input, Section, Select, Show, useAction, useLoad } from '../ui';

export function HoursPage() {
  useGlobal();
  const codes = roles('community_admin').map((r) => r.communityCode!).filter(Boolean);
  const [community, setCommunity] = useState(codes[0] ?? '');
  const [chosen, setChosen] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const l = useLoad(async () => {
    // The queue names each record's volunteer and need itself.
    const r = await get<HoursList>('/v1/hours/pending' + q({ community, limit: 100 }));
    setChosen([]);
    return { items: r.items ?? [] };
  }, [community]);
  const [decide, busy] = useAction(async (approve: boolean) => {
    if (!approve && !reason.trim()) throw new Error(T('驳回须注明原因', 'A rejection needs a reason'));
    const r = await post<VerifyResults>('/v1/hours/verification', { ids: chosen, approve, reason: reason.trim() || undefined });
    const results = r.results ?? [];
    const failed = results.filter((x) => x.problem);
    l.reload();
    setReason('');
    if (failed.length) throw new Error(failed.map((x) => x.problem?.detail).join('；'));
    return approve ? T(`已核实 ${results.length} 条`, `${results.length} record(s) verified`) : T(`已驳回 ${results.length} 条`, `${results.length} record(s) rejected`);
  });
  return (
    <>
      <h1>{T('服务时长核实', 'Verify service hours')}</h1>
      {codes.length > 1 && <Select label={T('社区', 'Community')} value={community} onValue={setCommunity} options={codes.map((c) => ({ value: c, label: c }))} />}
      <Section title={T('待核实', 'Pending')}>
        <Show l={l}>{({ items }) => items.length === 0 ? <Empty>{T('没有待核实的服务时长。', 'No hours waiting for verification.')}</Empty> : (
          <>
            <Check label={T(`全选（${items.length} 条）`, `Select all (${items.length})`)} checked={chosen.length === items.length}
              onValue={(on) => setChosen(on ? items.map((x) => x.id) : [])} />
            <div class="table-wrap">
              <table class="stack">
                <thead><tr>
                  <th>{T('志愿者', 'Volunteer')}</th><th>{T('需求', 'Need')}</th><th>{T('日期', 'Date')}</th><th>{T('时长（小时）', 'Hours')}</th><th>{T('来源', 'Source')}</th><th>{T('领域', 'Domain')}</th>
                </tr></thead>
                <tbody>{items.map((h) => {
                  const name = h.volunteerName || T('（未留姓名的志愿者）', '(volunteer without a name)');
                  return (
                    <tr key={h.id}>
                      <td class="lead"><Check label={name} checked={chosen.includes(h.id)}
                        onValue={(on) => setChosen(on ? [...chosen, h.id] : chosen.filter((x) => x !== h.id))} /></td>
                      <td data-label={T('需求', 'Need')}><Link to={`/needs/${h.needId}`}>{h.needTitle || T('（需求）', '(need)')}</Link></td>
                      <td data-label={T('日期', 'Date')}>{h.date}</td><td data-label={T('时长', 'Hours')}>{h.hours}</td>
                      <td data-label={T('来源', 'Source')}>{source(h.source)}{h.supervised && ' · ' + T('有督导', 'supervised')}</td><td data-label={T('领域', 'Domain')}>{label('domains', h.domain)}</td>
                    </tr>
                  );
                })}</tbody>
              </table>
            </div>
            <div class="actions verify">
              <Button busy={busy} disabled={chosen.length === 0} onClick={() => decide(true)}>{T(`核实所选（${chosen.length}）`, `Verify selected (${chosen.length})`)}</Button>
              <Input label={T('驳回原因', 'Reason for rejecting')} value={reason} onValue={setReason} />
              <Button kind="danger" busy={busy} disabled={chosen.length === 0} onClick={() => decide(false)}>{T('驳回所选', 'Reject selected')}</Button>
            </div>
          </>
        )}</Show>
      </Section>
    </>
  );
}

function source(s: string) {
  const m: Record<string, [string, string]> = { checkin: ['签到签退', 'check-in'], marked: ['登记', 'marked'], self_report: ['自报', 'self-report'], revision: ['更正', 'revision'] };
  return m[s] ? T(m[s][0], m[s][1]) : s;
}
