import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, svc, tempDir } from '../helpers/repo.js';
import { fileAt, json, NOW, otterNet, request, snapshot, withRemote, type Created } from './helpers.js';

const DIA = ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small'];
const merge = (dir: string, branch: string) => git(dir, 'merge', '-q', '--no-ff', '-m', `merge ${branch}`, branch);

describe('modify, terminate, list, abandon', () => {
  it('modify: a new branch where the generators converge (small → large swaps the prefix)', () => {
    const dir = otterNet();
    const created = json<Created>(request(dir, [...DIA, '--format', 'json']));
    merge(dir, created.branch);
    const m = json<Created>(request(dir, ['modify', 'dia-0001', '--set', 'ip_package=large', '--format', 'json']));
    expect(m.request).toBe('dia-0001-modify-1');
    expect(m.status).toBe('active');
    const changed = git(dir, 'diff', '--no-renames', '--name-status', 'main', m.branch).trim().split('\n');
    expect(changed.filter((l) => l.startsWith('A\tinventory/IpamPrefix/'))).toHaveLength(1);
    expect(changed.filter((l) => l.startsWith('D\tinventory/IpamPrefix/'))).toHaveLength(1);
    const block = git(dir, 'ls-tree', '-r', '--name-only', m.branch, 'inventory/BlockDedicatedInternet').trim();
    expect(JSON.parse(fileAt(dir, m.branch, block))).toMatchObject({ ip_package: 'large' });
    expect(JSON.parse(fileAt(dir, m.branch, block)).prefix).toMatch(/\/27$/);
    const sub = JSON.parse(fileAt(dir, m.branch, 'inventory/ProductDedicatedInternet/dia-0001.json'));
    expect(sub).toMatchObject({ status: 'active', version: 3, insync: true });
    expect(git(dir, 'log', '-1', '--format=%B', m.branch)).toContain('Svc-Action: modify');
  });

  it('modify names a block made before blocks had names: it moves from its id to its hfid, and references follow', () => {
    const dir = otterNet();
    merge(dir, json<Created>(request(dir, [...DIA, '--format', 'json'])).branch);
    // Turn the block into what an older svc wrote: no block_name, filed and referred to by id.
    const named = 'inventory/BlockDedicatedInternet/dia-0001/dedicated_internet.json';
    const block = JSON.parse(readFileSync(join(dir, named), 'utf8')) as Record<string, unknown>;
    delete block.block_name;
    const old = `inventory/BlockDedicatedInternet/${String(block.id)}.json`;
    git(dir, 'mv', named, old);
    writeFileSync(join(dir, old), `${JSON.stringify(block, null, 2)}\n`);
    const subFile = 'inventory/ProductDedicatedInternet/dia-0001.json';
    const sub = JSON.parse(readFileSync(join(dir, subFile), 'utf8')) as Record<string, unknown>;
    sub.dedicated_internet = { id: block.id };
    writeFileSync(join(dir, subFile), `${JSON.stringify(sub, null, 2)}\n`);
    git(dir, 'commit', '-qam', 'as an older svc wrote it');
    expect(svc(dir, ['validate']).code).toBe(0);

    const m = json<Created>(request(dir, ['modify', 'dia-0001', '--set', 'ip_package=medium', '--format', 'json']));
    const changed = git(dir, 'diff', '--no-renames', '--name-status', 'main', m.branch, '--', 'inventory/BlockDedicatedInternet').trim().split('\n');
    expect(changed).toEqual([`D\t${old}`, `A\t${named}`]);
    expect(JSON.parse(fileAt(dir, m.branch, named))).toMatchObject({ id: block.id, block_name: 'dedicated_internet', ip_package: 'medium' });
    expect(JSON.parse(fileAt(dir, m.branch, subFile)).dedicated_internet).toEqual(['dia-0001', 'dedicated_internet']);
  });

  it('modify refuses what cannot change, unknown inputs and unmerged subscriptions, leaving nothing', () => {
    const dir = otterNet();
    const created = json<Created>(request(dir, [...DIA, '--format', 'json']));
    const before0 = snapshot(dir);
    const unmerged = request(dir, ['modify', 'dia-0001', '--set', 'ip_package=large']);
    expect(unmerged.code).toBe(2);
    expect(unmerged.stderr).toContain('no subscription "dia-0001" on main');
    expect(snapshot(dir)).toBe(before0);
    merge(dir, created.branch);
    const before = snapshot(dir);
    const site = request(dir, ['modify', 'dia-0001', '--set', 'site=fra01']);
    expect(site.code).toBe(1);
    expect(site.stderr).toContain('site cannot be modified once the subscription exists');
    const unknown = request(dir, ['modify', 'dia-0001', '--set', 'ip_pakage=large']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean "ip_package"?');
    const bad = request(dir, ['modify', 'dia-0001', '--set', 'ip_package=huge']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ip_package: "huge" is not one of small, medium, large');
    const same = request(dir, ['modify', 'dia-0001', '--set', 'ip_package=small']);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('error[request/nothing-to-modify]: dia-0001 already has ip_package=small: nothing to modify');
    expect(snapshot(dir)).toBe(before);
  });

  it('terminate: resources released, the port restored, the subscription terminated with an end date', () => {
    const dir = otterNet();
    const portFile = 'inventory/DcimInterfaceL2/sw01-par01/ethernet1-1~12804403.json';
    const bootstrapPort = fileAt(dir, 'main', portFile);
    merge(dir, json<Created>(request(dir, [...DIA, '--format', 'json'])).branch);
    const out = request(dir, ['terminate', 'dia-0001']);
    expect(out.stdout).toContain('terminate dia-0001 (dedicated internet, acme): terminated');
    // What it gives back is named by pool, not by the pool's internal id.
    expect(out.stdout).toMatch(/released 1000 to Customer vlan pool for dia-0001 \(vlan\)/);
    expect(out.stdout).not.toMatch(/ to [0-9a-f]{16}/);
    const t = { branch: 'request/dia-0001-terminate-1' };
    const sub = JSON.parse(fileAt(dir, t.branch, 'inventory/ProductDedicatedInternet/dia-0001.json'));
    expect(sub).toMatchObject({ status: 'terminated', end_date: '2026-01-01T00:00:00.000Z' });
    expect(fileAt(dir, t.branch, portFile)).toBe(bootstrapPort);
    const files = git(dir, 'ls-tree', '-r', '--name-only', t.branch, 'inventory').split('\n');
    expect(files.some((f) => f.startsWith('inventory/IpamVLAN/'))).toBe(false);
    expect(files.some((f) => f.startsWith('inventory/SvcGeneratorRun/'))).toBe(false);
    merge(dir, t.branch);
    expect(svc(dir, ['validate']).code).toBe(0);
    // The VLAN is free again for the next service.
    const next = json<Created>(request(dir, [...DIA, '--format', 'json']));
    expect(next.targets[0]!.logs.map((l) => l.message)).toContain('VLAN 1000');
  });

  it('list shows open, merged and abandoned requests; abandon deletes the branch and keeps its tip', () => {
    const dir = otterNet();
    const a = json<Created>(request(dir, [...DIA, '--format', 'json']));
    const b = json<Created>(request(dir, [...DIA, '--format', 'json']));
    const c = json<Created>(request(dir, [...DIA, '--format', 'json']));
    merge(dir, a.branch);
    const abandoned = request(dir, ['abandon', c.request]);
    expect(abandoned.code).toBe(0);
    expect(git(dir, 'branch', '--list', c.branch).trim()).toBe('');
    expect(git(dir, 'rev-parse', `refs/svc/abandoned/${c.request}`).trim()).toBe(c.commit);
    const rows = json<{ requestId: string; state: string; action: string; customer: string; product: string }[]>(request(dir, ['list', '--format', 'json']));
    expect(rows.map((r) => [r.requestId, r.state, r.action])).toEqual([
      [a.request, 'merged', 'create'],
      [b.request, 'open', 'create'],
      [c.request, 'abandoned', 'create'],
    ]);
    expect(rows[0]).toMatchObject({ customer: 'acme', product: 'dedicated internet' });
    const table = request(dir, ['list']);
    expect(table.stdout).toMatch(/dia-0002\s+create\s+dia-0002\s+dedicated internet\s+acme\s+open/);
    for (const [state, id] of [['open', b.request], ['merged', a.request], ['abandoned', c.request]] as const) {
      expect(json<{ requestId: string }[]>(request(dir, ['list', '--state', state, '--format', 'json'])).map((r) => r.requestId)).toEqual([id]);
    }
    // Both requests re-rendered the same devices' configurations: b is made again on the new main first.
    expect(request(dir, ['rebase', b.request]).code).toBe(0);
    merge(dir, b.branch);
    expect(request(dir, ['list', '--state', 'open']).stdout).toBe('no open requests\n');
    const badState = request(dir, ['list', '--state', 'closed']);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain("'closed' is invalid");
    const unknown = request(dir, ['abandon', 'nope-1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no open request "nope-1"');
  });

  it('--push shares the branch with the remote; --pr without gh prints the body file and the exact command', () => {
    const { clones } = withRemote(1);
    const dir = clones[0]!;
    const r = request(dir, [...DIA, '--push', '--pr'], { PATH: '/usr/bin:/bin' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pushed request/dia-0001 to origin');
    expect(r.stdout).toMatch(/gh pr create --head request\/dia-0001 --base main --title 'create dedicated internet dia-0001 for acme' --body-file \S+\.md/);
    expect(git(dir, 'ls-remote', 'origin', 'refs/heads/request/dia-0001').trim()).not.toBe('');
  });

  it('--push --pr without a remote shows the request it made, then what failed and what is left to do', () => {
    const dir = otterNet();
    const r = request(dir, [...DIA, '--push', '--pr']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('✓ create dia-0001 (dedicated internet, acme): active');
    expect(r.stderr).toMatch(/request dia-0001 was made: branch request\/dia-0001 is committed here \(commit [0-9a-f]{12}\), but pushing it to origin failed, so no pull request was opened: the repository has no remote "origin"/);
    expect(r.stderr).toContain('git remote add origin');
    expect(git(dir, 'branch', '--list', 'request/dia-0001').trim()).not.toBe('');
  });
});

describe('rebase and the shared ledger over a request\'s life', () => {
  it('rebase re-creates the request on the moved base with the same resources; gc settles merged requests', () => {
    const dir = otterNet();
    const a = json<Created>(request(dir, [...DIA, '--format', 'json']));
    const b = json<Created>(request(dir, [...DIA, '--format', 'json']));
    const vlanB = JSON.parse(fileAt(dir, b.branch, 'inventory/IpamVLAN/vlan__dia-0002.json')).vlan_id;
    merge(dir, a.branch);
    const r = json<Created>(request(dir, ['rebase', b.request, '--format', 'json']));
    expect(r.request).toBe(b.request);
    expect(r.commit).not.toBe(b.commit);
    expect(git(dir, 'merge-base', '--is-ancestor', 'main', r.branch).trim()).toBe('');
    expect(JSON.parse(fileAt(dir, r.branch, 'inventory/IpamVLAN/vlan__dia-0002.json')).vlan_id).toBe(vlanB);
    merge(dir, r.branch);
    expect(svc(dir, ['validate']).code).toBe(0);
    // Both requests are merged: gc makes their reservations permanent instead of freeing them.
    git(dir, 'branch', '-q', '-D', a.branch, r.branch);
    const gc = json<{ settled: string[]; released: unknown[] }>(svc(dir, ['pools', 'gc', '--grace', '0s', '--format', 'json']));
    expect(gc.settled.sort()).toEqual(['request/dia-0001', 'request/dia-0002']);
    expect(gc.released.filter((x) => JSON.stringify(x).includes('request/dia-000'))).toEqual([]);
    const next = json<Created>(request(dir, [...DIA, '--format', 'json']));
    expect(next.targets[0]!.logs.map((l) => l.message)).not.toContain(`VLAN ${vlanB}`);
  });

  it('rebase of an unknown request is refused', () => {
    const dir = otterNet();
    const r = request(dir, ['rebase', 'dia-0099']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no open request "dia-0099"');
  });

  it('a terminate whose branch cannot be written gives nothing back: the ledger and the repository stay as they were', () => {
    const dir = otterNet();
    merge(dir, json<Created>(request(dir, [...DIA, '--format', 'json'])).branch);
    // git itself refuses the request branch (as a server-side policy or a full disk would), after the generators ran.
    const hook = join(dir, '.git', 'hooks', 'reference-transaction');
    writeFileSync(hook, '#!/bin/sh\n[ "$1" = prepared ] || exit 0\nif grep -q " refs/heads/request/"; then echo "request branches are frozen" >&2; exit 1; fi\n', { mode: 0o755 });
    const before = snapshot(dir);
    const ledger = git(dir, 'rev-parse', 'refs/svc/reservations').trim();
    const t = request(dir, ['terminate', 'dia-0001']);
    expect(t.code).not.toBe(0);
    expect(t.stderr).toMatch(/request\/dia-0001-terminate-1/);
    // The VLAN, the prefix and the port the terminate would have let go of are still held by dia-0001.
    expect(git(dir, 'rev-parse', 'refs/svc/reservations').trim()).toBe(ledger);
    expect(snapshot(dir)).toBe(before);
    rmSync(hook);
    expect(json<Created>(request(dir, ['terminate', 'dia-0001', '--format', 'json'])).status).toBe('terminated');
    expect(git(dir, 'log', '-1', '--format=%s', 'refs/svc/reservations')).toMatch(/[1-9]\d* put, [1-9]\d* dropped/);
  });

  it('a terminate whose letting go fails after its branch is committed stands, warns, and rebase marks the resources', () => {
    const dir = otterNet();
    merge(dir, json<Created>(request(dir, [...DIA, '--format', 'json'])).branch);
    const hook = join(dir, '.git', 'hooks', 'reference-transaction');
    writeFileSync(hook, '#!/bin/sh\n[ "$1" = prepared ] || exit 0\nif grep -q " refs/svc/reservations"; then echo "ledger frozen" >&2; exit 1; fi\n', { mode: 0o755 });
    const ledger = git(dir, 'rev-parse', 'refs/svc/reservations').trim();
    const t = json<Created & { notReleased?: string }>(request(dir, ['terminate', 'dia-0001', '--format', 'json']));
    expect(t.status).toBe('terminated');
    expect(t.notReleased).toMatch(/ledger frozen/);
    expect(git(dir, 'rev-parse', 'refs/svc/reservations').trim()).toBe(ledger);
    const text = request(dir, ['rebase', t.request]);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain(`warning: the resources dia-0001 lets go of are not marked as let go of by this request (git refused to update refs/svc/reservations: ledger frozen), so its merge will not free them; \`svc request rebase ${t.request}\` marks them`);
    rmSync(hook);
    const again = json<Created & { notReleased?: string }>(request(dir, ['rebase', t.request, '--format', 'json']));
    expect(again.notReleased).toBeUndefined();
    expect(git(dir, 'log', '-1', '--format=%s', 'refs/svc/reservations')).toMatch(/[1-9]\d* put, [1-9]\d* dropped/);
  });

  it('a terminate frees nothing until it is merged: a request from an older base cannot take its VLAN, and abandoning it gives everything back', () => {
    const dir = otterNet();
    const older = git(dir, 'rev-parse', 'main').trim();
    merge(dir, json<Created>(request(dir, [...DIA, '--format', 'json'])).branch);
    const ledger = () => JSON.parse(svc(dir, ['pools', '--format', 'json']).stdout) as { pools: { name: string; reservations: { held: number; permanent: number; releasing: number } }[] };
    const vlanPool = () => ledger().pools.find((p) => p.name === 'Customer vlan pool')!.reservations;
    const t = json<Created>(request(dir, ['terminate', 'dia-0001', '--format', 'json']));
    // On the older base VLAN 1000 looks free, but dia-0001 on main still uses it until the terminate is merged.
    const stale = json<Created>(request(dir, [...DIA, '--base', older, '--format', 'json']));
    expect(stale.targets[0]!.logs.map((l) => l.message)).not.toContain('VLAN 1000');
    const before = vlanPool();
    expect(before.releasing).toBe(1);
    expect(svc(dir, ['pools']).stdout).toContain('reservation(s) let go of by requests not merged yet: freed when they merge, given back if they are abandoned');
    const a = svc(dir, ['request', 'abandon', t.request, '--format', 'json']);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ requestId: t.request, released: 0 });
    expect(JSON.parse(a.stdout).restored).toBeGreaterThan(0);
    // The same count of reservations, now back under dia-0001's keys; the audit finds nothing wrong.
    expect(vlanPool()).toEqual({ ...before, releasing: 0 });
    expect(svc(dir, ['validate']).code).toBe(0);
    const text = svc(dir, ['request', 'abandon', stale.request]);
    expect(text.stdout).toMatch(/reservation\(s\) released, 0 given back to the subscription/);
  });

  it('abandon whose ledger update fails still abandons, and says gc will release what it held', () => {
    const dir = otterNet();
    const c = json<Created>(request(dir, [...DIA, '--format', 'json']));
    writeFileSync(join(dir, '.git', 'hooks', 'reference-transaction'), '#!/bin/sh\n[ "$1" = prepared ] || exit 0\nif grep -q " refs/svc/reservations"; then echo "ledger frozen" >&2; exit 1; fi\n', { mode: 0o755 });
    const ledger = git(dir, 'rev-parse', 'refs/svc/reservations').trim();
    const r = svc(dir, ['request', 'abandon', c.request]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: the reservation ledger was not updated (git refused to update refs/svc/reservations: ledger frozen); `svc pools gc` releases what the request held once its grace period is over');
    expect(git(dir, 'branch', '--list', c.branch).trim()).toBe('');
    expect(git(dir, 'rev-parse', `refs/svc/abandoned/${c.request}`).trim()).toBe(c.commit);
    expect(git(dir, 'rev-parse', 'refs/svc/reservations').trim()).toBe(ledger);
  });

  it('with a remote, a failed request gives back what it reserved in a new shared commit: history grows, the record is as before', () => {
    const { remote, clones } = withRemote(1);
    const dir = clones[0]!;
    expect(request(dir, DIA).code).toBe(0);
    const tree = (repo: string) => git(repo, 'rev-parse', 'refs/svc/reservations^{tree}').trim();
    const count = (repo: string) => Number(git(repo, 'rev-list', '--count', 'refs/svc/reservations').trim());
    const [treeBefore, countBefore] = [tree(remote), count(remote)];
    git(dir, 'rm', '-q', '-r', 'inventory/DcimDevice/rt01-par02.json', 'inventory/DcimDevice/rt02-par02.json', 'inventory/DcimInterfaceL3/rt01-par02', 'inventory/DcimInterfaceL3/rt02-par02');
    git(dir, 'commit', '-q', '-m', 'par02 without routers');
    const r = request(dir, ['create', 'dedicated internet 1000', '--customer', 'a', '--set', 'site=par02', '--set', 'ip_package=small']);
    expect(r.code).toBe(1);
    // Others may have seen the shared reservations: they are released on top, never rewritten away.
    expect(count(remote)).toBeGreaterThan(countBefore);
    expect(tree(remote)).toBe(treeBefore);
    expect(git(dir, 'rev-parse', 'refs/svc/reservations').trim()).toBe(git(remote, 'rev-parse', 'refs/svc/reservations').trim());
  });
});

describe('ids no two requests share, across clones', () => {
  it('a new subscription id stays reserved while its request branch lives, even unpushed and past gc', () => {
    const { remote, clones } = withRemote(2);
    const [dev, other] = clones as [string, string];
    const later = { SVC_NOW: '2026-01-01T02:00:00Z' };
    const first = json<Created>(request(dev, [...DIA, '--format', 'json']));
    expect(first.subscription).toBe('dia-0001');
    // gc where the branch lives keeps the id (before, the id's reservation was dropped after an hour).
    const gc = JSON.parse(svc(dev, ['pools', 'gc', '--format', 'json'], { env: later }).stdout) as { released: unknown[] };
    expect(gc.released).toEqual([]);
    // Another clone, which cannot see the unpushed branch, takes the next id.
    const second = json<Created>(request(other, [...DIA, '--format', 'json'], later));
    expect(second.subscription).toBe('dia-0002');
    // In the shared ledger, the request's own branch holds its id; abandoning frees the rest, and the id for good (next test).
    const holds = (holder: string) => {
      const file = git(remote, 'ls-tree', '-r', '--name-only', 'refs/svc/reservations', 'h/').split('\n').find((p) => p.endsWith(`/${holder.replace('/', '%2F')}`));
      return file ? git(remote, 'show', `refs/svc/reservations:${file}`) : '';
    };
    expect(holds(first.branch)).toContain('svc:ids:dia');
    expect(holds(second.branch)).toContain('svc:ids:dia');
    expect(request(dev, ['abandon', first.request]).code).toBe(0);
    expect(holds(first.branch)).toBe('');
  });

  it('an abandoned request keeps its id for good: another clone, which never saw it, is not given it again', () => {
    const { clones } = withRemote(2);
    const [dev, other] = clones as [string, string];
    const first = json<Created>(request(dev, [...DIA, '--format', 'json']));
    const abandoned = json<{ keptIds: string[]; released: number }>(request(dev, ['abandon', first.request, '--format', 'json']));
    expect(abandoned.keptIds).toEqual(['dia-0001']);
    // The VLAN and the prefix, the gateway address and the port went back.
    expect(abandoned.released).toBeGreaterThan(0);
    expect(request(dev, ['abandon', 'dia-0001']).code).toBe(2);
    const next = json<Created>(request(other, [...DIA, '--format', 'json']));
    expect(next.subscription).toBe('dia-0002');
    // Its resources were freed: the other clone's request is given the same VLAN.
    expect(JSON.parse(fileAt(other, next.branch, 'inventory/IpamVLAN/vlan__dia-0002.json')).vlan_id).toBe(JSON.parse(fileAt(dev, `refs/svc/abandoned/${first.request}`, 'inventory/IpamVLAN/vlan__dia-0001.json')).vlan_id);
    expect(svc(dev, ['validate']).code).toBe(0);
    const text = svc(other, ['request', 'abandon', next.request]);
    expect(text.stdout).toContain('id dia-0002 stays taken: no other request will be given it');
  });

  it('a modify or terminate skips a request id a pushed branch of the remote already has, and waits while it is open', () => {
    const { clones } = withRemote(2);
    const [dev, other] = clones as [string, string];
    merge(dev, json<Created>(request(dev, [...DIA, '--format', 'json'])).branch);
    git(dev, 'push', '-q', 'origin', 'main');
    const m = json<Created>(request(dev, ['modify', 'dia-0001', '--set', 'ip_package=large', '--format', 'json']));
    expect(m.request).toBe('dia-0001-modify-1');
    git(dev, 'push', '-q', 'origin', m.branch);
    git(other, 'pull', '-q', '--ff-only');
    // While the pushed modify is open, another operation on dia-0001 is refused, naming it.
    const refused = request(other, ['terminate', 'dia-0001']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error[request/operation-open]: dia-0001 already has an open modify request, dia-0001-modify-1 (branch origin/request/dia-0001-modify-1, pushed)');
    // Merged (its branch still on the remote), the next modify gets the next id.
    merge(dev, m.branch);
    git(dev, 'push', '-q', 'origin', 'main');
    git(other, 'pull', '-q', '--ff-only');
    expect(json<Created>(request(other, ['modify', 'dia-0001', '--set', 'ip_package=medium', '--format', 'json'])).request).toBe('dia-0001-modify-2');
  });
});

describe('svc pools gc --dry-run with a remote', () => {
  it('in a fresh clone, previews the shared ledger the real run changes, and writes no ledger of its own', () => {
    const { remote, clones } = withRemote(2);
    const [dev, ci] = clones as [string, string];
    const c = json<Created>(request(dev, [...DIA, '--format', 'json']));
    // The branch goes without `abandon`: its reservations stay in the shared ledger until gc.
    git(dev, 'branch', '-q', '-D', c.branch);
    const sharedBefore = git(remote, 'rev-parse', 'refs/svc/reservations').trim();
    const later = { SVC_NOW: '2026-01-01T02:00:00Z' };
    type Gc = { dryRun: boolean; applied: boolean; released: { holder: string; resource: string }[] };
    const dry = svc(ci, ['pools', 'gc', '--dry-run', '--format', 'json'], { env: later });
    expect(dry.code).toBe(0);
    const preview = JSON.parse(dry.stdout) as Gc;
    expect(preview).toMatchObject({ dryRun: true, applied: false });
    expect(preview.released.length).toBeGreaterThan(0);
    expect(new Set(preview.released.map((r) => r.holder))).toEqual(new Set([c.branch]));
    expect(git(ci, 'for-each-ref', '--format=%(refname)', 'refs/svc/reservations').trim()).toBe('');
    expect(git(remote, 'rev-parse', 'refs/svc/reservations').trim()).toBe(sharedBefore);
    // What the real run then releases is what the preview said; it fetches the shared ledger once.
    const trace = join(tempDir('svc-trace-'), 'git.log');
    const real = JSON.parse(svc(ci, ['pools', 'gc', '--format', 'json'], { env: { ...later, GIT_TRACE: trace } }).stdout) as Gc;
    expect(readFileSync(trace, 'utf8').match(/built-in: git fetch .*refs\/svc\/reservations/g)).toHaveLength(1);
    expect(real.applied).toBe(true);
    expect(real.released).toEqual(preview.released);
    expect(git(remote, 'rev-parse', 'refs/svc/reservations').trim()).not.toBe(sharedBefore);
  });
});

describe('svc pools gc --settle-only, as CI on the default branch runs it', () => {
  it('in a fresh clone: frees what a merged terminate let go of, and releases nothing else', () => {
    const { remote, clones } = withRemote(2);
    const [dev, ci] = clones as [string, string];
    type Pools = { pools: { name: string; reservations: { held: number; permanent: number; releasing: number } }[] };
    const vlans = (dir: string) => (JSON.parse(svc(dir, ['pools', '--format', 'json']).stdout) as Pools).pools.find((p) => p.name === 'Customer vlan pool')!.reservations;
    merge(dev, json<Created>(request(dev, [...DIA, '--format', 'json'])).branch);
    git(dev, 'push', '-q', 'origin', 'main');
    const t = json<Created>(request(dev, ['terminate', 'dia-0001', '--format', 'json']));
    // Another request that exists only on the engineer's machine: its reservations are shared, its branch is not.
    const local = json<Created>(request(dev, ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=fra01', '--set', 'ip_package=small', '--format', 'json']));
    merge(dev, t.branch);
    git(dev, 'push', '-q', 'origin', 'main');
    // dia-0001's VLAN (still held: no gc ran since its merge) is being let go of; fra01's is held.
    expect(vlans(dev)).toEqual({ held: 2, permanent: 0, releasing: 1 });
    const sharedBefore = git(remote, 'rev-parse', 'refs/svc/reservations').trim();
    // A dry run says what it would settle, and changes nothing.
    const localBefore = git(dev, 'rev-parse', 'refs/svc/reservations').trim();
    const dry = svc(dev, ['pools', 'gc', '--settle-only', '--dry-run', '--format', 'json'], { env: NOW });
    // The create is settled too: its branch still holds the subscription id, which stays taken for good.
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, settled: ['request/dia-0001', t.branch], released: [], applied: false });
    expect(git(dev, 'rev-parse', 'refs/svc/reservations').trim()).toBe(localBefore);
    expect(git(remote, 'rev-parse', 'refs/svc/reservations').trim()).toBe(sharedBefore);

    git(ci, 'pull', '-q', '--ff-only');
    expect(git(ci, 'for-each-ref', 'refs/svc/').trim()).toBe('');
    const r = svc(ci, ['pools', 'gc', '--settle-only', '--format', 'json'], { env: NOW });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ settled: ['request/dia-0001', t.branch], released: [], restored: [], applied: true, shared: true });
    // The shared ledger moved on: the terminate's VLAN is free, the unpushed request keeps its own.
    expect(git(remote, 'rev-parse', 'refs/svc/reservations').trim()).not.toBe(sharedBefore);
    expect(vlans(ci)).toEqual({ held: 1, permanent: 0, releasing: 0 });
    expect(git(ci, 'rev-parse', 'refs/svc/reservations').trim()).toBe(git(remote, 'rev-parse', 'refs/svc/reservations').trim());
    expect(JSON.parse(fileAt(dev, local.branch, `inventory/IpamVLAN/vlan__${local.request}.json`)).vlan_id).toBe(1001);
    // Nothing left to settle: a second run changes nothing.
    expect(JSON.parse(svc(ci, ['pools', 'gc', '--settle-only', '--format', 'json'], { env: NOW }).stdout)).toMatchObject({ settled: [], applied: false });
  });
});

describe('workflows a product file does not list are enabled (as in SURF)', () => {
  it('a product without workflows: can be requested, modified and terminated', () => {
    const dir = otterNet();
    const file = join(dir, 'products/dedicated-internet.yml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf('workflows:\n')));
    git(dir, 'commit', '-qam', 'no workflows list, as most SURF templates');
    expect(svc(dir, ['validate']).code).toBe(0);
    merge(dir, json<Created>(request(dir, [...DIA, '--format', 'json'])).branch);
    const m = json<Created>(request(dir, ['modify', 'dia-0001', '--set', 'ip_package=large', '--format', 'json']));
    expect(m.status).toBe('active');
    merge(dir, m.branch);
    const t = json<Created>(request(dir, ['terminate', 'dia-0001', '--format', 'json']));
    expect(t.status).toBe('terminated');
    // The open terminate is abandoned first: a second operation beside it is refused for that alone.
    expect(request(dir, ['abandon', t.request]).code).toBe(0);
    // Turned off by name, it is refused, saying how to turn it on again.
    writeFileSync(file, `${readFileSync(file, 'utf8')}workflows:\n  - name: terminate\n    enabled: false\n`);
    git(dir, 'commit', '-qam', 'no terminate');
    const off = request(dir, ['terminate', 'dia-0001']);
    expect(off.code).toBe(1);
    expect(off.stderr).toContain('error[operation/disabled]');
    expect(off.stderr).toContain('drop `enabled: false` from terminate under workflows:');
  });
});
