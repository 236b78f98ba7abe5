// What several pages show the same way: a status as a coloured badge, and a
// resource's status history.
import { get } from '../api';
import type { Transitions } from '../types';
import { label, T } from '../state';
import { Badge, Empty, Show, fmtTime, useLoad } from '../ui';

const STATUS_TONE: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'plain'> = {
  open: 'info', staffed: 'ok', in_progress: 'ok', completed: 'ok', evaluated: 'ok', draft: 'plain', cancelled: 'bad', expired: 'warn',
};

export function statusBadge(vocab: string, s: string) {
  return <Badge tone={STATUS_TONE[s] ?? 'plain'}>{label(vocab, s)}</Badge>;
}

export function History({ path, vocab }: { path: string; vocab?: string }) {
  const h = useLoad(() => get<Transitions>(path), [path]);
  return (
    <Show l={h}>{(r) => !r.items?.length ? <Empty>{T('暂无记录。', 'No history.')}</Empty> : (
      <ol class="history">{r.items.map((x) => (
        <li key={x.seq}><span class="muted">{fmtTime(x.at)}</span> {x.from ? (vocab ? label(vocab, x.from) : x.from) : '—'} → <strong>{vocab ? label(vocab, x.to) : x.to}</strong>
          {(x.reason || x.note) && <span class="muted"> · {[x.reason, x.note].filter(Boolean).join(' · ')}</span>}</li>
      ))}</ol>
    )}</Show>
  );
}
