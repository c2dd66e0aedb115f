import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, tempDir } from '../helpers/repo.js';
import { json, otterNet, request, snapshot, withRemote, type Created } from './helpers.js';

const DIA = ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'];

interface Previewed extends Omit<Created, 'commit'> {
  commit: string | null;
  dryRun: boolean;
  reservationsShared: boolean;
  diff: { summary: unknown; allocations: { resource: string }[] };
}

const merge = (dir: string, branch: string) => git(dir, 'merge', '-q', '--no-ff', '-m', `merge ${branch}`, branch);

describe('svc request --dry-run', () => {
  it('create: shows exactly what the request then commits, and writes, commits and reserves nothing', () => {
    const dir = otterNet();
    const before = snapshot(dir);
    const preview = json<Previewed>(request(dir, [...DIA, '--dry-run']));
    expect(preview).toMatchObject({ request: 'dia-0001', dryRun: true, commit: null, status: 'active', branch: 'request/dia-0001', reservationsShared: false });
    expect(preview.diff.allocations.map((a) => a.resource)).toContain('1000');
    // No branch, no ledger commit, no index copy left: the repository as it was.
    expect(snapshot(dir)).toBe(before);
    const real = json<Previewed>(request(dir, DIA));
    expect(real.dryRun).toBe(false);
    expect(real.diff).toEqual(preview.diff);

    const text = request(dir, ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small', '--dry-run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('dry run: create dia-0002 (dedicated internet, acme) would be active\n');
    expect(text.stdout).toContain('nothing was written, nothing reserved');
  });

  it('sees what open requests hold in the ledger: the next id and the next VLAN', () => {
    const dir = otterNet();
    json<Created>(request(dir, DIA));
    const before = snapshot(dir);
    const preview = json<Previewed>(request(dir, [...DIA, '--dry-run']));
    expect(preview.request).toBe('dia-0002');
    expect(preview.diff.allocations.map((a) => a.resource)).toContain('1001');
    expect(snapshot(dir)).toBe(before);
  });

  it('sees what another clone reserved through the shared remote, changing only the remote-tracking ref', () => {
    const { remote, clones } = withRemote(2);
    const [a, b] = clones as [string, string];
    const taken = json<Created>(request(a, DIA));
    expect(taken.request).toBe('dia-0001');
    const refs = () => git(b, 'for-each-ref', '--format=%(refname) %(objectname)').split('\n').filter((l) => l && !l.startsWith('refs/svc/remotes/'));
    const before = refs();
    const preview = json<Previewed>(request(b, [...DIA, '--dry-run']));
    // As the real request will: the id and the VLAN clone a took are taken.
    expect(preview.request).toBe('dia-0002');
    expect(preview.diff.allocations.map((x) => x.resource)).toContain('1001');
    expect(refs()).toEqual(before);
    expect(git(b, 'rev-parse', 'refs/svc/remotes/origin/reservations').trim()).toBe(git(remote, 'rev-parse', 'refs/svc/reservations').trim());
    const real = json<Created>(request(b, DIA));
    expect(real.request).toBe('dia-0002');
  });

  it('previews from this repository\'s ledger when the remote cannot be reached', () => {
    const { clones } = withRemote(1);
    const [dir] = clones as [string];
    json<Created>(request(dir, DIA));
    git(dir, 'remote', 'set-url', 'origin', join(tempDir('svc-gone-'), 'nothing.git'));
    const before = snapshot(dir);
    const r = request(dir, [...DIA, '--dry-run']);
    expect(r.code).toBe(0);
    expect(json<Previewed>(r).request).toBe('dia-0002');
    expect(snapshot(dir)).toBe(before);
  });

  it('modify, terminate and rebase preview alike; the branch a rebase would move stays where it is', () => {
    const dir = otterNet();
    merge(dir, json<Created>(request(dir, DIA)).branch);
    const before = snapshot(dir);
    const mod = json<Previewed>(request(dir, ['modify', 'dia-0001', '--set', 'ip_package=large', '--dry-run', '--format', 'json']));
    expect(mod).toMatchObject({ request: 'dia-0001-modify-1', dryRun: true, commit: null, status: 'active' });
    const end = json<Previewed>(request(dir, ['terminate', 'dia-0001', '--dry-run', '--format', 'json']));
    expect(end).toMatchObject({ dryRun: true, status: 'terminated' });
    expect(snapshot(dir)).toBe(before);

    const open = json<Created>(request(dir, ['modify', 'dia-0001', '--set', 'ip_package=medium', '--format', 'json']));
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'main moves on');
    const moved = snapshot(dir);
    const rebase = json<Previewed>(request(dir, ['rebase', open.request, '--dry-run', '--format', 'json']));
    expect(rebase).toMatchObject({ request: open.request, dryRun: true, commit: null });
    expect(git(dir, 'rev-parse', open.branch).trim()).toBe(open.commit);
    expect(snapshot(dir)).toBe(moved);
  });

  it('--dry-run with --push or --pr is a usage error: there is no branch to deliver', () => {
    const dir = otterNet();
    const before = snapshot(dir);
    for (const flag of ['--push', '--pr']) {
      const r = request(dir, [...DIA, '--dry-run', flag]);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'request/dry-run-delivery', message: expect.stringContaining('--dry-run makes no branch') });
    }
    expect(snapshot(dir)).toBe(before);
  });
});
