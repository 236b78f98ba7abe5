// The shell: header (account, language switch, logout), navigation by role,
// the notice line, and the page for the current path.
import { useEffect } from 'preact/hooks';
import { loadVocabularies, logout } from './api';
import { Link, match, navigate, route } from './router';
import { hasRole, hasTarget, notify, rememberTarget, takeTarget, T, update, useGlobal } from './state';
import { LoginPage } from './pages/login';
import { NeedsPage, NeedFormPage, NeedPage, CheckinCodePage } from './pages/needs';
import { HoursPage } from './pages/hours';
import { OrganisationPage } from './pages/organisation';
import { FundsPage, FundFormPage, FundPage } from './pages/funds';
import { CompetitionsPage, CompetitionFormPage, CompetitionPage } from './pages/competitions';
import { ReviewsPage, ReviewCompetitionPage, ReviewEntryPage } from './pages/review';
import { ApplicationsPage, ApplicationFormPage, ApplicationPage, OrgEvaluationsPage, EvaluatorPage, EvaluatePage } from './pages/applications';
import { DashboardPage } from './pages/dashboard';
import { ComplaintsPage, OrganisationsAdminPage } from './pages/civil';

interface NavItem { to: string; zh: string; en: string; roles: string[] }

const NAV: NavItem[] = [
  { to: '/needs', zh: '社区需求', en: 'Needs', roles: ['community_admin'] },
  { to: '/hours', zh: '服务时长核实', en: 'Verify hours', roles: ['community_admin'] },
  { to: '/dashboard', zh: '民政驾驶舱', en: 'Dashboard', roles: ['civil_affairs'] },
  { to: '/complaints', zh: '投诉处理', en: 'Complaints', roles: ['civil_affairs'] },
  { to: '/organisations', zh: '机构管理', en: 'Organisations', roles: ['civil_affairs'] },
  { to: '/organisation', zh: '本机构', en: 'My organisation', roles: ['org_admin', 'charity_admin'] },
  { to: '/applications', zh: '项目申请', en: 'Applications', roles: ['org_admin', 'charity_admin'] },
  { to: '/evaluations', zh: '评估结果', en: 'Evaluations', roles: ['org_admin', 'charity_admin'] },
  { to: '/funds', zh: '资金与申请', en: 'Funds & applications', roles: ['charity_admin', 'civil_affairs'] },
  { to: '/competitions', zh: '公益创投大赛', en: 'Competitions', roles: ['charity_admin', 'civil_affairs'] },
  { to: '/reviews', zh: '我的评审', en: 'My reviews', roles: ['reviewer'] },
  { to: '/evaluate', zh: '绩效评估', en: 'Project evaluations', roles: ['evaluator'] },
];

// Where each role starts, the first role held winning in this order.
const HOME: [string, string][] = [
  ['civil_affairs', '/dashboard'], ['community_admin', '/needs'], ['charity_admin', '/funds'], ['org_admin', '/organisation'], ['reviewer', '/reviews'], ['evaluator', '/evaluate'],
];

type Page = (p: any) => preact.JSX.Element;

const ROUTES: [string, Page][] = [
  ['/needs', NeedsPage],
  ['/needs/new', NeedFormPage],
  ['/needs/:id', NeedPage],
  ['/needs/:id/edit', NeedFormPage],
  ['/needs/:id/code/:occ', CheckinCodePage],
  ['/hours', HoursPage],
  ['/organisation', OrganisationPage],
  ['/applications', ApplicationsPage],
  ['/applications/new', ApplicationFormPage],
  ['/applications/:id', ApplicationPage],
  ['/evaluations', OrgEvaluationsPage],
  ['/evaluate', EvaluatorPage],
  ['/evaluate/:id', EvaluatePage],
  ['/funds', FundsPage],
  ['/funds/new', FundFormPage],
  ['/funds/:id', FundPage],
  ['/competitions', CompetitionsPage],
  ['/competitions/new', CompetitionFormPage],
  ['/competitions/:id', CompetitionPage],
  ['/reviews', ReviewsPage],
  ['/reviews/:cid', ReviewCompetitionPage],
  ['/reviews/:cid/:entryId', ReviewEntryPage],
  ['/dashboard', DashboardPage],
  ['/complaints', ComplaintsPage],
  ['/organisations', OrganisationsAdminPage],
];

export function App() {
  const s = useGlobal();
  useEffect(() => {
    loadVocabularies().catch(() => notify('error', T('词表加载失败', 'Could not load the vocabularies')));
  }, [s.lang]);
  useEffect(() => {
    if (!s.notice) return;
    const at = s.notice.at;
    const t = setTimeout(() => { if (s.notice?.at === at) update({ notice: null }); }, s.notice.kind === 'ok' ? 4000 : 10000);
    return () => clearTimeout(t);
  }, [s.notice?.at]);

  const path = route();
  if (!s.session) {
    if (path !== '/login') {
      rememberTarget(path + location.search); // back here after logging in
      setTimeout(() => navigate('/login', true));
    }
    return <Frame><LoginPage /></Frame>;
  }
  const nav = NAV.filter((n) => hasRole(...n.roles));
  if (path === '/' || path === '/login') {
    // Just logged in, or at the root: where the person was going (a deep
    // link, the page their session expired on), else their role's home.
    // Decided once, when the timer fires, so that renders in between agree.
    const home = HOME.find(([role]) => hasRole(role));
    if (home || hasTarget()) setTimeout(() => { if (route() === path) navigate(takeTarget() ?? home?.[1] ?? '/', true); });
    else return <Frame nav={nav}><NoConsole /></Frame>;
  }
  for (const [pattern, Page] of ROUTES) {
    const params = match(pattern, path);
    if (params) {
      if (pattern === '/needs/:id/code/:occ') return <Page {...params} />; // full screen
      return <Frame nav={nav}><Page {...params} /></Frame>;
    }
  }
  return <Frame nav={nav}><p>{T('页面不存在。', 'No such page.')} <Link to="/">{T('返回首页', 'Home')}</Link></p></Frame>;
}

function Frame({ nav, children }: { nav?: NavItem[]; children: preact.ComponentChildren }) {
  const s = useGlobal();
  const path = route();
  const acct = s.session?.account;
  return (
    <>
      <a class="skip" href="#main">{T('跳到正文', 'Skip to content')}</a>
      <header class="top">
        <Link to="/" class="brand">{T('五社联动工作台', 'Wushe console')}</Link>
        <div class="who">
          {acct && <span>{acct.name} · <span class="muted">{(acct.roles ?? []).map((r) => roleName(r.role)).filter((v, i, a) => a.indexOf(v) === i).join('、')}</span></span>}
          <button type="button" class="secondary" lang={s.lang === 'en' ? 'zh-CN' : 'en'}
            onClick={() => update({ lang: s.lang === 'en' ? 'zh' : 'en' })}>
            {s.lang === 'en' ? '中文' : 'English'}
          </button>
          {acct && <button type="button" class="secondary" onClick={() => logout().then(() => navigate('/login'))}>{T('退出', 'Log out')}</button>}
        </div>
      </header>
      <div class="layout">
        {nav && nav.length > 0 && (
          <nav aria-label={T('主导航', 'Main')}>
            <ul>
              {nav.map((n) => (
                <li key={n.to}>
                  <Link to={n.to} aria-current={path === n.to || path.startsWith(n.to + '/') ? 'page' : undefined}>{s.lang === 'en' ? n.en : n.zh}</Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <main id="main" tabIndex={-1}>{children}</main>
      </div>
      <div class={'notice' + (s.notice ? ' ' + s.notice.kind : '')} role={s.notice?.kind === 'error' ? 'alert' : 'status'} aria-live="polite">
        {s.notice && (<><span>{s.notice.text}</span><button type="button" class="link" onClick={() => update({ notice: null })} aria-label={T('关闭提示', 'Dismiss')}>×</button></>)}
      </div>
    </>
  );
}

function NoConsole() {
  return (
    <div class="card">
      <h1>{T('欢迎', 'Welcome')}</h1>
      <p>{T('本工作台面向社区居委会、社会组织、慈善组织、评审专家、评估机构和民政部门。志愿者与社工请使用小程序。',
        'This console is for community committees, organisations, charities, reviewers, evaluation institutions and civil affairs. Volunteers and social workers use the mini-program.')}</p>
    </div>
  );
}

export function roleName(role: string): string {
  const names: Record<string, [string, string]> = {
    community_admin: ['社区居委会', 'Committee'], org_admin: ['机构管理员', 'Organisation admin'], charity_admin: ['慈善组织管理员', 'Charity admin'],
    reviewer: ['评审专家', 'Reviewer'], civil_affairs: ['民政部门', 'Civil affairs'], volunteer: ['志愿者', 'Volunteer'],
    social_worker: ['社会工作者', 'Social worker'], evaluator: ['评估机构', 'Evaluator'],
  };
  const n = names[role];
  return n ? T(n[0], n[1]) : role;
}
