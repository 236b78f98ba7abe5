// The service object's feedback on a completed need.
import { useState } from 'preact/hooks';
import { enc, get, post } from '../../api';
import { T } from '../../state';
import { Button, Input, Section, TextArea, useAction, useLoad } from '../../ui';
import type { Need, NeedPlan } from '../../types';

export function Feedback({ need }: { need: Need }) {
  const p = useLoad(() => get<NeedPlan>(`/v1/needs/${enc(need.id)}/plan`), [need.id]);
  const [rating, setRating] = useState('5');
  const [comment, setComment] = useState('');
  const [about, setAbout] = useState('');
  const [send, busy] = useAction(async () => {
    await post(`/v1/needs/${enc(need.id)}/feedback`, { rating: parseInt(rating, 10), comment: comment.trim() || undefined, about: about.trim() || p.data?.supervisor?.id || undefined });
    return T('反馈已记录', 'Feedback recorded');
  });
  const done = need.status === 'completed' || need.status === 'evaluated';
  return (
    <Section title={T('服务对象反馈', 'Service-object feedback')}>
      {!done && <p class="muted">{T('需求完成后可记录一次服务对象反馈。', 'Feedback can be recorded once, after the need is completed.')}</p>}
      <form onSubmit={(e) => { e.preventDefault(); send(); }}>
        <fieldset class="rating">
          <legend>{T('满意度', 'Satisfaction')}</legend>
          {[1, 2, 3, 4, 5].map((r) => (
            <label key={r}><input type="radio" name="rating" value={String(r)} checked={rating === String(r)} onChange={() => setRating(String(r))} /> {r}</label>
          ))}
        </fieldset>
        <Input label={T('针对的社会工作者（账号）', 'About social worker (account id)')} value={about} onValue={setAbout}
          placeholder={p.data?.supervisor ? `${p.data.supervisor.name} ${p.data.supervisor.id}` : ''} hint={T('缺省为本需求的督导社工', 'Defaults to the need\'s supervisor')} />
        <TextArea label={T('意见', 'Comment')} value={comment} onValue={setComment} />
        <Button type="submit" busy={busy} disabled={!done}>{T('提交反馈', 'Submit feedback')}</Button>
      </form>
    </Section>
  );
}
