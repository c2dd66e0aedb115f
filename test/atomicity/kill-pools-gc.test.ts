import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_REF } from '../../src/adapters/git/ledger.js';
import { reserveResource } from '../../src/adapters/git/reservations.js';
import type { Choose } from '../../src/core/reservations/model.js';
import { pinGitEnv } from '../git/env.js';
import { git, svc } from '../helpers/repo.js';
import { byName, loadedOtterNet, poolsOf } from '../pools-cli/helpers.js';
import { svcKilledAt } from './helpers.js';

beforeAll(pinGitEnv);

const T0 = '2026-03-01T10:00:00.000Z';
const LATER = { SVC_NOW: '2026-03-01T12:00:00.000Z' };
const from = (values: string[]): Choose => (used) => used.firstFree(values);
const ledgerAt = (repo: string): string => git(repo, 'rev-parse', LEDGER_REF).trim();

/** A ledger holding one reservation of a branch since deleted: gc releases it (one ref update). */
async function withStaleReservation(): Promise<string> {
  const repo = loadedOtterNet();
  const pool = byName(poolsOf(repo), 'Customer vlan pool').pool;
  git(repo, 'branch', 'request/gone');
  await reserveResource({ repo, remote: null, clock: () => new Date(T0) }, { pool, key: 'dia-0002:vlan', holder: 'request/gone' }, from(['1001']));
  git(repo, 'branch', '-D', 'request/gone');
  return repo;
}

describe('svc pools gc killed around its one write (the ledger ref)', () => {
  it.each([
    ['ref-update:1', 'before'],
    ['ref-updated:1', 'after'],
  ])('killed at %s: the ledger is as %s, no lock file stays, and the next gc finishes the job', async (spec, state) => {
    const repo = await withStaleReservation();
    const start = ledgerAt(repo);
    const k = svcKilledAt(repo, ['pools', 'gc'], spec, LATER);
    expect(k.signal, k.stderr).toBe('SIGKILL');
    if (state === 'before') expect(ledgerAt(repo)).toBe(start);
    else expect(ledgerAt(repo)).not.toBe(start);
    expect(readdirSync(join(repo, '.git/refs/svc')).filter((n) => n.endsWith('.lock'))).toEqual([]);
    const next = svc(repo, ['pools', 'gc', '--format', 'json'], { env: LATER });
    expect(next.code, next.stderr).toBe(0);
    expect((JSON.parse(next.stdout) as { released: unknown[] }).released.length).toBe(state === 'before' ? 1 : 0);
    expect(byName(poolsOf(repo), 'Customer vlan pool').reservations).toEqual({ held: 0, permanent: 0, releasing: 0 });
    expect(svc(repo, ['validate']).code).toBe(0);
  });
});
