// What the needs pages share: the community the committee is working in.
import { useState } from 'preact/hooks';
import { roles } from '../../state';

export function useCommunity(): [string, (c: string) => void, string[]] {
  const codes = roles('community_admin').map((r) => r.communityCode!).filter(Boolean);
  const [c, setC] = useState(codes[0] ?? '');
  return [c, setC, codes];
}
