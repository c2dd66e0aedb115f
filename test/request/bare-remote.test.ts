import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, tempDir } from '../helpers/repo.js';
import { fileAt, json, otterNet, request, type Created } from './helpers.js';

const create = (customer: string) => ['create', 'dedicated internet 1000', '--customer', customer, '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'];

/** The VLAN, prefix and port a request branch holds. */
function held(dir: string, ref: string, sub: string): string[] {
  const block = JSON.parse(fileAt(dir, ref, `inventory/BlockDedicatedInternet/${sub}/dedicated_internet.json`));
  return [`vlan ${block.vlan}`, `prefix ${block.prefix}`, `port ${JSON.stringify(block.customer_port)}`];
}

describe('a remote made by git clone --bare, without the ledger', () => {
  it('the ledger is rebuilt from the remote request branches before allocating: nothing they hold is handed out again', () => {
    const origin = otterNet();
    const first = json<Created & { reservationsShared: boolean }>(request(origin, create('acme')));
    expect(first.request).toBe('dia-0001');
    const remote = join(tempDir('svc-bare-'), 'otter.git');
    git(origin, 'clone', '-q', '--bare', origin, remote);
    // What `git clone --bare` leaves behind: the branch travels, the ledger does not.
    expect(git(remote, 'for-each-ref', '--format=%(refname)')).toContain('refs/heads/request/dia-0001');
    expect(git(remote, 'for-each-ref', '--format=%(refname)')).not.toContain('refs/svc/reservations');

    const clone = (name: string) => {
      const dir = join(tempDir(`svc-${name}-`), 'otter');
      git(tmpdir(), 'clone', '-q', remote, dir);
      return dir;
    };
    const a = clone('a');
    const second = json<Created & { reservationsShared: boolean; ledgerRebuilt?: { branches: string[]; conflicts: string[] } }>(request(a, create('beta')));
    expect(second.reservationsShared).toBe(true);
    expect(second.ledgerRebuilt).toMatchObject({ branches: ['request/dia-0001'], conflicts: [] });
    expect(second.request).not.toBe('dia-0001');
    const mine = held(a, second.branch, second.subscription);
    const theirs = held(origin, 'request/dia-0001', 'dia-0001');
    expect(mine.filter((r) => theirs.includes(r))).toEqual([]);

    // The ledger reached the remote with both requests in it: a later clone avoids both, rebuilding nothing.
    expect(git(remote, 'for-each-ref', '--format=%(refname)')).toContain('refs/svc/reservations');
    const b = clone('b');
    const third = json<Created & { ledgerRebuilt?: unknown }>(request(b, create('gamma')));
    expect(third.ledgerRebuilt).toBeUndefined();
    const last = held(b, third.branch, third.subscription);
    expect(last.filter((r) => theirs.includes(r) || mine.includes(r))).toEqual([]);
  }, 180_000);
});
