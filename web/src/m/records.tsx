// What the work leaves: hours and disputes, the pathway, the signed record and its
// public verification, notifications, the person's data.
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post } from '../api';
import { label, T } from '../state';
import { Badge, Button, Empty, Input, Show, TextArea, fmtTime, useAction, useLoad } from '../ui';
import { A, go, signOut } from './nav';
import { TrainingList } from './report';
import { STATUS, errText, useTitles, type Sc, type Pathway, type ServiceRecord, type Notification, type Verified } from './common';

// ---- hours ----

/** SOURCES name how a record was made. */
const SOURCES: Record<string, [string, string]> = {
  checkin: ['扫码签到', 'check-in'], marked: ['社区登记', 'marked by the committee'], self_report: ['自报', 'self-reported'], revision: ['更正', 'revision'],
};

export function Hours() {
  const l = useLoad(() => get<Sc['ListOutputHoursRecordDTOBody']>('/v1/me/hours?limit=100'), []);
  const titles = useTitles((l.data?.items ?? []).filter((h) => !h.needTitle).map((h) => h.needId));
  const [open, setOpen] = useState('');
  const [reason, setReason] = useState('');
  const [dispute, busy] = useAction(async (id: string) => {
    await post(`/v1/hours/${enc(id)}/disputes`, { reason: reason.trim() });
    setOpen(''); setReason('');
    l.reload();
    return T('异议已提交，社区将复核', 'Dispute sent: the committee will review it');
  });
  return (
    <Show l={l}>{(r) => {
      const items = r.items ?? [];
      const total = items.filter((h) => h.status === 'verified').reduce((a, h) => a + h.hours, 0);
      const pending = items.filter((h) => h.status === 'pending').reduce((a, h) => a + h.hours, 0);
      return (
        <>
          <p class="card totals"><span><strong>{total}</strong> {T('小时已核实', 'h verified')}</span> <span><strong>{pending}</strong> {T('小时待核实', 'h pending')}</span></p>
          <p><A to="/hours/report" cls="button secondary">{T('签到未成功？自报时长', 'Check-in failed? Report hours')}</A></p>
          {!items.length && <Empty>{T('还没有服务时长记录。', 'No hours yet.')}</Empty>}
          <ul class="list">
            {items.map((h) => {
              const st = STATUS[h.status];
              return (
                <li key={h.id} class="card">
                  <h2>{h.needTitle ?? titles[h.needId]?.title ?? label('domains', h.domain)}</h2>
                  <p>{h.date} · {h.hours} {T('小时', 'h')} <Badge tone={st[2]}>{T(st[0], st[1])}</Badge>
                    {SOURCES[h.source] && <span class="muted"> · {T(SOURCES[h.source][0], SOURCES[h.source][1])}</span>}</p>
                  {h.rejectReason && <p class="muted">{T('驳回理由：', 'Reason: ')}{h.rejectReason}</p>}
                  {h.verifierName && <p class="muted">{T('核实人：', 'Verified by: ')}{h.verifierName}{h.verifierOrg ? ` · ${h.verifierOrg}` : ''}</p>}
                  {h.status !== 'pending' && (open === h.id ? (
                    <form onSubmit={(e) => { e.preventDefault(); dispute(h.id); }}>
                      <TextArea label={T('异议理由', 'Why you disagree')} value={reason} onValue={setReason} required />
                      <div class="row">
                        <Button type="submit" busy={busy}>{T('提交异议', 'Send the dispute')}</Button>
                        <Button kind="secondary" onClick={() => setOpen('')}>{T('取消', 'Cancel')}</Button>
                      </div>
                    </form>
                  ) : <Button kind="link" onClick={() => { setOpen(h.id); setReason(''); }}>{T('提出异议', 'Dispute')}</Button>)}
                </li>
              );
            })}
          </ul>
        </>
      );
    }}</Show>
  );
}

// ---- pathway and training ----

export function Pathway() {
  const l = useLoad(() => get<Pathway>('/v1/me/pathway'), []);
  return (
    <>
      <Show l={l}>{(p) => {
        const ce = p.continuingEducation;
        const list = (b?: { zh: string; en: string }[] | null) => (b ?? []).map((x) => T(x.zh, x.en)).filter(Boolean);
        const year = ce?.yearly?.find((y) => y.year === ce.year);
        const periods = ce ? [...(ce.national ?? []), ...(ce.local ? [ce.local] : [])] : [];
        return (
          <>
            {(p.eligibility ?? []).map((e) => (
              <section class="card" key={e.level} aria-label={T('报考资格', 'Exam eligibility') + ' ' + e.level}>
                <h2>{T('报考资格', 'Exam eligibility')}：{label('certificate_levels', e.level)}</h2>
                <p>{e.held ? <Badge tone="ok">{T('已持证', 'held')}</Badge> : e.eligibleNow ? <Badge tone="ok">{T(`可报考 ${e.examYear} 年考试`, `eligible for ${e.examYear}`)}</Badge>
                  : <Badge tone="warn">{T(`最早 ${e.earliestExamYear || '—'} 年可报考`, `earliest exam year ${e.earliestExamYear || '—'}`)}</Badge>}</p>
                <p>{T('已计社会工作年限：', 'Social-work time counted: ')}{e.counted.years} {T('年', 'y')} {e.counted.months} {T('个月', 'm')}</p>
                {!e.held && list(e.missing).length > 0 && <div class="missing"><strong>{T('还差：', 'Missing: ')}</strong><ul>{list(e.missing).map((m) => <li key={m}>{m}</li>)}</ul></div>}
                {list(e.notes).map((m) => <p class="muted" key={m}>{m}</p>)}
              </section>
            ))}
            <section class="card" aria-labelledby="third-h">
              <h2 id="third-h">{T('志愿服务', 'Volunteering')}</h2>
              <p>{T('已核实志愿服务', 'Verified volunteering')} {p.thirdPath.verifiedVolunteerHours} {T('小时', 'h')} · {T('督导下', 'supervised')} {p.thirdPath.supervisedHours} {T('小时', 'h')}</p>
            </section>
            {ce && (
              <section class="card" aria-labelledby="ce-h">
                <h2 id="ce-h">{T('继续教育', 'Continuing education')} {ce.year}</h2>
                {year && <p>{T('本年已记', 'This year')} {year.hours} {T('小时', 'h')}{year.unverified ? T(`（另有 ${year.unverified} 小时待核实）`, ` (${year.unverified} h unverified)`) : ''}</p>}
                {periods.map((c, i) => (
                  <p key={i}>{c.compliant ? <Badge tone="ok">{T('达标', 'met')}</Badge> : <Badge tone="warn">{T('未达标', 'not met')}</Badge>} {c.start}–{c.end}: {c.hours}/{c.required} {T('小时', 'h')} {list(c.missing).length > 0 && <span class="missing">· {list(c.missing).join('；')}</span>}</p>
                ))}
                {list(ce.notes).map((m) => <p class="muted" key={m}>{m}</p>)}
              </section>
            )}
          </>
        );
      }}</Show>
      <section class="card" aria-labelledby="tr-h">
        <h2 id="tr-h">{T('培训与继续教育', 'Training and continuing education')}</h2>
        <TrainingList />
        <A to="/training" cls="button secondary">{T('登记培训', 'Record training')}</A>
      </section>
    </>
  );
}

// ---- the signed service record and its public verification ----

function b64url(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  bytes.forEach((b) => { bin += String.fromCharCode(b); });
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(s: string): string {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

export function Record() {
  const l = useLoad(() => get<ServiceRecord>('/v1/me/service-record'), []);
  const [qr, setQr] = useState<{ url: string; img?: string; error?: string } | null>(null);
  useEffect(() => {
    if (!l.data) return;
    const url = `${location.origin}/m/verify#${b64url(JSON.stringify(l.data.signedStatement))}`;
    import('qrcode').then((QRCode) => QRCode.toDataURL(url, { errorCorrectionLevel: 'L', margin: 4, width: 480 })).then(
      (img) => setQr({ url, img }),
      () => setQr({ url, error: T('记录较多，二维码放不下：请用下面的链接分享。', 'Too many records for one QR code: share the link below.') }));
  }, [l.data]);
  return (
    <Show l={l}>{(r) => (
      <>
        <section class="card" aria-labelledby="tot-h">
          <h2 id="tot-h">{T('合计', 'Totals')}: {r.totals.hours} {T('小时', 'h')}</h2>
          <ul class="plain">
            {Object.entries(r.totals.byYear ?? {}).map(([y, h]) => <li key={y}>{y}: {String(h)} {T('小时', 'h')}</li>)}
            {Object.entries(r.totals.byDomain ?? {}).map(([d, h]) => <li key={d}>{label('domains', d)}: {String(h)} {T('小时', 'h')}</li>)}
          </ul>
        </section>
        <section class="card qr" aria-labelledby="qr-h">
          <h2 id="qr-h">{T('核验二维码', 'Verification QR code')}</h2>
          <p class="muted">{T('出示此二维码，对方扫码即可打开公开核验页，核对签名（Ed25519）。', 'Show this code: scanning it opens the public page that checks the signature (Ed25519).')}</p>
          {qr?.img && <img src={qr.img} width={240} height={240} alt={T('服务记录证明的核验二维码', 'QR code that verifies this service record')} />}
          {qr?.error && <p class="notice warn">{qr.error}</p>}
          {qr && <p><a href={qr.url}>{T('打开核验页', 'Open the verification page')}</a></p>}
        </section>
        <section class="card" aria-labelledby="rec-h">
          <h2 id="rec-h">{T('已核实的记录', 'Verified records')}</h2>
          {(r.records ?? []).length ? <ul class="plain">{(r.records ?? []).map((x) => <li key={x.id}>{x.date} {x.activity} · {x.hours} {T('小时', 'h')} · {x.verifierOrganisation}</li>)}</ul>
            : <Empty>{T('暂无已核实的记录。', 'No verified records yet.')}</Empty>}
        </section>
      </>
    )}</Show>
  );
}

export function Verify() {
  const [res, setRes] = useState<{ ok?: Verified; error?: string } | null>(null);
  useEffect(() => {
    (async () => {
      try {
        const statement = JSON.parse(unb64url(location.hash.slice(1)));
        setRes({ ok: await post<Verified>('/v1/service-records/verify', statement, { anonymous: true }) });
      } catch (e) { setRes({ error: e instanceof SyntaxError || e instanceof DOMException ? T('链接不完整，无法读取证明。', 'The link is incomplete: no record to check.') : errText(e) }); }
    })();
  }, []);
  if (!res) return <p class="muted" role="status">{T('核验中…', 'Checking…')}</p>;
  if (res.error) return <p class="notice error" role="alert">{res.error}</p>;
  const v = res.ok!;
  const s = v.statement;
  return (
    <section class="card">
      <p class={v.valid ? 'verdict ok' : 'verdict bad'} role="status">{v.valid ? T('✓ 签名有效：此证明由本平台签发，内容未被改动', '✓ Valid: issued by this service and unchanged') : T('✗ 签名无效：内容可能被改动', '✗ Invalid: the content may have been changed')}</p>
      <dl class="facts">
        <dt>{T('姓名', 'Name')}</dt><dd>{s.subject.name}</dd>
        <dt>{T('身份证号', 'ID number')}</dt><dd>{s.subject.idNumberMasked || '—'}</dd>
        <dt>{T('签发时间', 'Issued')}</dt><dd>{fmtTime(s.issuedAt)}</dd>
        <dt>{T('已核实服务时长', 'Verified hours')}</dt><dd>{s.totals.hours} {T('小时', 'h')}</dd>
        <dt>{T('记录条数', 'Records')}</dt><dd>{(s.records ?? []).length}</dd>
      </dl>
    </section>
  );
}

// ---- notifications ----

export function Notifications() {
  const l = useLoad(() => get<Sc['NotificationsOutputBody']>('/v1/me/notifications?limit=50'), []);
  const [read, busy] = useAction(async (n: Notification) => { await post(`/v1/me/notifications/${enc(n.id)}/read`); l.reload(); });
  return (
    <Show l={l}>{(r) => (r.items ?? []).length ? (
      <ul class="list">
        {(r.items ?? []).map((n) => (
          <li key={n.id} class={n.readAt ? 'card' : 'card unread'}>
            <h2>{!n.readAt && <span class="dot-unread" aria-hidden="true" />}{T(n.title, n.titleEn)}{!n.readAt && <span class="sr"> {T('（未读）', '(unread)')}</span>}</h2>
            <p>{T(n.body, n.bodyEn)}</p>
            <p class="muted">{fmtTime(n.createdAt)}</p>
            {!n.readAt && <Button kind="link" busy={busy} onClick={() => read(n)}>{T('标为已读', 'Mark read')}</Button>}
          </li>
        ))}
      </ul>
    ) : <Empty>{T('暂无通知。', 'No notifications.')}</Empty>}</Show>
  );
}

// ---- my data: export and erasure ----

export function MyData() {
  const [exp, exporting] = useAction(async () => {
    const data = await get('/v1/me/export');
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `wushe-my-data-${new Date().toISOString().slice(0, 10)}.json`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    return T('已下载我的全部数据', 'All my data downloaded');
  });
  const [password, setPassword] = useState('');
  const [sure, setSure] = useState(false);
  const [erase, erasing] = useAction(async () => {
    await post('/v1/me/deletion', { password });
    await signOut().catch(() => undefined);
    go('/');
    return T('账号已注销，个人信息已删除', 'Account closed and personal data erased');
  });
  return (
    <>
      <section class="card" aria-labelledby="exp-h">
        <h2 id="exp-h">{T('导出我的数据', 'Export my data')}</h2>
        <p class="muted">{T('下载平台保存的关于你的全部数据（JSON）。', 'Download everything the service holds about you (JSON).')}</p>
        <Button busy={exporting} onClick={() => exp()}>{T('下载', 'Download')}</Button>
      </section>
      <section class="card danger-zone" aria-labelledby="del-h">
        <h2 id="del-h">{T('注销账号并删除个人信息', 'Close my account and erase my data')}</h2>
        <p class="muted">{T('不可撤销：未开始的场次名额将释放；已核实的服务时长按规定匿名保留。', 'Cannot be undone: places in future shifts are freed; verified hours are kept anonymised as the rules require.')}</p>
        <form onSubmit={(e) => { e.preventDefault(); if (sure) erase(); }}>
          <Input label={T('输入密码确认', 'Your password, to confirm')} value={password} onValue={setPassword} type="password" autoComplete="current-password" required />
          <div class="check"><input type="checkbox" id="erase-sure" checked={sure} onChange={(e) => setSure((e.target as HTMLInputElement).checked)} /><label for="erase-sure">{T('我明白此操作不可撤销', 'I understand this cannot be undone')}</label></div>
          <Button type="submit" kind="danger" busy={erasing} disabled={!sure || !password}>{T('注销并删除', 'Close and erase')}</Button>
        </form>
      </section>
    </>
  );
}

