// What the needs pages share: the need's shape, the linkage plan's and the
// community the committee is working in.
import { useState } from 'preact/hooks';
import type { LatLng } from '../../map';
import { roles } from '../../state';

export interface Occurrence { id: string; start: string; end: string }
export interface Need {
  id: string; communityCode: string; communityName: string; countyCode: string; title: string; description?: string;
  domain: string; tasks: string[]; targetGroup: string; beneficiaries: number; location: LatLng; address?: string; radiusKm: number;
  window?: { start: string; end: string }; schedule?: { weekdays: number[]; start: string; end: string; from: string; until: string };
  occurrences: Occurrence[]; requiredSkills: { code: string; level: number }[]; headcount: number; backgroundCheck: boolean;
  highRisk: boolean; supervisorLevel: string; budgetFen: number; insuranceProvided: boolean; status: string; createdAt: string;
}

export interface Plan {
  needId: string; confirmed: boolean; confirmedAt?: string; headcount: number; filled: Record<string, number>; organisationId?: string;
  fundId?: string; grantId?: string; supervisor?: { id: string; name: string; phone: string }; supervisorState?: string;
  volunteers: { id: string; name: string; phone: string }[];
  assignments: { id: string; occurrenceId: string; volunteerId: string; placeNo: number; start: string; end: string; status: string }[];
}

export interface Part { part: string; points: number; max: number; zh: string; en: string }

export function useCommunity(): [string, (c: string) => void, string[]] {
  const codes = roles('community_admin').map((r) => r.communityCode!).filter(Boolean);
  const [c, setC] = useState(codes[0] ?? '');
  return [c, setC, codes];
}
