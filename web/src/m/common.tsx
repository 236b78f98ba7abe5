// Helpers the volunteers' screens share: the caller's profile, the phone's
// position in GCJ-02, a ticking clock, and the titles of needs.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, enc, get, loadVocabularies, api } from '../api';
import { T } from '../state';
import { type LatLng } from '../map';
import type { components } from '../generated/openapi';
import { A } from './nav';

export type Sc = components['schemas'];
export type Volunteer = Sc['VolunteerDTO'];
export type Need = Sc['NeedDTO'];
export type Invitation = Sc['InvitationDTO'];
export type HoursRecord = Sc['HoursRecordDTO'];
export type Pathway = Sc['PathwayDTO'];
export type Training = Sc['TrainingDTO'];
export type ServiceRecord = Sc['ServiceRecordOutputBody'];
export type Notification = Sc['NotificationDTO'];
export type Verified = Sc['VerifyStatementOutputBody'];
/** STATUS names a record's verification status (hours, training): the words and the badge's tone. */
export const STATUS: Record<string, [string, string, 'ok' | 'warn' | 'bad']> = {
  pending: ['待核实', 'pending', 'warn'], verified: ['已核实', 'verified', 'ok'], rejected: ['已驳回', 'rejected', 'bad'],
};
export function loadVocab() { loadVocabularies().catch(() => undefined); }

export const ZZ: LatLng = { lat: 34.7466, lng: 113.6253 }; // 郑州市 (GCJ-02)
export const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** myProfile is the caller's volunteer profile, or null when none is filled in yet. */
export async function myProfile(): Promise<Volunteer | null> {
  try { return await get<Volunteer>('/v1/me/volunteer-profile'); } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** saveProfile changes fields of the profile (PATCH), or creates it (PUT) when there is none. */
export async function saveProfile(exists: boolean, body: Record<string, unknown>) {
  return api<Volunteer>(exists ? 'PATCH' : 'PUT', '/v1/me/volunteer-profile', body);
}
// ---- home point ----

// The phone reports WGS-84; the service's points are GCJ-02 (国测局坐标, as on
// Chinese maps): wgsToGcj applies the published offset.
export function wgsToGcj(p: LatLng): LatLng {
  const a = 6378245.0, ee = 0.00669342162296594323;
  const x = p.lng - 105, y = p.lat - 35;
  let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  dLat += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLat += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  dLat += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  let dLng = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  dLng += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  dLng += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  dLng += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  const rad = (p.lat / 180) * Math.PI;
  let magic = Math.sin(rad);
  magic = 1 - ee * magic * magic;
  const sq = Math.sqrt(magic);
  const r6 = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    lat: r6(p.lat + (dLat * 180) / (((a * (1 - ee)) / (magic * sq)) * Math.PI)),
    lng: r6(p.lng + (dLng * 180) / ((a / sq) * Math.cos(rad) * Math.PI)),
  };
}

export function here(): Promise<LatLng> {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error(T('此设备无法定位', 'This device cannot tell its position'))); return; }
    navigator.geolocation.getCurrentPosition((p) => resolve(wgsToGcj({ lat: p.coords.latitude, lng: p.coords.longitude })),
      (e) => reject(new Error(T('无法获取位置：', 'No position: ') + e.message)), { enableHighAccuracy: true, timeout: 15000 });
  });
}

export function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => { const t = setInterval(() => setNow(Date.now()), ms); return () => clearInterval(t); }, []);
  return now;
}

export function countdown(to: string, now: number): string {
  const s = Math.max(0, Math.floor((Date.parse(to) - now) / 1000));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${h}:${pad(m)}:${pad(sec)}`;
}

/** useTitles loads the titles of the needs that the rows name. */
export function useTitles(ids: string[]) {
  const [titles, setTitles] = useState<Record<string, Need>>({});
  useEffect(() => {
    const missing = [...new Set(ids)].filter((id) => !titles[id]);
    if (!missing.length) return;
    Promise.all(missing.map((id) => get<Need>(`/v1/needs/${enc(id)}`).catch(() => null))).then((ns) => {
      const t = { ...titles };
      ns.forEach((n) => { if (n) t[n.id] = n; });
      setTitles(t);
    });
  }, [ids.join()]);
  return titles;
}
export function NoProfile() {
  return <p class="notice warn">{T('请先填写实名与技能。', 'Fill in your profile first.')} <A to="/profile">{T('去填写', 'Fill it in')}</A></p>;
}
