import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readLedger, updateLedger } from '../../src/adapters/git/ledger.js';
import { repoPaths } from '../../src/adapters/git/commit.js';
import { processIdentity } from '../../src/adapters/process.js';
import { json, otterNet, request, type Created } from './helpers.js';

const T = '2026-01-01T00:00:00.000Z';

/** A real process that lives until killed. */
function sleeper(): { pid: number; kill(): Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { pid: child.pid!, kill: async () => void (child.kill('SIGKILL'), await exited) };
}

describe('reservations of a request killed before its branch existed', () => {
  it('are released by the next command when their process is provably dead; a live holder, one on another host and one of another clone keep theirs', async () => {
    const dir = otterNet();
    const dead = sleeper();
    const live = sleeper();
    // As svc records them: the process, and the repository it worked in.
    const here = encodeURIComponent((await repoPaths(dir)).commonDir);
    const deadId = `${processIdentity(dead.pid)!} ${here}`;
    const liveId = `${processIdentity(live.pid)!} ${here}`;
    expect(deadId.split(' ')).toHaveLength(5);
    const elsewhere = `other-host.invalid ${deadId.split(' ').slice(1).join(' ')}`;
    // Another clone on this host may have pushed a branch this one has not fetched: not proof.
    const otherClone = `${processIdentity(dead.pid)!} ${encodeURIComponent('/elsewhere/.git')}`;
    try {
      await updateLedger({ repo: dir, remote: null, clock: () => new Date(T) }, async (d) => {
        await d.put({ pool: 'test-pool', key: 'ghost:vlan', resource: '1', holder: 'request/ghost-dead', state: 'held', created: T, process: deadId });
        await d.put({ pool: 'test-pool', key: 'live:vlan', resource: '2', holder: 'request/ghost-live', state: 'held', created: T, process: liveId });
        await d.put({ pool: 'test-pool', key: 'far:vlan', resource: '3', holder: 'request/ghost-far', state: 'held', created: T, process: elsewhere });
        await d.put({ pool: 'test-pool', key: 'clone:vlan', resource: '4', holder: 'request/ghost-clone', state: 'held', created: T, process: otherClone });
      });
      await dead.kill();
      // The next command that reads the ledger: a request, within the gc grace period (same clock).
      const r = json<Created>(request(dir, ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json']));
      const holders = await readLedger({ repo: dir }, async (d) => (await d.all()).filter((x) => x.pool === 'test-pool').map((x) => x.holder));
      expect(holders).toEqual(['request/ghost-clone', 'request/ghost-far', 'request/ghost-live']);
      // The request's own reservations record its process.
      const own = await readLedger({ repo: dir }, async (d) => (await d.all()).filter((x) => x.holder === r.branch));
      expect(own.length).toBeGreaterThan(0);
      for (const x of own) expect(x.process!.split(' ')).toEqual([expect.any(String), expect.any(String), expect.stringMatching(/^\d+$/), expect.stringMatching(/^\d+$/), here]);
    } finally {
      await live.kill();
      await dead.kill().catch(() => undefined);
    }
  }, 120_000);
});
