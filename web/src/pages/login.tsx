import { useState } from 'preact/hooks';
import { login } from '../api';
import { navigate } from '../router';
import { T } from '../state';
import { Button, Input, useAction } from '../ui';

export function LoginPage() {
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [run, busy] = useAction(async () => {
    await login(phone.trim(), password);
    navigate('/', true);
  });
  return (
    <div class="login card">
      <h1>{T('登录', 'Log in')}</h1>
      <p class="muted">{T('社区居委会、社会组织、慈善组织、评审专家与民政部门使用手机号和密码登录。',
        'Committees, organisations, charities, reviewers and civil affairs log in with phone and password.')}</p>
      <form onSubmit={(e) => { e.preventDefault(); run(); }}>
        <Input label={T('手机号', 'Phone')} value={phone} onValue={setPhone} type="tel" autoComplete="username" inputMode="numeric" required pattern="1[3-9][0-9]{9}" />
        <Input label={T('密码', 'Password')} value={password} onValue={setPassword} type="password" autoComplete="current-password" required />
        <Button type="submit" busy={busy}>{T('登录', 'Log in')}</Button>
      </form>
    </div>
  );
}
