// Log in with phone and password, or with an SMS code; after too many wrong
// passwords the wait counts down on the page (the service's Retry-After); a
// forgotten password is reset with an SMS code. After logging in the shell
// takes the person where they were going (a deep link, or the page a session
// expired on), else to their home (app.tsx).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, login, loginWithCode, requestCode, resetPassword } from '../api';
import { T } from '../state';
import { Button, Input, useAction } from '../ui';

type Mode = 'password' | 'code' | 'reset';

export function LoginPage() {
  const [mode, setMode] = useState<Mode>('password');
  const [phone, setPhone] = useState('');
  const p = { phone, setPhone, setMode };
  if (mode === 'code') return <CodeLogin {...p} />;
  if (mode === 'reset') return <ResetPassword {...p} />;
  return <PasswordLogin {...p} />;
}

interface Props { phone: string; setPhone: (v: string) => void; setMode: (m: Mode) => void }

/** useCountdown is the seconds left of a wait, ticking once a second. */
function useCountdown(): [number, (secs: number) => void] {
  const [until, setUntil] = useState(0);
  const [, tick] = useState(0);
  useEffect(() => {
    if (until <= Date.now()) return;
    const t = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [until]);
  return [Math.max(0, Math.ceil((until - Date.now()) / 1000)), (secs) => setUntil(Date.now() + secs * 1000)];
}

function waitText(secs: number): string {
  const m = Math.floor(secs / 60), s = secs % 60;
  return m > 0 ? T(`${m} 分 ${s} 秒`, `${m} min ${s} s`) : T(`${s} 秒`, `${s} s`);
}

/** waitOn starts the countdown when e is a 429 with a Retry-After, and throws e on. */
function waitOn(e: unknown, setWait: (secs: number) => void): never {
  if (e instanceof ApiError && e.status === 429 && e.retryAfter > 0) setWait(e.retryAfter);
  throw e;
}

const PhoneInput = ({ phone, setPhone }: Pick<Props, 'phone' | 'setPhone'>) => (
  <Input label={T('手机号', 'Phone')} value={phone} onValue={setPhone} type="tel" autoComplete="username" inputMode="numeric" required pattern="1[3-9][0-9]{9}" />
);

/** CodeField is the SMS code's input with the button that sends it (for purpose) and counts down to a resend. */
function CodeField({ phone, purpose, code, setCode }: { phone: string; purpose: 'login' | 'reset_password'; code: string; setCode: (v: string) => void }) {
  const [resend, setResend] = useCountdown();
  const [send, sending] = useAction(async () => {
    if (!/^1[3-9][0-9]{9}$/.test(phone.trim())) throw new Error(T('请填写 11 位手机号', 'Enter the 11-digit phone number'));
    await requestCode(phone.trim(), purpose).catch((e) => waitOn(e, setResend));
    setResend(60);
    return T('如该手机号已注册，验证码已发送（5 分钟内有效）', 'If the phone has an account, a code was sent (valid 5 minutes)');
  });
  return (
    <div class="row">
      <Input label={T('短信验证码', 'SMS code')} value={code} onValue={setCode} inputMode="numeric" autoComplete="one-time-code" required pattern="[0-9]{6}" />
      <Button kind="secondary" busy={sending} disabled={resend > 0} onClick={() => send()}>
        {resend > 0 ? T(`${resend} 秒后可重发`, `Resend in ${resend} s`) : T('发送验证码', 'Send a code')}
      </Button>
    </div>
  );
}

function PasswordLogin({ phone, setPhone, setMode }: Props) {
  const [password, setPassword] = useState('');
  const [wait, setWait] = useCountdown();
  const [run, busy] = useAction(async () => {
    await login(phone.trim(), password).catch((e) => waitOn(e, setWait));
  });
  return (
    <div class="login card">
      <h1>{T('登录', 'Log in')}</h1>
      <p class="muted">{T('社区居委会、社会组织、慈善组织、评审专家与民政部门使用手机号和密码登录。',
        'Committees, organisations, charities, reviewers and civil affairs log in with phone and password.')}</p>
      <form onSubmit={(e) => { e.preventDefault(); run(); }}>
        <PhoneInput phone={phone} setPhone={setPhone} />
        <Input label={T('密码', 'Password')} value={password} onValue={setPassword} type="password" autoComplete="current-password" required />
        {wait > 0 && (
          <p class="wait" role="timer" aria-live="off">
            {T('密码错误次数过多，请等待 ', 'Too many wrong passwords: wait ')}<strong>{waitText(wait)}</strong>
            {T('，或用短信验证码登录、重设密码。', ', or log in or reset the password with an SMS code.')}
          </p>
        )}
        <Button type="submit" busy={busy} disabled={wait > 0}>{T('登录', 'Log in')}</Button>{' '}
        <button type="button" class="link" onClick={() => setMode('code')}>{T('验证码登录', 'Log in with an SMS code')}</button>{' '}
        <button type="button" class="link" onClick={() => setMode('reset')}>{T('忘记密码？', 'Forgot the password?')}</button>
      </form>
    </div>
  );
}

function CodeLogin({ phone, setPhone, setMode }: Props) {
  const [code, setCode] = useState('');
  const [run, busy] = useAction(() => loginWithCode(phone.trim(), code.trim()));
  return (
    <div class="login card">
      <h1>{T('验证码登录', 'Log in with an SMS code')}</h1>
      <form onSubmit={(e) => { e.preventDefault(); run(); }}>
        <PhoneInput phone={phone} setPhone={setPhone} />
        <CodeField phone={phone} purpose="login" code={code} setCode={setCode} />
        <Button type="submit" busy={busy}>{T('登录', 'Log in')}</Button>{' '}
        <button type="button" class="link" onClick={() => setMode('password')}>{T('用密码登录', 'Log in with the password')}</button>
      </form>
    </div>
  );
}

function ResetPassword({ phone, setPhone, setMode }: Props) {
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [save, saving] = useAction(async () => {
    if (password !== again) throw new Error(T('两次输入的新密码不一致', 'The two new passwords differ'));
    await resetPassword(phone.trim(), code.trim(), password);
    setMode('password');
    return T('密码已重设，请用新密码登录', 'Password reset: log in with the new one');
  });
  return (
    <div class="login card">
      <h1>{T('重设密码', 'Reset the password')}</h1>
      <p class="muted">{T('向手机号发送验证码，验证后设置新密码；该账号的其他登录会全部退出。',
        'A code is texted to the phone; with it, set a new password. Every other login of the account ends.')}</p>
      <form onSubmit={(e) => { e.preventDefault(); save(); }}>
        <PhoneInput phone={phone} setPhone={setPhone} />
        <CodeField phone={phone} purpose="reset_password" code={code} setCode={setCode} />
        <Input label={T('新密码', 'New password')} value={password} onValue={setPassword} type="password" autoComplete="new-password" required minLength={8}
          hint={T('至少 8 位，不能全为数字', 'At least 8 characters, not all digits')} />
        <Input label={T('再次输入新密码', 'New password again')} value={again} onValue={setAgain} type="password" autoComplete="new-password" required minLength={8} />
        <Button type="submit" busy={saving}>{T('重设密码', 'Reset the password')}</Button>{' '}
        <button type="button" class="link" onClick={() => setMode('password')}>{T('返回登录', 'Back to log in')}</button>
      </form>
    </div>
  );
}
