// The organisation's applications, newest first, with their status; a new
// draft starts here.
import { useState } from 'preact/hooks';
import { enc, get, q } from '../../api';
import { Link } from '../../router';
import { T, useGlobal } from '../../state';
import type { Application, ApplicationList, FundList } from '../../types';
import { Badge, Button, Empty, Select, Show, fmtTime, useLoad, yuan } from '../../ui';
import { applicationStatus, applicationStatusText, ownOrganisations } from '../organisation';

const STATUSES = ['draft', 'submitted', 'procurement', 'approved', 'running', 'completed', 'evaluated', 'rejected', 'withdrawn', 'not_awarded', 'ineligible'];

export function ApplicationsPage() {
  useGlobal();
  const orgs = ownOrganisations();
  const [org, setOrg] = useState(orgs[0] ?? '');
  const [status, setStatus] = useState('');
  const [items, setItems] = useState<Application[]>([]);
  const [next, setNext] = useState('');
  const page = (cursor = '') => get<ApplicationList>('/v1/applications' + q({ organisationId: org, status, limit: 50, cursor }));
  const l = useLoad(async () => {
    const r = await page();
    setItems(r.items ?? []); setNext(r.nextCursor);
    return r;
  }, [org, status]);
  const more = async () => {
    const r = await page(next);
    setItems([...items, ...(r.items ?? [])]); setNext(r.nextCursor);
  };
  const funds = useLoad(async () => new Map(((await get<FundList>('/v1/funds' + q({ limit: 100 }))).items ?? []).map((f) => [f.id, f.name])), []);
  if (!org) return <Empty>{T('账号未绑定机构。', 'This account is bound to no organisation.')}</Empty>;
  return (
    <>
      <div class="page-head">
        <h1>{T('项目申请', 'Applications')}</h1>
        <Link to="/applications/new" class="button primary">{T('新建申请', 'New application')}</Link>
      </div>
      <div class="filters">
        {orgs.length > 1 && <Select label={T('机构', 'Organisation')} value={org} onValue={setOrg} options={orgs.map((x) => ({ value: x, label: x }))} />}
        <Select label={T('状态', 'Status')} value={status} onValue={setStatus} empty={T('全部', 'All')}
          options={STATUSES.map((s) => ({ value: s, label: applicationStatusText(s) }))} />
      </div>
      <Show l={l}>{() => !items.length ? <Empty>{T('暂无申请。点击“新建申请”起草一份。', 'No applications. Start one with “New application”.')}</Empty> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th>{T('项目', 'Project')}</th><th>{T('资金', 'Fund')}</th><th>{T('申请金额', 'Requested')}</th><th>{T('资助', 'Granted')}</th><th>{T('状态', 'Status')}</th><th>{T('更新时间', 'Updated')}</th></tr></thead>
            <tbody>{items.map((x) => (
              <tr key={x.id}>
                <td><Link to={`/applications/${enc(x.id)}`}>{x.title}</Link> {x.competitionId && <Badge>{T('创投', 'competition')}</Badge>} {x.government && <Badge>{T('政府购买', 'purchase')}</Badge>}</td>
                <td>{funds.data?.get(x.fundId) ?? x.fundId}</td><td>{yuan(x.requestedFen)}</td><td>{x.grantedFen ? yuan(x.grantedFen) : '—'}</td>
                <td>{applicationStatus(x.status)}</td><td class="nowrap">{fmtTime(x.updatedAt)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}</Show>
      {next && <Button kind="secondary" onClick={more}>{T('更多', 'More')}</Button>}
    </>
  );
}
