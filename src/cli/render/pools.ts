import type { ChalkInstance } from 'chalk';
import type { PoolsGcReport, PoolsReport } from '../../app/pools.js';
import type { ManualOutcome } from '../../app/manual-pools.js';
import { manualBy } from '../../core/reservations/manual.js';
import { poolUsageJson } from '../../core/pools/usage.js';
import { formatCount, formatPercent } from '../../core/pools/utilisation.js';
import { renderTable } from './table.js';

/**
 * The documented JSON of `svc pools --format json`. Counts are decimal strings (IPv6 sizes exceed
 * JSON's safe integers); `reservations` is null when the repository has no ledger yet.
 */
export function poolsJson(r: PoolsReport) {
  return {
    ledger: r.ledger !== null,
    pools: r.pools.map((p) => ({ ...poolUsageJson(p), reservations: p.reservations })),
    otherReservations: r.otherReservations,
    manual: r.manual,
    diagnostics: r.diagnostics,
  };
}

const BAR_WIDTH = 10;

/** `[###-------]`, coloured by how full: green, yellow from 75%, red from 90%. Any use shows at least one mark. */
export function bar(percent: number, color: ChalkInstance, anyUsed = percent > 0): string {
  const filled = Math.min(BAR_WIDTH, Math.max(anyUsed ? 1 : 0, Math.floor((percent / 100) * BAR_WIDTH)));
  const paint = percent >= 90 ? color.red : percent >= 75 ? color.yellow : color.green;
  return `[${paint('#'.repeat(filled))}${color.dim('-'.repeat(BAR_WIDTH - filled))}]`;
}

/** The table for people; `bar` only on a terminal, so piped output stays plain. */
export function renderPools(r: PoolsReport, opts: { bar: boolean; color: ChalkInstance }): string {
  if (!r.pools.length) return 'no pools in the inventory (pools are CoreNumberPool, CoreIPPrefixPool and CoreIPAddressPool objects: `svc load` them)\n';
  const headers = ['POOL', 'TYPE', 'EXTENT', 'SIZE', 'USED', 'FREE', 'USE', ...(r.ledger ? ['RESERVED (held/permanent)'] : [])];
  const rows = r.pools.map((p) => [
    p.name,
    p.type,
    p.extent,
    formatCount(p.size),
    formatCount(p.used),
    formatCount(p.free),
    opts.bar ? `${bar(p.percent, opts.color, p.used > 0n)} ${formatPercent(p)}` : formatPercent(p),
    ...(p.reservations ? [`${p.reservations.held}/${p.reservations.permanent}`] : []),
  ]);
  let out = renderTable(headers, rows);
  for (const o of r.otherReservations) out += `ledger also reserves in ${o.pool}: ${o.held} held, ${o.permanent} permanent\n`;
  if (r.manual.length) {
    out += `\nheld by hand (svc pools release <pool> <resource> frees one):\n`;
    out += renderTable(['POOL', 'RESOURCE', 'FOR', 'BY', 'SINCE'], r.manual.map((m) => [m.pool, m.resource, m.reason, m.by, m.created.slice(0, 10)]));
  }
  const releasing = [...r.pools.map((p) => p.reservations?.releasing ?? 0), ...r.otherReservations.map((o) => o.releasing)].reduce((a, b) => a + b, 0);
  if (releasing) out += `${releasing} reservation(s) let go of by requests not merged yet: freed when they merge, given back if they are abandoned\n`;
  return out;
}

/** The documented JSON of `svc pools gc --format json`. */
export function gcJson(r: PoolsGcReport, dryRun: boolean) {
  return {
    dryRun,
    ledger: r.ledger,
    applied: r.applied,
    shared: r.shared,
    ...(r.offlineReason !== undefined ? { offlineReason: r.offlineReason } : {}),
    released: r.released.map((x) => ({ pool: x.pool, key: x.key, resource: x.resource, holder: x.holder, created: x.created })),
    restored: r.restored.map((x) => ({ pool: x.pool, key: x.key, resource: x.resource, holder: x.holder })),
    kept: r.kept,
    settled: r.settled,
  };
}

export function renderGc(r: PoolsGcReport, dryRun: boolean, color: ChalkInstance): string {
  if (!r.ledger) return 'no reservation ledger in this repository: nothing to collect\n';
  let out = '';
  for (const x of r.released) out += `  ${dryRun ? 'would release' : color.yellow('released')}  ${x.pool}  ${x.resource}  (key ${x.key}, held by ${x.holder})\n`;
  for (const x of r.restored) out += `  ${dryRun ? 'would restore' : color.cyan('restored')}  ${x.pool}  ${x.resource}  (key ${x.key}: the request letting go of it is gone)\n`;
  for (const h of r.settled) out += `  ${dryRun ? 'would settle' : color.green('settled')}  ${h}: merged, what it holds is now permanent and what it let go of is free\n`;
  for (const h of r.kept) out += `  ${color.dim('kept')}  ${h}: its branch is gone, but its reservations are inside the grace period\n`;
  const n = r.released.length;
  const k = r.restored.length;
  if (k) out += dryRun ? `dry run: ${k} reservation(s) would be restored\n` : `${color.green('✓')} restored ${k} reservation(s)\n`;
  if (dryRun && r.offlineReason !== undefined) out += `  ${color.yellow('offline')}: ${r.offlineReason}\n`;
  if (!n) out += `${color.green('✓')} nothing to release\n`;
  else if (dryRun) out += `dry run: ${n} reservation(s) would be released\n`;
  else {
    out += `${color.green('✓')} released ${n} reservation(s)\n`;
    if (r.offlineReason !== undefined) out += `  ${color.yellow('not yet shared')}: ${r.offlineReason}; the next ledger update pushes it\n`;
  }
  return out;
}

/** The documented JSON of `svc pools reserve` and `svc pools release`. */
export function manualJson(o: ManualOutcome, action: 'reserved' | 'released') {
  const r = o.reservation;
  return {
    action,
    pool: o.pool,
    resource: r.resource,
    reason: r.note ?? '',
    by: manualBy(r),
    created: r.created,
    existing: o.existing,
    shared: o.shared,
    ...(o.offlineReason !== undefined ? { offlineReason: o.offlineReason } : {}),
  };
}

export function renderManual(o: ManualOutcome, action: 'reserved' | 'released', color: ChalkInstance): string {
  const r = o.reservation;
  let out = action === 'released'
    ? `${color.green('✓')} released ${r.resource} in ${o.pool} (held by ${manualBy(r)} for ${r.note ?? '?'})\n`
    : o.existing
      ? `${r.resource} in ${o.pool} is already held by hand (by ${manualBy(r)} since ${r.created.slice(0, 10)}, for ${r.note ?? '?'}): nothing changed\n`
      : `${color.green('✓')} reserved ${r.resource} in ${o.pool} for ${r.note ?? '?'}\n`;
  if (!o.shared && o.offlineReason !== undefined) out += `  ${color.yellow('not yet shared')}: ${o.offlineReason}; the next ledger update pushes it\n`;
  return out;
}
