// The rotating check-in code of one occurrence, full-screen on site.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, q } from '../../api';
import { Link } from '../../router';
import { T, useGlobal } from '../../state';
import { fmtTime, useLoad } from '../../ui';
import type { CheckinCode, Need } from '../../types';

export function CheckinCodePage({ id, occ }: { id: string; occ: string }) {
  useGlobal();
  const [code, setCode] = useState<CheckinCode | null>(null);
  const [err, setErr] = useState('');
  const [now, setNow] = useState(Date.now());
  const need = useLoad(() => get<Need>(`/v1/needs/${enc(id)}`), [id]);
  useEffect(() => {
    let stop = false;
    let timer = 0;
    const load = async () => {
      try {
        const c = await get<CheckinCode>('/v1/attendance/code' + q({ occurrenceId: occ }));
        if (stop) return;
        setCode(c); setErr('');
        timer = window.setTimeout(load, Math.max(1000, Math.min(30000, Date.parse(c.changesAt) - Date.now() + 500)));
      } catch (e) {
        if (stop) return;
        setErr(e instanceof Error ? e.message : String(e));
        timer = window.setTimeout(load, 10000);
      }
    };
    load();
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => { stop = true; clearTimeout(timer); clearInterval(tick); };
  }, [occ]);
  const o = need.data?.occurrences?.find((x) => x.id === occ);
  const left = code ? Math.max(0, Math.round((Date.parse(code.changesAt) - now) / 1000)) : 0;
  return (
    <main class="codescreen" id="main">
      <div class="code-top">
        <Link to={`/needs/${id}`} class="button secondary">← {T('返回', 'Back')}</Link>
        <button type="button" class="secondary" onClick={() => document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen().catch(() => {})}>
          {T('全屏', 'Full screen')}
        </button>
      </div>
      <h1>{need.data?.title ?? ''}</h1>
      {o && <p class="when">{fmtTime(o.start)} – {fmtTime(o.end).slice(11)}</p>}
      <p class="label">{T('签到码', 'Check-in code')}</p>
      <p class="code" aria-live="polite" aria-atomic="true" data-testid="checkin-code">{code ? code.code.split('').join(' ') : '······'}</p>
      {code && <p class="muted">{T(`${Math.floor(left / 60)} 分 ${left % 60} 秒后更换`, `changes in ${Math.floor(left / 60)} min ${left % 60} s`)}</p>}
      {err && <p class="error" role="alert">{err}</p>}
    </main>
  );
}
