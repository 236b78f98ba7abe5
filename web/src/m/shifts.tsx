// Doing the work: invitations, shifts, check-in (needs near me: needs.tsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { enc, get, post } from '../api';
import { notify, T } from '../state';
import { Badge, Button, Empty, Input, Select, Show, fmtTime, useAction, useLoad } from '../ui';
import { type LatLng } from '../map';
import { A } from './nav';
import { here, useNow, useTitles, countdown, type Sc, type Invitation, type HoursRecord } from './common';

// ---- invitations ----

const INV_STATUS: Record<string, [string, string, 'ok' | 'warn' | 'bad' | 'plain']> = {
  pending: ['待回复', 'pending', 'warn'], accepted: ['已接受', 'accepted', 'ok'], declined: ['已谢绝', 'declined', 'plain'],
  expired: ['已过期', 'expired', 'plain'], full: ['名额已满', 'full', 'bad'],
};

function myInvitations() { return get<Sc['ListOutputInvitationDTOBody']>('/v1/me/invitations?limit=100'); }

export function Invitations() {
  const l = useLoad(myInvitations, []);
  const now = useNow();
  const titles = useTitles((l.data?.items ?? []).map((i) => i.needId));
  const [answer, busy] = useAction(async (i: Invitation, accept: boolean) => {
    await post(`/v1/invitations/${enc(i.id)}/${accept ? 'accept' : 'decline'}`);
    l.reload();
    return accept ? T('已接受邀请，名额已为你保留', 'Accepted: the place is yours') : T('已谢绝邀请', 'Declined');
  });
  return (
    <Show l={l}>{(r) => {
      const items = r.items ?? [];
      if (!items.length) return <Empty>{T('暂无邀请。', 'No invitations yet.')}</Empty>;
      return (
        <ul class="list">
          {items.map((i) => {
            const st = INV_STATUS[i.status] ?? [i.status, i.status, 'plain'];
            const open = i.status === 'pending' && Date.parse(i.expiresAt) > now;
            return (
              <li key={i.id} class="card inv">
                <h2>{titles[i.needId]?.title ?? T('需求', 'Need')}</h2>
                <p class="muted">{titles[i.needId]?.communityName} · {fmtTime(i.start)} – {fmtTime(i.end).slice(-5)}</p>
                <p><Badge tone={st[2]}>{T(st[0], st[1])}</Badge>
                  {open && <span class="countdown"> {T('剩余', 'Time left')} <time dateTime={i.expiresAt}>{countdown(i.expiresAt, now)}</time></span>}</p>
                {open && (
                  <div class="row">
                    <Button busy={busy} onClick={() => answer(i, true)}>{T('接受', 'Accept')}</Button>
                    <Button kind="secondary" busy={busy} onClick={() => answer(i, false)}>{T('谢绝', 'Decline')}</Button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      );
    }}</Show>
  );
}

// ---- my shifts: the places I hold ----

/** recorded: hours are recorded for the shift (by check-out, the committee's marks or the volunteer's report). */
export type Shift = { id: string; needId: string; occurrenceId: string; start: string; end: string; recorded: boolean };

/** myShifts lists the places the volunteer holds (placed by the committee or taken by accepting an invitation):
 *  the API lists them only in the personal export, so the app reads them from there. */
export async function myShifts(): Promise<Shift[]> {
  const e = await get<Sc['PersonalExport']>('/v1/me/export');
  const recorded = new Set((e.hoursRecords ?? []).map((h) => h.occurrenceId));
  return (e.assignments ?? []).filter((a) => a.status !== 'withdrawn')
    .map((a) => ({ id: a.id, needId: a.needId, occurrenceId: a.occurrenceId, start: a.window.start, end: a.window.end, recorded: recorded.has(a.occurrenceId) }))
    .sort((x, y) => x.start.localeCompare(y.start));
}

export function Shifts() {
  const l = useLoad(myShifts, []);
  const now = useNow(30000);
  const titles = useTitles((l.data ?? []).map((i) => i.needId));
  return (
    <Show l={l}>{(items) => {
      if (!items.length) return <Empty>{T('还没有场次。接受邀请后会显示在这里。', 'No shifts yet: accepted invitations show here.')}</Empty>;
      return (
        <ul class="list">
          {items.map((i) => {
            const canCheckin = Date.parse(i.start) - 30 * 60e3 <= now && now <= Date.parse(i.end) + 2 * 3600e3;
            return (
              <li key={i.id} class="card">
                <h2>{titles[i.needId]?.title ?? T('需求', 'Need')}</h2>
                <p class="muted">{titles[i.needId]?.communityName} · {fmtTime(i.start)} – {fmtTime(i.end).slice(-5)}</p>
                {titles[i.needId]?.address && <p class="muted">{titles[i.needId]?.address}</p>}
                {canCheckin ? <A to={`/checkin?occ=${enc(i.occurrenceId)}`} cls="button">{T('签到 / 签退', 'Check in / out')}</A>
                  : Date.parse(i.end) < now ? <><p><Badge>{T('已结束', 'ended')}</Badge>{i.recorded && <> <A to="/hours">{T('时长已记录', 'hours recorded')}</A></>}</p>
                    {!i.recorded && <A to={`/hours/report?occ=${enc(i.occurrenceId)}`} cls="button secondary">{T('签到未成功？自报时长', 'Check-in failed? Report your hours')}</A>}</> : <p><Badge tone="info">{T('开始前 30 分钟可签到', 'Check-in opens 30 min before')}</Badge></p>}
              </li>
            );
          })}
        </ul>
      );
    }}</Show>
  );
}

// ---- check-in: the committee's rotating code, scanned or typed, plus the phone's position ----

/** codeFrom reads the 6-digit code out of a scanned text (the code itself, or a text or link carrying it). */
function codeFrom(text: string): string {
  const m = text.match(/\b(\d{6})\b/);
  return m ? m[1] : text.trim();
}

// The QR decoder and generator load only on the screens that use them (a smaller first load).
const loadJsQR = () => import('jsqr').then((m) => m.default);

async function decodeImage(img: CanvasImageSource & { width: number; height: number }): Promise<string | null> {
  const jsQR = await loadJsQR();
  const c = document.createElement('canvas');
  const scale = Math.min(1, 1024 / Math.max(img.width, img.height));
  c.width = Math.round(img.width * scale);
  c.height = Math.round(img.height * scale);
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(img, 0, 0, c.width, c.height);
  const d = ctx.getImageData(0, 0, c.width, c.height);
  return jsQR(d.data, d.width, d.height)?.data ?? null;
}

export function Checkin() {
  const occParam = new URLSearchParams(location.search).get('occ') ?? '';
  const l = useLoad(myShifts, []);
  const [occ, setOcc] = useState(occParam);
  const [code, setCode] = useState('');
  const [pos, setPos] = useState<LatLng | null>(null);
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const titles = useTitles((l.data ?? []).map((i) => i.needId));
  const shifts = (l.data ?? []).filter((i) => Date.parse(i.end) + 2 * 3600e3 > Date.now());
  useEffect(() => { if (!occ && shifts.length) setOcc(shifts[0].occurrenceId); }, [shifts.length]);

  useEffect(() => {
    if (!scanning) return;
    let stream: MediaStream | null = null, timer = 0, stopped = false;
    navigator.mediaDevices?.getUserMedia({ video: { facingMode: 'environment' } }).then((s) => {
      if (stopped) { s.getTracks().forEach((t) => t.stop()); return; }
      stream = s;
      const v = video.current!;
      v.srcObject = s;
      v.play().catch(() => undefined);
      const tick = () => {
        if (stopped) return;
        const next = () => { timer = window.setTimeout(tick, 250); };
        if (!v.videoWidth) { next(); return; }
        decodeImage(Object.assign(v, { width: v.videoWidth, height: v.videoHeight })).then((found) => {
          if (stopped) return;
          if (found) { setCode(codeFrom(found)); setScanning(false); notify('ok', T('已识别签到码', 'Code read')); } else next();
        }, next);
      };
      tick();
    }, (e) => { setScanning(false); notify('error', T('无法打开相机：', 'The camera cannot be opened: ') + e.message + T('。可拍照上传或手动输入签到码。', '. Upload a photo or type the code.')); });
    if (!navigator.mediaDevices) { setScanning(false); notify('error', T('此浏览器无法使用相机，请手动输入签到码。', 'No camera in this browser: type the code.')); }
    return () => { stopped = true; clearTimeout(timer); stream?.getTracks().forEach((t) => t.stop()); };
  }, [scanning]);

  const fromFile = (e: Event) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (!f) return;
    const url = URL.createObjectURL(f);
    const img = new Image();
    img.onload = async () => {
      const found = await decodeImage(img);
      URL.revokeObjectURL(url);
      if (found) { setCode(codeFrom(found)); notify('ok', T('已识别签到码', 'Code read')); } else notify('error', T('图片中未找到二维码', 'No QR code in the picture'));
    };
    img.src = url;
  };
  const [locate, locating] = useAction(async () => { setPos(await here()); });
  const [send, busy] = useAction(async (out: boolean) => {
    const p = pos ?? (await here());
    setPos(p);
    const body = { occurrenceId: occ, code: code.trim(), location: p };
    if (out) {
      const r = await post<HoursRecord>('/v1/me/attendance/checkout', body);
      return T(`已签退，记录 ${r.hours} 小时，待核实`, `Checked out: ${r.hours} h recorded, pending verification`);
    }
    const r = await post<Sc['AttendanceOutputBody']>('/v1/me/attendance/checkin', body);
    return T(`已签到 ${fmtTime(r.checkinAt).slice(-5)}`, `Checked in at ${fmtTime(r.checkinAt).slice(-5)}`);
  });
  return (
    <Show l={l}>{() => shifts.length === 0 && !occParam ? <Empty>{T('当前没有可签到的场次。', 'No shift to check in to now.')} <A to="/shifts">{T('我的场次', 'My shifts')}</A></Empty> : (
      <form class="card" onSubmit={(e) => { e.preventDefault(); send(false); }}>
        <Select label={T('场次', 'Shift')} value={occ} onValue={setOcc}
          options={shifts.map((i) => ({ value: i.occurrenceId, label: `${titles[i.needId]?.title ?? T('需求', 'Need')} ${fmtTime(i.start)}` }))} />
        <div class="scan">
          {scanning ? <>
            <video ref={video} muted playsInline aria-label={T('相机画面：对准社区屏幕上的签到二维码', 'Camera: aim at the check-in QR code on the committee\'s screen')} />
            <Button kind="secondary" onClick={() => setScanning(false)}>{T('停止扫码', 'Stop scanning')}</Button>
          </> : <Button kind="secondary" onClick={() => setScanning(true)}>{T('打开相机扫码', 'Scan with the camera')}</Button>}
          <div class="field">
            <label for="qr-file">{T('或拍照 / 选择二维码图片', 'Or take / choose a photo of the code')}</label>
            <input id="qr-file" type="file" accept="image/*" capture="environment" onChange={fromFile} />
          </div>
        </div>
        <Input label={T('签到码（6 位，也可手动输入）', 'Check-in code (6 digits; may be typed)')} value={code} onValue={setCode} inputMode="numeric" pattern="[0-9]{6}" required autoComplete="off" />
        <p class="coords" aria-live="polite">{pos ? `${T('位置', 'Position')} ${pos.lat.toFixed(5)}, ${pos.lng.toFixed(5)} (GCJ-02)` : T('提交时将获取手机位置（须在服务地点 0.5 公里内）', 'Your position is taken on sending (within 0.5 km of the place)')}</p>
        <Button kind="secondary" busy={locating} onClick={() => locate()}>{T('获取位置', 'Get my position')}</Button>
        <div class="row">
          <Button type="submit" busy={busy}>{T('签到', 'Check in')}</Button>
          <Button kind="secondary" busy={busy} onClick={() => send(true)}>{T('签退', 'Check out')}</Button>
        </div>
      </form>
    )}</Show>
  );
}
