// The volunteers' mobile app (/m/): the shell, its routes under /m/, log in
// and registration with an SMS code. It shares the console's API helper,
// state, building blocks and generated API types; the API alone decides.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, login, loginWithCode, post } from '../api';
import { notify, state, T, update, useGlobal } from '../state';
import { Button, Input } from '../ui';
import type { components } from '../generated/openapi';
import * as S from './screens';
import { A, go, route } from './nav';
import './m.css';

type SmsCode = components['schemas']['SmsCodeOutputBody'];

// up: where the back link goes (the home screen when none).
const screens: Record<string, { zh: string; en: string; view: () => preact.JSX.Element; up?: string }> = {
  '/': { zh: '我的', en: 'Me', view: () => <S.Home /> },
  '/profile': { zh: '实名与技能', en: 'Profile and skills', view: () => <S.Profile /> },
  '/availability': { zh: '每周可服务时间', en: 'Weekly availability', view: () => <S.Availability /> },
  '/home-point': { zh: '常驻地点', en: 'Home point', view: () => <S.HomePoint /> },
  '/needs': { zh: '附近需求', en: 'Needs near me', view: () => <S.Needs /> },
  '/need': { zh: '需求详情', en: 'Need', view: () => <S.NeedDetail />, up: '/needs' },
  '/invitations': { zh: '邀请', en: 'Invitations', view: () => <S.Invitations /> },
  '/shifts': { zh: '我的场次', en: 'My shifts', view: () => <S.Shifts /> },
  '/checkin': { zh: '扫码签到', en: 'Check in', view: () => <S.Checkin /> },
  '/hours': { zh: '服务时长', en: 'My hours', view: () => <S.Hours /> },
  '/hours/report': { zh: '自报服务时长', en: 'Report hours', view: () => <S.ReportHours />, up: '/hours' },
  '/pathway': { zh: '职业水平路径', en: 'Pathway to the certificate', view: () => <S.Pathway /> },
  '/training': { zh: '登记培训', en: 'Record training', view: () => <S.AddTraining />, up: '/pathway' },
  '/record': { zh: '服务记录证明', en: 'Service record', view: () => <S.Record /> },
  '/notifications': { zh: '通知', en: 'Notifications', view: () => <S.Notifications /> },
  '/data': { zh: '我的数据', en: 'My data', view: () => <S.MyData /> },
};

function App() {
  const g = useGlobal();
  const r = route();
  useEffect(() => { if (!g.vocab.size) S.loadVocab(); }, []);
  // The public verification page needs no login.
  if (r === '/verify') return <Shell title={T('核验服务记录证明', 'Check a service record')}><S.Verify /></Shell>;
  if (!g.session) {
    if (r === '/register') return <Shell title={T('注册志愿者', 'Register')}><Register /></Shell>;
    return <Shell title={T('志愿者登录', 'Volunteer log in')}><Login /></Shell>;
  }
  const s = screens[r] ?? screens['/'];
  return <Shell title={T(s.zh, s.en)} back={r !== '/' && screens[r] ? s.up ?? '/' : undefined}>{s.view()}</Shell>;
}

function Shell({ title, back, children }: { title: string; back?: string; children: preact.ComponentChildren }) {
  useEffect(() => { document.title = `${title} · ${T('五社联动志愿者', 'Wushe volunteers')}`; }, [title]);
  const n = state.notice;
  return (
    <>
      <header class="bar">
        {back ? <A to={back} cls="back"><span aria-hidden="true">‹</span> {T('返回', 'Back')}</A> : <span class="brand">{T('五社联动', 'Wushe')}</span>}
        <button type="button" class="lang" onClick={() => update({ lang: state.lang === 'en' ? 'zh' : 'en' })}
          lang={state.lang === 'en' ? 'zh-CN' : 'en'}>{state.lang === 'en' ? '中文' : 'English'}</button>
      </header>
      <main id="main">
        <h1>{title}</h1>
        <div aria-live="polite" class="live">
          {n && <p class={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>{n.text}</p>}
        </div>
        {children}
      </main>
    </>
  );
}

function Login() {
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [byCode, setByCode] = useState(false);
  const [busy, setBusy] = useState(false);
  const codes = useSendCode(phone, 'login');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      if (byCode) await loginWithCode(phone.trim(), code.trim());
      else await login(phone.trim(), password);
      update({ notice: null });
      if (route() === '/login') go('/');
    } catch (err) {
      notify('error', err instanceof Error ? err.message : String(err));
    } finally { setBusy(false); }
  };
  return (
    <form class="card" onSubmit={submit}>
      <Input label={T('手机号', 'Phone')} value={phone} onValue={setPhone} type="tel" inputMode="numeric" autoComplete="username" required />
      {byCode ? (
        <>
          <SendCodeButton {...codes} phone={phone} />
          <Input label={T('短信验证码', 'SMS code')} value={code} onValue={setCode} inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required />
        </>
      ) : <Input label={T('密码', 'Password')} value={password} onValue={setPassword} type="password" autoComplete="current-password" required />}
      <Button type="submit" busy={busy}>{T('登录', 'Log in')}</Button>
      <p class="center">
        <button type="button" class="link" onClick={() => setByCode(!byCode)}>
          {byCode ? T('用密码登录', 'Log in with the password') : T('用短信验证码登录', 'Log in with an SMS code')}
        </button>
      </p>
      <p class="center">{T('还没有账号？', 'No account yet?')} <A to="/register">{T('用短信验证码注册', 'Register with an SMS code')}</A></p>
    </form>
  );
}

/** useSendCode sends a code for purpose to the phone, says so, and counts down to a resend. */
function useSendCode(phone: string, purpose: 'register' | 'login') {
  const [wait, setWait] = useState(0);
  const [sent, setSent] = useState(false);
  useEffect(() => {
    if (wait <= 0) return;
    const t = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(t);
  }, [wait]);
  const send = async () => {
    try {
      const r = await post<SmsCode>('/v1/auth/sms-codes', { phone: phone.trim(), purpose }, { anonymous: true });
      setSent(true);
      setWait(r.resendAfter);
      notify('ok', T(`验证码已发送，${Math.round(r.expiresIn / 60)} 分钟内有效`, `Code sent; valid for ${Math.round(r.expiresIn / 60)} minutes`));
    } catch (e) { notify('error', (e as Error).message); }
  };
  return { send, wait, sent };
}

function SendCodeButton({ send, wait, sent, phone }: ReturnType<typeof useSendCode> & { phone: string }) {
  return (
    <Button kind="secondary" onClick={send} disabled={wait > 0 || !/^1\d{10}$/.test(phone.trim())}>
      {wait > 0 ? T(`${wait} 秒后可重发`, `Resend in ${wait} s`) : sent ? T('重新发送验证码', 'Send the code again') : T('发送验证码', 'Send the code')}
    </Button>
  );
}

function Register() {
  const [f, setF] = useState({ phone: '', code: '', name: '', password: '' });
  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const [busy, setBusy] = useState(false);
  const codes = useSendCode(f.phone, 'register');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await post('/v1/auth/register', { phone: f.phone.trim(), code: f.code.trim(), name: f.name.trim(), password: f.password }, { anonymous: true });
      await login(f.phone.trim(), f.password);
      go('/profile');
      notify('ok', T('注册成功，请填写实名与技能', 'Registered: now fill in your profile'));
    } catch (err) {
      notify('error', err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally { setBusy(false); }
  };
  return (
    <form class="card" onSubmit={submit}>
      <Input label={T('手机号', 'Phone')} value={f.phone} onValue={set('phone')} type="tel" inputMode="numeric" autoComplete="tel" required pattern="1[0-9]{10}" />
      <SendCodeButton {...codes} phone={f.phone} />
      <Input label={T('短信验证码', 'SMS code')} value={f.code} onValue={set('code')} inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required />
      <Input label={T('姓名', 'Name')} value={f.name} onValue={set('name')} autoComplete="name" required />
      <Input label={T('设置密码（至少 8 位）', 'Password (8+ characters)')} value={f.password} onValue={set('password')} type="password" autoComplete="new-password" minLength={8} required />
      <Button type="submit" busy={busy}>{T('注册', 'Register')}</Button>
      <p class="center"><A to="/">{T('已有账号，去登录', 'I have an account: log in')}</A></p>
    </form>
  );
}

// Keep the account fresh on start (a stale session falls back to the login).
if (state.session) get('/v1/me').catch(() => undefined);
document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
render(<App />, document.getElementById('app')!);
