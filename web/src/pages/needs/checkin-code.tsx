// The rotating check-in code of one occurrence, full-screen on site: a QR
// code the volunteers' app scans (it holds the 6-digit code, nothing else)
// and the digits to type, on a phone held up at the door as on a projector.
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
  useWakeLock();
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
      <div class="code-head">
        <h1>{need.data?.title ?? ''}</h1>
        {o && <p class="when">{fmtTime(o.start)} – {fmtTime(o.end).slice(11)}</p>}
      </div>
      <div class="code-body">
        <QR text={code?.code ?? ''} label={T('签到二维码：用志愿者小程序扫码签到', 'Check-in QR code: scan it with the volunteers\' app')} />
        <div class="code-digits">
          <p class="label">{T('签到码', 'Check-in code')}</p>
          <p class="code" aria-live="polite" aria-atomic="true" data-testid="checkin-code">{code ? code.code.split('').join(' ') : '······'}</p>
          {code && <p class="muted">{T(`${Math.floor(left / 60)} 分 ${left % 60} 秒后更换`, `changes in ${Math.floor(left / 60)} min ${left % 60} s`)}</p>}
        </div>
      </div>
      {err && <p class="error" role="alert">{err}</p>}
    </main>
  );
}

/** QR draws text as a QR code in SVG (crisp at any size); the generator loads with this screen only. */
function QR({ text, label }: { text: string; label: string }) {
  const [m, setM] = useState<{ size: number; d: string } | null>(null);
  useEffect(() => {
    if (!text) return;
    let live = true;
    import('qrcode').then((QRCode) => {
      const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
      let d = '';
      for (let y = 0; y < modules.size; y++) for (let x = 0; x < modules.size; x++) if (modules.get(y, x)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
      if (live) setM({ size: modules.size + 8, d }); // a quiet zone of 4 modules
    });
    return () => { live = false; };
  }, [text]);
  return (
    <svg class="qr" viewBox={`0 0 ${m?.size ?? 33} ${m?.size ?? 33}`} role="img" aria-label={label} data-testid="checkin-qr" shape-rendering="crispEdges">
      <rect width="100%" height="100%" fill="#fff" />
      {m && <path d={m.d} fill="#000" />}
    </svg>
  );
}

/** useWakeLock keeps a phone's screen on while the code shows (where the browser allows it). */
function useWakeLock() {
  useEffect(() => {
    let lock: { release: () => Promise<void> } | null = null;
    let live = true;
    const take = () => {
      const wl = (navigator as Navigator & { wakeLock?: { request: (t: 'screen') => Promise<{ release: () => Promise<void> }> } }).wakeLock;
      if (document.visibilityState === 'visible' && wl) wl.request('screen').then((l) => { if (live) lock = l; else l.release(); }, () => {});
    };
    take();
    document.addEventListener('visibilitychange', take);
    return () => { live = false; document.removeEventListener('visibilitychange', take); lock?.release().catch(() => {}); };
  }, []);
}
