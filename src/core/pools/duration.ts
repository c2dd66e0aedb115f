import { UsageError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--grace 90m`, `1h30m`, `2d`, `0`: a duration in milliseconds. A bare number is refused (except 0)
 * because minutes and hours are both plausible readings of it.
 */
export function parseDuration(text: string, option = '--grace'): number {
  const t = text.trim();
  if (t === '0') return 0;
  const parts = /^(?:\d+(?:ms|[smhdw]))+$/.test(t) ? [...t.matchAll(/(\d+)(ms|[smhdw])/g)] : [];
  if (!parts.length) {
    throw new UsageError('pools/bad-duration', `${option} ${text}: not a duration`, { hint: 'write it like 30m, 1h, 1h30m, 2d or 1w (ms, s, m, h, d, w); 0 for none' });
  }
  return parts.reduce((ms, m) => ms + Number(m[1]) * UNIT_MS[m[2]!]!, 0);
}
