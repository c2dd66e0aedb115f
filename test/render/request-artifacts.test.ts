import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, svc } from '../helpers/repo.js';
import { queryWorld } from '../query/world.js';

const NOW = { SVC_NOW: '2026-01-01T00:00:00Z' };

/** Otter-net with its artifacts rendered and committed on main. */
function rendered(): string {
  const dir = queryWorld('artifacts-committed');
  const r = svc(dir, ['render']);
  if (r.code !== 0) throw new Error(r.stderr);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'artifacts');
  return dir;
}

const changedFiles = (dir: string, from: string, to: string) => git(dir, 'diff', '--no-renames', '--name-only', from, to).trim().split('\n');

describe('artifacts are committed with the change that causes them', () => {
  it('a request at one site commits the new configuration of the devices it touched, and no other artifact', () => {
    const dir = rendered();
    const before = readFileSync(join(dir, 'artifacts/device-config/sw01-par01.cfg'), 'utf8');
    const r = svc(dir, ['request', 'create', 'dedicated internet 1000', '--customer', 'Acme Corp', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'], { env: NOW });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { branch } = JSON.parse(r.stdout) as { branch: string };
    const files = changedFiles(dir, 'main', branch);
    // The customer port on the site's switch, and the gateway interface on its router: nothing at another site.
    expect(files.filter((f) => !f.startsWith('inventory/'))).toEqual(['artifacts/device-config/rt01-par01.cfg', 'artifacts/device-config/sw01-par01.cfg']);
    const after = git(dir, 'show', `${branch}:artifacts/device-config/sw01-par01.cfg`);
    expect(after).not.toBe(before);
    expect(after).toContain('interface Ethernet1/1\n  description Port of service dia-0001\n');
    // What the branch commits is exactly what `svc render` makes from its inventory: nothing stale.
    git(dir, 'checkout', '-q', branch);
    const check = svc(dir, ['render', '--check']);
    expect([check.code, check.stdout]).toEqual([0, '24 artifact files up to date\n']);
  });

  it('a modify re-renders only the device whose configuration it changes', () => {
    const dir = rendered();
    // A modify of a service's IP package changes its prefix: the router's gateway address moves, the switch stays.
    const c = svc(dir, ['request', 'create', 'dedicated internet 1000', '--customer', 'Acme Corp', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'], { env: NOW });
    expect(c.code).toBe(0);
    git(dir, 'merge', '-q', '--no-ff', '-m', 'merge', 'request/dia-0001');
    const m = svc(dir, ['request', 'modify', 'dia-0001', '--set', 'ip_package=large', '--format', 'json'], { env: NOW });
    expect(m.stderr).toBe('');
    const { branch } = JSON.parse(m.stdout) as { branch: string };
    expect(changedFiles(dir, 'main', branch).filter((f) => !f.startsWith('inventory/'))).toEqual(['artifacts/device-config/rt01-par01.cfg']);
    git(dir, 'checkout', '-q', branch);
    expect(svc(dir, ['render', '--check']).code).toBe(0);
  });

  it('svc generate --check exits 1 naming a stale committed artifact, and passes once it is rendered', () => {
    const dir = rendered();
    const ok = svc(dir, ['generate', '--check']);
    expect(ok.code).toBe(0);
    const device = join(dir, 'inventory/DcimDevice/sw01-par01.json');
    writeFileSync(device, readFileSync(device, 'utf8').replace('Core switch 1 at par01', 'Core switch 1 at par01, rack 4'));
    git(dir, 'commit', '-q', '-am', 'describe the rack, forget the artifacts');
    const check = svc(dir, ['generate', '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('  stale    artifacts/device-config/sw01-par01.cfg\n');
    expect(check.stdout).toContain('1 committed artifact file(s) differ from what the inventory renders: run `svc render` and commit them');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const json = JSON.parse(svc(dir, ['generate', '--check', '--format', 'json']).stdout);
    expect(json).toMatchObject({ upToDate: false, staleArtifacts: [{ path: 'artifacts/device-config/sw01-par01.cfg', problem: 'stale', definition: 'device_config' }] });
    svc(dir, ['render']);
    expect(svc(dir, ['generate', '--check']).code).toBe(0);
  });

  it('svc diff shows the artifact files as unified diffs: text, markdown (folded when long), json', () => {
    const dir = rendered();
    const r = svc(dir, ['request', 'create', 'dedicated internet 1000', '--customer', 'Acme Corp', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'], { env: NOW });
    const { branch } = JSON.parse(r.stdout) as { branch: string };
    const text = svc(dir, ['diff', 'main', branch]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('\n--- a/artifacts/device-config/sw01-par01.cfg\n+++ b/artifacts/device-config/sw01-par01.cfg\n@@ ');
    expect(text.stdout).toContain('\n-  shutdown\n+  description Port of service dia-0001\n');
    expect(text.stdout).not.toContain('rt01-ber01');
    const md = svc(dir, ['diff', 'main', branch, '--format', 'markdown']).stdout;
    expect(md).toContain('### Artifacts\n\n`artifacts/device-config/rt01-par01.cfg`\n\n```diff\n--- a/artifacts/device-config/rt01-par01.cfg\n');
    expect(md).not.toContain('<details><summary><code>artifacts/');
    const json = JSON.parse(svc(dir, ['diff', 'main', branch, '--format', 'json']).stdout) as { artifacts: { path: string; patch: string }[] };
    expect(json.artifacts.map((a) => a.path)).toEqual(['artifacts/device-config/rt01-par01.cfg', 'artifacts/device-config/sw01-par01.cfg']);
    expect(json.artifacts[1]!.patch).toContain('+  switchport access vlan 1000\n');
    // The work tree: a long change to a file, and a new untracked one.
    git(dir, 'checkout', '-q', branch);
    writeFileSync(join(dir, 'artifacts/device-config/sw01-par01.cfg'), Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n');
    writeFileSync(join(dir, 'artifacts/device-config/new-par01.cfg'), 'hostname new-par01\n');
    const work = svc(dir, ['diff', branch, '--format', 'markdown']).stdout;
    expect(work).toMatch(/<details><summary><code>artifacts\/device-config\/sw01-par01\.cfg<\/code> \(\d+ lines\)<\/summary>\n\n```diff\n/);
    expect(work).toContain('`artifacts/device-config/new-par01.cfg`\n\n```diff\n--- /dev/null\n+++ b/artifacts/device-config/new-par01.cfg\n@@ -0,0 +1 @@\n+hostname new-par01\n```\n');
  });
});
