// Pool allocation speed with 10,000 existing allocations: number, prefix and address pools, IPv4 and
// IPv6, one process. Records go through a temp file (serialise + parse), as svc would read them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PoolAllocator, allocate, parseRecords, serialiseRecords } from '../dist/core/pools/index.js';
import { LedgerDraft } from '../dist/core/reservations/draft.js';
import { ipSpace } from '../dist/core/reservations/overlap.js';
import { reserve } from '../dist/core/reservations/ops.js';

const EXISTING = 10_000;
const NEW = 5_000;

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const rate = (n, millis) => `${Math.round((n / millis) * 1000).toLocaleString('en-US')}/s`;

function existing(pool, request) {
  const a = new PoolAllocator(pool, [], []);
  for (let i = 0; i < EXISTING; i++) a.allocate(`old-${i}`, request);
  return a.records();
}

export async function run(log) {
  const dir = mkdtempSync(join(tmpdir(), 'svc-bench-pools-'));
  try {
    const cases = [
      { label: 'number pool (1-100000)', pool: { type: 'number', id: 'vlan', name: 'vlans', start: 1, end: 100_000, excluded: '5000-5099' } },
      { label: 'prefix pool IPv4 /29 from 10.0.0.0/8', pool: { type: 'prefix', id: 'p4', name: 'p4', prefixes: ['10.0.0.0/8'] }, request: { length: 29 } },
      { label: 'prefix pool IPv6 /64 from 2001:db8::/32', pool: { type: 'prefix', id: 'p6', name: 'p6', prefixes: ['2001:db8::/32'] }, request: { length: 64 } },
      { label: 'address pool IPv4 10.0.0.0/16', pool: { type: 'address', id: 'a4', name: 'a4', prefixes: ['10.0.0.0/16'] } },
      { label: 'address pool IPv6 2001:db8::/64', pool: { type: 'address', id: 'a6', name: 'a6', prefixes: ['2001:db8::/64'] } },
    ];
    for (const c of cases) {
      const file = join(dir, `${c.pool.id}.json`);
      writeFileSync(file, serialiseRecords(existing(c.pool, c.request)));

      let t0 = process.hrtime.bigint();
      const records = parseRecords(readFileSync(file, 'utf8'), file);
      const used = records.map((r) => r.resource);
      const parseMs = ms(t0);

      t0 = process.hrtime.bigint();
      const a = new PoolAllocator(c.pool, used, records);
      const buildMs = ms(t0);

      t0 = process.hrtime.bigint();
      for (let i = 0; i < NEW; i++) a.allocate(`new-${i}`, c.request);
      const allocMs = ms(t0);

      t0 = process.hrtime.bigint();
      for (let i = 0; i < EXISTING; i += 10) a.allocate(`old-${i}`, c.request);
      const againMs = ms(t0);

      // The one-shot pure function rebuilds the state on every call: the price of not keeping an allocator.
      const ONE_SHOT = 20;
      t0 = process.hrtime.bigint();
      for (let i = 0; i < ONE_SHOT; i++) allocate(c.pool, used, records, `once-${i}`, c.request);
      const onceMs = ms(t0);

      const u = a.utilisation();
      log(`${c.label}: ${EXISTING} existing`);
      log(`  read ${EXISTING} records ${parseMs.toFixed(1)} ms, build allocator ${buildMs.toFixed(1)} ms`);
      log(`  new allocations   ${rate(NEW, allocMs)} (${NEW} in ${allocMs.toFixed(1)} ms)`);
      log(`  repeat (same key) ${rate(EXISTING / 10, againMs)}`);
      log(`  one-shot allocate() with rebuild ${rate(ONE_SHOT, onceMs)} (${(onceMs / ONE_SHOT).toFixed(2)} ms each)`);
      log(`  utilisation: ${u.used} of ${u.size} ${u.unit} (${u.percent}%)`);
    }

    // Worst case for the gap search: a large block wanted in a space fragmented by 10,000 scattered /29s.
    const frag = { type: 'prefix', id: 'frag', name: 'frag', prefixes: ['10.0.0.0/8'] };
    const scattered = Array.from({ length: EXISTING }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.8/29`);
    const f = new PoolAllocator(frag, scattered, []);
    const t0 = process.hrtime.bigint();
    const got = f.allocate('big', { length: 24 });
    log(`fragmented: first free /24 past ${EXISTING} scattered /29s -> ${got} in ${ms(t0).toFixed(2)} ms`);

    await heldEverywhere(log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HELD = 100_000;

/**
 * 100,000 held /29s: the allocator's interval sets (what the inventory holds), and the shared
 * ledger's overlap index (what open requests hold), built in memory as a request reads them.
 */
async function heldEverywhere(log) {
  const pool = { type: 'prefix', id: 'big', name: 'big', prefixes: ['10.0.0.0/8'] };
  // Every other /29, so no two merge: the worst case for the interval sets.
  const held = Array.from({ length: HELD }, (_, i) => `10.${i >> 12}.${(i >> 4) & 255}.${(i & 15) * 16}/29`);
  let t0 = process.hrtime.bigint();
  const a = new PoolAllocator(pool, held, []);
  log(`${HELD.toLocaleString('en-US')} held /29s: build the allocator's interval sets ${ms(t0).toFixed(1)} ms`);
  t0 = process.hrtime.bigint();
  const N = 1000;
  for (let i = 0; i < N; i++) a.allocate(`n-${i}`, { length: 27 });
  log(`  allocate a /27 among them ${rate(N, ms(t0))} (${(ms(t0) / N).toFixed(3)} ms each)`);

  const files = new Map();
  const source = { read: async (p) => files.get(p), list: async (dir) => [...files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort() };
  const space = ipSpace('prefix', 'default');
  const when = new Date('2026-01-01T00:00:00Z');
  t0 = process.hrtime.bigint();
  const d = new LedgerDraft(source);
  for (let i = 0; i < HELD; i++) await d.put({ pool: 'big', key: `k${i}`, resource: held[i], holder: `request/r${i % 500}`, state: 'held', created: when.toISOString(), space });
  for (const [p, t] of d.edits()) if (t !== null) files.set(p, t);
  log(`  shared ledger: put ${HELD.toLocaleString('en-US')} into the overlap index ${ms(t0).toFixed(0)} ms (${[...files.keys()].filter((p) => p.startsWith('o/')).length} index shards)`);

  // A request: a fresh draft over the committed shards, checking candidates that overlap held ones.
  const fresh = new LedgerDraft(source);
  const used = fresh.used('big', space);
  t0 = process.hrtime.bigint();
  let blocked = 0;
  for (let i = 0; i < N; i++) if (await used.blocking(`10.${(i * 7) & 255}.${(i * 13) & 255}.0/27`)) blocked++;
  log(`  overlap check of a /27 against ${HELD.toLocaleString('en-US')} held: ${rate(N, ms(t0))} (${blocked} of ${N} blocked; shards read on first use)`);
  const b = new PoolAllocator(pool, held, []);
  t0 = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) {
    await reserve(fresh, { pool: 'big', key: `new-${i}`, holder: 'request/new', space }, async (u) => {
      for (;;) {
        const r = b.allocate(`new-${i}`, { length: 28 });
        const over = await u.blocking(r);
        if (!over) return r;
        b.release(`new-${i}`);
        b.exclude(r);
        b.exclude(over);
      }
    }, when);
  }
  log(`  reserve a /28 through the ledger (allocator + overlap check + index update): ${rate(100, ms(t0))}`);
}
