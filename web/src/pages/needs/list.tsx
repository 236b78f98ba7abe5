// The committee's needs, by community and status.
import { useState } from 'preact/hooks';
import { get, q } from '../../api';
import { Link } from '../../router';
import { label, T, useGlobal } from '../../state';
import { Button, Empty, Select, Show, VocabSelect, fmtTime, useLoad } from '../../ui';
import { statusBadge } from '../shared';
import type { Need, NeedList } from '../../types';
import { useCommunity } from './common';

export function NeedsPage() {
  useGlobal();
  const [community, setCommunity, codes] = useCommunity();
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<Need[]>([]);
  const [cursor, setCursor] = useState('');
  const l = useLoad(async () => {
    const r = await get<NeedList>('/v1/needs' + q({ community, status, limit: 50 }));
    setItems(r.items ?? []); setCursor(r.nextCursor);
    return r;
  }, [community, status]);
  const more = async () => {
    const r = await get<NeedList>('/v1/needs' + q({ community, status, limit: 50, cursor }));
    setItems([...items, ...(r.items ?? [])]); setCursor(r.nextCursor);
  };
  return (
    <>
      <div class="page-head">
        <h1>{T('社区需求', 'Community needs')}</h1>
        <Link to="/needs/new" class="button primary">{T('发布需求', 'Post a need')}</Link>
      </div>
      <div class="filters">
        {codes.length > 1 && <Select label={T('社区', 'Community')} value={community} onValue={setCommunity} options={codes.map((c) => ({ value: c, label: c }))} />}
        <VocabSelect vocab="need_statuses" label={T('状态', 'Status')} value={status} onValue={setStatus} empty={T('全部', 'All')} />
      </div>
      <Show l={l}>{() => items.length === 0 ? <Empty>{T('还没有需求。', 'No needs yet.')}</Empty> : (
        <div class="table-wrap">
          <table class="stack">
            <thead><tr><th>{T('需求', 'Need')}</th><th>{T('领域', 'Domain')}</th><th>{T('时间', 'When')}</th><th>{T('人数', 'Places')}</th><th>{T('状态', 'Status')}</th></tr></thead>
            <tbody>
              {items.map((n) => (
                <tr key={n.id}>
                  <td class="lead"><Link to={`/needs/${n.id}`}>{n.title}</Link></td>
                  <td data-label={T('领域', 'Domain')}>{label('domains', n.domain)}</td>
                  <td data-label={T('时间', 'When')}>{fmtTime(n.occurrences?.[0]?.start)}{(n.occurrences?.length ?? 0) > 1 && <span class="muted"> +{n.occurrences!.length - 1}</span>}</td>
                  <td data-label={T('人数', 'Places')}>{n.headcount}</td>
                  <td data-label={T('状态', 'Status')}>{statusBadge('need_statuses', n.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}</Show>
      {cursor && <Button kind="secondary" onClick={more}>{T('更多', 'More')}</Button>}
    </>
  );
}
