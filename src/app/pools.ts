import { fetchSharedLedger, LEDGER_REF, readLedger, updateLedger } from '../adapters/git/ledger.js';
import { repoPaths } from '../adapters/git/commit.js';
import { resolveRef, sharedRemote } from '../adapters/git/refs.js';
import { GitError } from '../core/errors.js';
import { gcReservations, liveBranches, settleHolders } from '../adapters/git/reservations.js';
import { mergedRequests } from '../adapters/git/merged.js';
import type { Catalog } from '../core/catalog/catalog.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { InventoryObject } from '../core/inventory/model.js';
import { RUN_KIND, runFromObject } from '../core/generate/records.js';
import { poolUsage, type PoolUsage } from '../core/pools/usage.js';
import type { AllocationRecord } from '../core/pools/records.js';
import { collectGarbage, pendingHolders, type GcResult } from '../core/reservations/ops.js';
import { diedIn } from '../adapters/process.js';
import type { Reservation } from '../core/reservations/model.js';
import { isManual, manualBy } from '../core/reservations/manual.js';
import { openInventory } from './inventory.js';
import { requireModel } from './model.js';

/** Reservations the shared ledger holds for one pool, by state. */
export interface ReservationCounts {
  held: number;
  permanent: number;
  /** Of those, how many a request not yet merged is letting go of (freed when it merges). */
  releasing: number;
}

export interface PoolsReport {
  pools: (PoolUsage & { reservations: ReservationCounts | null })[];
  /** The ledger ref's commit, or null when this repository has no ledger yet (then every `reservations` is null). */
  ledger: string | null;
  /** Ledger reservations whose pool is none of the inventory's pools (claims name a kind), by that name. */
  otherReservations: ({ pool: string } & ReservationCounts)[];
  /** What people hold by hand (`svc pools reserve`), by pool name then resource. */
  manual: ManualHold[];
  /** Pools that could not be read. */
  diagnostics: Diagnostic[];
}

/** A reservation made by hand, as `svc pools` lists it. */
export interface ManualHold {
  pool: string;
  resource: string;
  reason: string;
  by: string;
  created: string;
}

/** Every allocation and claim record of every generator run in the inventory. */
export function runRecords(runs: readonly InventoryObject[]): AllocationRecord[] {
  return runs.flatMap((o) => runFromObject(o).allocations);
}

/** The ledger's reservations as this repository knows them (local ref, no network), or null without a ledger. */
async function ledgerReservations(root: string): Promise<{ commit: string; all: Reservation[] } | null> {
  const commit = await resolveRef(root, LEDGER_REF);
  if (!commit) return null;
  return { commit, all: await readLedger({ repo: root }, (d) => d.all()) };
}

function count(rs: readonly Reservation[]): ReservationCounts {
  const held = rs.filter((r) => r.state === 'held').length;
  return { held, permanent: rs.length - held, releasing: rs.filter((r) => r.releasedBy !== undefined).length };
}

/** `svc pools`: the fill of each pool, and what the ledger reserves in it. */
export async function poolsReport(catalog: Catalog): Promise<PoolsReport> {
  const { schema } = requireModel(catalog);
  const inv = openInventory(catalog, schema);
  let usage: ReturnType<typeof poolUsage>;
  try {
    const src = { get: (id: string) => inv.get(id), list: (k: string) => inv.list(k), hasKind: (k: string) => schema.get(k) !== undefined };
    usage = poolUsage(src, runRecords(src.hasKind(RUN_KIND) ? inv.list(RUN_KIND) : []));
  } finally {
    inv.close();
  }
  const ledger = await ledgerReservations(catalog.root);
  // A reservation names its pool by the pool object's id, or (older or hand-made) by its name.
  const byPool = new Map<string, Reservation[]>();
  for (const r of ledger?.all ?? []) byPool.set(r.pool, [...(byPool.get(r.pool) ?? []), r]);
  const pools = usage.pools.map((u) => {
    if (!ledger) return { ...u, reservations: null };
    const mine = [...(byPool.get(u.pool) ?? []), ...(u.name !== u.pool ? byPool.get(u.name) ?? [] : [])];
    byPool.delete(u.pool);
    byPool.delete(u.name);
    return { ...u, reservations: count(mine) };
  });
  const names = new Map(usage.pools.map((u) => [u.pool, u.name]));
  const manual = (ledger?.all ?? [])
    .filter(isManual)
    .map((r) => ({ pool: names.get(r.pool) ?? r.pool, resource: r.resource, reason: r.note ?? '', by: manualBy(r), created: r.created }))
    .sort((a, b) => (a.pool === b.pool ? (a.resource < b.resource ? -1 : 1) : a.pool < b.pool ? -1 : 1));
  const otherReservations = [...byPool.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([pool, rs]) => ({ pool, ...count(rs) }));
  return { pools, ledger: ledger?.commit ?? null, otherReservations, manual, diagnostics: usage.diagnostics };
}

export interface PoolsGcOptions {
  graceMs: number;
  dryRun: boolean;
  clock: () => Date;
  /** undefined: `origin` when configured; null: local branches only. */
  remote?: string | null;
  /** Where merged requests land (.orchestrator.yml default_branch); else found from the repository. */
  defaultBranch?: string;
  /**
   * Only settle merged requests; release nothing. Safe where not every open branch is visible
   * (CI on the default branch sees neither engineers' unpushed branches nor their age).
   */
  settleOnly?: boolean;
}

export interface PoolsGcReport extends GcResult {
  /** False for --dry-run, or when there was nothing to release or restore. */
  applied: boolean;
  /** Whether the ledger exists at all. */
  ledger: boolean;
  /** The result is on the shared remote (false: only in this repository). */
  shared: boolean;
  offlineReason?: string;
  /** Request branches found merged into the default branch: what they held became permanent, what they let go of free. */
  settled: string[];
}

/**
 * `svc pools gc`: release the reservations of branches that exist neither here nor on the remote,
 * past the grace period (the rules are gcReservations'). A dry run applies the same rules to the
 * ledger the real run would change (the remote's, fetched into its tracking ref, with this
 * repository's offline changes replayed) and writes nothing else.
 */
export async function poolsGc(catalog: Pick<Catalog, 'root'>, opts: PoolsGcOptions): Promise<PoolsGcReport> {
  const { root } = await repoPaths(catalog.root);
  let remote = await sharedRemote(root, opts.remote);
  // What the remote's ledger waits on counts too: a fresh clone (CI) has no local ledger at all.
  let shared: string | null = null;
  let offline: { remote: string; reason: string } | undefined;
  try {
    shared = remote ? await fetchSharedLedger(root, remote) : null;
  } catch (e) {
    // A real run must see the remote; a preview makes do with what this repository last saw of it.
    if (!opts.dryRun || !(e instanceof GitError) || !remote) throw e;
    offline = { remote, reason: e.message };
    remote = null;
  }
  // What was just fetched serves the first ledger update below, which then need not fetch again.
  const fetched: { fetched?: string | null } = remote ? { fetched: shared ? await resolveRef(root, shared) : null } : {};
  const refs = [...((await resolveRef(root, LEDGER_REF)) ? [LEDGER_REF] : []), ...(shared ? [shared] : [])];
  if (!refs.length) return { released: [], restored: [], kept: [], applied: false, ledger: false, shared: false, settled: [] };
  // Merged requests are settled first: gc must never free what main now uses, nor restore what it let go of.
  const holders = new Set<string>();
  for (const ref of refs) {
    const p = await readLedger({ repo: root, ref }, (d) => pendingHolders(d));
    for (const h of [...p.holding, ...p.lettingGo]) holders.add(h);
  }
  const settled = await mergedRequests(root, holders, opts.defaultBranch);
  const settledOut = !opts.dryRun && settled.length ? await settleHolders({ repo: root, clock: opts.clock, remote, ...fetched }, settled) : undefined;
  // Settling pushed a new ledger: from then on, what was fetched is stale.
  const latest = settledOut ? {} : fetched;
  if (opts.settleOnly) {
    return { released: [], restored: [], kept: [], applied: settledOut !== undefined, ledger: true, shared: settledOut?.shared ?? false, ...(settledOut?.offlineReason !== undefined ? { offlineReason: settledOut.offlineReason } : {}), settled };
  }
  if (opts.dryRun) {
    // The ledger the real run would change (the shared one, with this repository's offline
    // changes on it), with what settling would take out of gc's reach counted as alive.
    const live = await liveBranches(root, remote, offline ? { lastFetchedFrom: offline.remote } : {});
    const mergedSet = new Set(settled);
    const { commonDir } = await repoPaths(root);
    const preview = await updateLedger({ repo: root, clock: opts.clock, remote, dryRun: true, ...latest }, async (draft, now) => collectGarbage(draft, { isAlive: (h) => live.has(h) || mergedSet.has(h), now, graceMs: opts.graceMs, isDead: (p) => diedIn(p, commonDir) }));
    const offlineReason = offline ? `${offline.reason}; previewed on this repository's ledger and its last fetch of ${offline.remote}'s branches` : preview.offlineReason;
    return { ...preview.value, applied: false, ledger: true, shared: false, ...(offlineReason !== undefined ? { offlineReason } : {}), settled };
  }
  const out = await gcReservations({ repo: root, clock: opts.clock, remote, ...latest }, { graceMs: opts.graceMs });
  return {
    ...out.value,
    applied: out.value.released.length + out.value.restored.length > 0,
    ledger: true,
    shared: out.shared,
    ...(out.offlineReason !== undefined ? { offlineReason: out.offlineReason } : {}),
    settled,
  };
}

/** The ledger's own consistency audit for `svc validate`, or undefined when there is no ledger. */
export async function ledgerAudit(root: string): Promise<string[] | undefined> {
  if (!(await resolveRef(root, LEDGER_REF))) return undefined;
  return readLedger({ repo: root }, (d) => d.audit());
}
