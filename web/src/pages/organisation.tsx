// An organisation's admins manage its details and members, and see its
// applications; its status is civil affairs' to change (read-only here).
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post, put, q } from '../api';
import { Link } from '../router';
import { label, roles, T, useGlobal } from '../state';
import type { ApplicationList, Member, Members, Organisation, RoleOffer } from '../types';
import { statusBadge, History } from './shared';
import {
  Badge, Button, Checks, Empty, Input, Section, Select, Show, TextArea, VocabSelect,
  fmtTime, useAction, useLoad, vocabOptions, yuan,
} from '../ui';

export function ownOrganisations(): string[] {
  return [...new Set([...roles('org_admin'), ...roles('charity_admin')].map((r) => r.organisationId!).filter(Boolean))];
}

export function OrganisationPage() {
  useGlobal();
  const ids = ownOrganisations();
  const [id, setId] = useState(ids[0] ?? '');
  if (!id) return <Empty>{T('账号未绑定机构。', 'This account is bound to no organisation.')}</Empty>;
  return (
    <>
      {ids.length > 1 && <Select label={T('机构', 'Organisation')} value={id} onValue={setId} options={ids.map((x) => ({ value: x, label: x }))} />}
      <OrgDetails id={id} />
    </>
  );
}

function OrgDetails({ id }: { id: string }) {
  const org = useLoad(() => get<Organisation>(`/v1/organisations/${enc(id)}`), [id]);
  return (
    <Show l={org}>{(o) => (
      <>
        <div class="page-head">
          <h1>{o.name} {statusBadge('organisation_statuses', o.status)}</h1>
        </div>
        <p class="muted">{label('organisation_kinds', o.kind)} · {T('统一社会信用代码', 'Credit code')} {o.creditCode}
          {o.charityRecognised && <> · <Badge tone="ok">{T('已认定慈善组织', 'Recognised charity')} {o.charityRecognisedOn}</Badge></>}</p>
        <OrgForm org={o} onSaved={org.reload} />
        <Members id={o.id} kind={o.kind} />
        <Applications id={o.id} />
        <Section title={T('状态变更记录', 'Status history')}><History path={`/v1/organisations/${enc(o.id)}/history`} vocab="organisation_statuses" /></Section>
      </>
    )}</Show>
  );
}

function OrgForm({ org, onSaved }: { org: Organisation; onSaved: () => void }) {
  const form = (o: Organisation) => ({ ...o, divisionsServed: o.divisionsServed ?? [], domains: o.domains ?? [], beds: o.beds ? String(o.beds) : '' });
  const [f, setF] = useState(form(org));
  useEffect(() => setF(form(org)), [org]);
  const [save, busy] = useAction(async () => {
    await put(`/v1/organisations/${enc(org.id)}`, {
      name: f.name.trim(), kind: f.kind, creditCode: f.creditCode, divisionCode: f.divisionCode, divisionsServed: f.divisionsServed,
      domains: f.domains, contactName: f.contactName || undefined, contactPhone: f.contactPhone || undefined,
      description: f.description || undefined, beds: f.beds ? parseInt(f.beds, 10) : undefined,
    });
    onSaved();
    return T('机构信息已保存', 'Organisation saved');
  });
  const set = (p: Partial<typeof f>) => setF((prev) => ({ ...prev, ...p }));
  return (
    <Section title={T('机构信息', 'Details')}>
      <form class="form" onSubmit={(e) => { e.preventDefault(); save(); }}>
        <div class="grid">
          <Input label={T('名称', 'Name')} value={f.name} onValue={(v) => set({ name: v })} required class="wide" />
          <VocabSelect vocab="organisation_kinds" label={T('类型', 'Kind')} value={f.kind} onValue={(v) => set({ kind: v })} />
          <Input label={T('登记区划代码', 'Registration division')} value={f.divisionCode} onValue={(v) => set({ divisionCode: v })} pattern="[0-9]{4,9}" required />
          <Input label={T('联系人', 'Contact')} value={f.contactName ?? ''} onValue={(v) => set({ contactName: v })} />
          <Input label={T('联系电话', 'Contact phone')} value={f.contactPhone ?? ''} onValue={(v) => set({ contactPhone: v })} type="tel" pattern="1[3-9][0-9]{9}" />
          {f.kind === 'elder_care_facility' && <Input label={T('床位数', 'Beds')} type="number" min={0} value={f.beds} onValue={(v) => set({ beds: v })} />}
          <TextArea label={T('简介', 'Description')} value={f.description ?? ''} onValue={(v) => set({ description: v })} />
        </div>
        <details>
          <summary>{T('服务领域', 'Domains')} ({f.domains.length})</summary>
          <Checks legend={T('服务领域', 'Domains')} options={vocabOptions('domains')} value={f.domains} onValue={(v) => set({ domains: v })} columns />
        </details>
        <Button type="submit" busy={busy}>{T('保存', 'Save')}</Button>
      </form>
    </Section>
  );
}

function Members({ id, kind }: { id: string; kind: string }) {
  const m = useLoad(() => get<Members>(`/v1/organisations/${enc(id)}/members` + q({ limit: 100 })), [id]);
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState('social_worker');
  const [add, busy] = useAction(async () => {
    // An admin's add is an invitation the person accepts (202); civil
    // affairs may add someone at once (201).
    const res = await post<Member | RoleOffer>(`/v1/organisations/${enc(id)}/members`, { phone: phone.trim(), role });
    setPhone('');
    m.reload();
    return res && 'status' in res && res.status === 'pending'
      ? T('邀请已发送，本人接受后成为成员', 'Invitation sent: they become a member once they accept')
      : T('成员已添加', 'Member added');
  });
  const roleOpts = ['social_worker', kind === 'charity_organisation' ? 'charity_admin' : 'org_admin', 'evaluator'].map((r) => ({ value: r, label: label('roles', r) }));
  return (
    <Section title={T('成员', 'Members')}>
      <Show l={m}>{(r) => !r.items?.length ? <Empty>{T('暂无成员。', 'No members.')}</Empty> : (
        <table>
          <thead><tr><th>{T('姓名', 'Name')}</th><th>{T('手机号', 'Phone')}</th><th>{T('角色', 'Role')}</th><th>{T('加入时间', 'Added')}</th></tr></thead>
          <tbody>{r.items.map((x) => <tr key={x.accountId + x.role}><td>{x.name}</td><td>{x.phone}</td><td>{label('roles', x.role)}</td><td>{fmtTime(x.addedAt)}</td></tr>)}</tbody>
        </table>
      )}</Show>
      <form class="row" onSubmit={(e) => { e.preventDefault(); add(); }}>
        <Input label={T('手机号（本人接受邀请后加入）', 'Phone (they join once they accept)')} value={phone} onValue={setPhone} type="tel" pattern="1[3-9][0-9]{9}" required />
        <Select label={T('角色', 'Role')} value={role} onValue={setRole} options={roleOpts} />
        <Button type="submit" kind="secondary" busy={busy}>{T('邀请成员', 'Invite member')}</Button>
      </form>
    </Section>
  );
}

function Applications({ id }: { id: string }) {
  const a = useLoad(() => get<ApplicationList>('/v1/applications' + q({ organisationId: id, limit: 50 })), [id]);
  return (
    <Section title={T('本机构的项目申请', 'Our applications')} actions={<Link to="/applications" class="button secondary">{T('全部申请与起草', 'All applications and drafts')}</Link>}>
      <Show l={a}>{(r) => !r.items?.length ? <Empty>{T('暂无申请。', 'No applications.')}</Empty> : (
        <table>
          <thead><tr><th>{T('项目', 'Project')}</th><th>{T('申请金额', 'Requested')}</th><th>{T('资助', 'Granted')}</th><th>{T('状态', 'Status')}</th></tr></thead>
          <tbody>{r.items.map((x) => <tr key={x.id}><td><Link to={`/applications/${enc(x.id)}`}>{x.title}</Link>{x.competitionId && <Badge>{T('创投', 'competition')}</Badge>}</td><td>{yuan(x.requestedFen)}</td><td>{yuan(x.grantedFen)}</td><td>{applicationStatus(x.status)}</td></tr>)}</tbody>
        </table>
      )}</Show>
    </Section>
  );
}

const APP_STATUS: Record<string, [string, string]> = {
    draft: ['草稿', 'draft'], submitted: ['已提交', 'submitted'], procurement: ['采购评审', 'procurement'], approved: ['已批准', 'approved'],
    running: ['执行中', 'running'], completed: ['已完成', 'completed'], evaluated: ['已评估', 'evaluated'], rejected: ['已驳回', 'rejected'],
    withdrawn: ['已撤回', 'withdrawn'], not_awarded: ['未获奖', 'not awarded'], ineligible: ['不符合资格', 'ineligible'],
};

/** applicationStatusText is an application status in words (filters show words, never codes). */
export function applicationStatusText(s: string): string {
  return APP_STATUS[s] ? T(APP_STATUS[s][0], APP_STATUS[s][1]) : s;
}

export function applicationStatus(s: string) {
  const tone = ['approved', 'running', 'completed', 'evaluated'].includes(s) ? 'ok' : ['rejected', 'ineligible', 'withdrawn'].includes(s) ? 'bad' : s === 'submitted' ? 'info' : 'plain';
  return <Badge tone={tone}>{applicationStatusText(s)}</Badge>;
}
