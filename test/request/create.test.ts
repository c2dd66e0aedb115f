import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { nodeFileHost } from '../../src/adapters/fs.js';
import { askForRequest } from '../../src/cli/request-form.js';
import { openCatalog } from '../../src/core/catalog/catalog.js';
import { git, svc, svcTraced, tempDir } from '../helpers/repo.js';
import { fileAt, json, NOW, otterNet, request, snapshot, type Created } from './helpers.js';

const DIA = ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small'];

describe('svc request create', () => {
  it('commits the subscription and what the generators made to request/<id>, leaving the checkout alone', () => {
    const dir = otterNet();
    writeFileSync(join(dir, 'notes.txt'), 'uncommitted work\n');
    const site = 'inventory/LocationSite/par01.json';
    writeFileSync(join(dir, site), readFileSync(join(dir, site), 'utf8').replace('"name"', '"name"'));
    const before = snapshot(dir);
    const r = json<Created>(request(dir, [...DIA, '--format', 'json']));
    expect(r.request).toBe('dia-0001');
    expect(r.branch).toBe('request/dia-0001');
    expect(r.status).toBe('active');
    expect(git(dir, 'rev-parse', 'request/dia-0001').trim()).toBe(r.commit);
    // The checkout: same branch, same HEAD, same status, the uncommitted file untouched.
    const after = JSON.parse(snapshot(dir));
    const was = JSON.parse(before);
    expect(after.head).toBe(was.head);
    expect(after.status).toBe(was.status);
    expect(after.staged).toBe(was.staged);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('uncommitted work\n');
    expect(git(dir, 'branch', '--show-current').trim()).toBe('main');
    // What the branch holds.
    const sub = JSON.parse(fileAt(dir, 'request/dia-0001', 'inventory/ProductDedicatedInternet/dia-0001.json'));
    expect(sub).toMatchObject({ subscription_id: 'dia-0001', customer: 'acme', status: 'active', insync: true, version: 2, start_date: '2026-01-01T00:00:00.000Z', bandwidth: 1000 });
    // The block is filed, and referred to, by its subscription's id and its name: no opaque id for a reviewer.
    expect(sub.dedicated_internet).toEqual(['dia-0001', 'dedicated_internet']);
    const block = JSON.parse(fileAt(dir, 'request/dia-0001', 'inventory/BlockDedicatedInternet/dia-0001/dedicated_internet.json'));
    expect(block).toMatchObject({ block_name: 'dedicated_internet', subscription: { kind: 'ProductDedicatedInternet', hfid: 'dia-0001' }, site: 'par01', ip_package: 'small' });
    const vlan = JSON.parse(fileAt(dir, 'request/dia-0001', 'inventory/IpamVLAN/vlan__dia-0001.json'));
    expect(vlan.vlan_id).toBe(1000);
    const message = git(dir, 'log', '-1', '--format=%B', 'request/dia-0001');
    expect(message).toContain('Svc-Request: dia-0001');
    expect(message).toContain('Svc-Action: create');
    expect(message).toContain('Svc-Product: dedicated internet');
    // The branch is a valid catalog: validate passes on it.
    git(dir, 'stash', '-u', '-q');
    git(dir, 'checkout', '-q', 'request/dia-0001');
    expect(svc(dir, ['validate']).code).toBe(0);
  });

  it('asks git where the shared remote is once for all its ledger updates, and reads the files it changes with one cat-file', () => {
    const dir = otterNet();
    const r = svcTraced(dir, ['request', ...DIA, '--format', 'json'], NOW);
    const calls = r.calls;
    expect(json<Created>(r).status).toBe('active');
    // Four ledger updates (the subscription id, a VLAN, a prefix, a port), one question about the remote.
    expect(calls.filter((c) => c.startsWith("update-ref -m 'svc reservations'"))).toHaveLength(4);
    expect(calls.filter((c) => c.startsWith('config --get remote.origin.url'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('cat-file blob'))).toEqual([]);
    // Each ledger update reads its ref through the cat-file it reads the ledger with, and one cat-file
    // serves every ledger read of the request; the others read the base's files and write the branch.
    expect(calls.filter((c) => c.includes('refs/svc/reservations^{commit}'))).toEqual([]);
    expect(calls.filter((c) => c === 'cat-file --batch')).toHaveLength(3);
  });

  it('signs the ledger and the branch as the user git would commit as, asking git config once', () => {
    const dir = otterNet();
    const global = join(tempDir('svc-global-'), 'gitconfig');
    writeFileSync(global, '[user]\n\tname = Global Name\n\temail = global@example.test\n');
    git(dir, 'config', 'user.name', 'Repo Name');
    git(dir, 'config', 'user.email', 'repo@example.test');
    const noIdentity = { GIT_AUTHOR_NAME: undefined, GIT_AUTHOR_EMAIL: undefined, GIT_COMMITTER_NAME: undefined, GIT_COMMITTER_EMAIL: undefined };
    const r = svcTraced(dir, ['request', ...DIA, '--format', 'json'], { ...NOW, ...noIdentity, GIT_CONFIG_GLOBAL: global });
    expect(json<Created>(r).status).toBe('active');
    expect(r.calls.filter((c) => c.startsWith('config -z --get-regexp'))).toHaveLength(1);
    // The repository's own setting wins over the global one, as in git.
    const who = (ref: string) => git(dir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>', ref).trim();
    expect(who('request/dia-0001')).toBe('Repo Name <repo@example.test>|Repo Name <repo@example.test>');
    expect(who('refs/svc/reservations')).toBe('Repo Name <repo@example.test>|Repo Name <repo@example.test>');
  });

  it('the next request gets the next id and other resources, even from the same base', () => {
    const dir = otterNet();
    const a = json<Created>(request(dir, [...DIA, '--format', 'json']));
    const b = json<Created>(request(dir, [...DIA.slice(0, 3), 'globex', ...DIA.slice(4), '--format', 'json']));
    expect(b.request).toBe('dia-0002');
    const vlanA = JSON.parse(fileAt(dir, a.branch, 'inventory/IpamVLAN/vlan__dia-0001.json')).vlan_id;
    const vlanB = JSON.parse(fileAt(dir, b.branch, 'inventory/IpamVLAN/vlan__dia-0002.json')).vlan_id;
    expect(vlanA).not.toBe(vlanB);
  });

  it('takes inputs from -f request.yml and a product name with the fixed input as --set', () => {
    const dir = otterNet();
    writeFileSync(join(dir, 'req.yml'), 'customer: initech\nsite: fra01\nip_package: medium\n');
    const r = json<Created>(request(dir, ['create', 'dedicated internet', '--set', 'bandwidth=100', '-f', 'req.yml', '--id', 'initech-1', '--format', 'json']));
    expect(r.request).toBe('initech-1');
    const block = git(dir, 'show', `${r.branch}`, '--name-only', '--format=');
    expect(block).toContain('inventory/ProductDedicatedInternet/initech-1.json');
    const sub = JSON.parse(fileAt(dir, r.branch, 'inventory/ProductDedicatedInternet/initech-1.json'));
    expect(sub).toMatchObject({ customer: 'initech', bandwidth: 100, product: 'dedicated internet 100' });
  });

  it('a product without a generator is active with its request, which must give what active requires', () => {
    const dir = otterNet();
    const NODE = ['create', 'node Nokia', '--customer', 'otter', '--set', 'node_name=pe-01', '--set', 'site=par01', '--format', 'json'];
    refusedAsJson(dir, NODE, {
      code: 'request/invalid',
      diagnostics: [expect.objectContaining({ code: 'request/invalid-input', message: 'loopback_ipv4: missing, and required', hint: 'loopback_ipv4 is required at active, and node has no generator to fill it in later: the request gives it' })],
    });
    const node = json<Created>(request(dir, [...NODE, '--set', 'loopback_ipv4=10.255.0.1']));
    expect(node.status).toBe('active');
    expect(node.targets).toEqual([expect.objectContaining({ generator: null, outcome: 'checked', lifecycle: { from: 'provisioning', to: 'active' } })]);
    const sub = JSON.parse(fileAt(dir, node.branch, 'inventory/ProductNode/node-0001.json')) as Record<string, unknown>;
    expect(sub).toMatchObject({ status: 'active', start_date: expect.any(String) });
    expect(git(dir, 'log', '-1', '--format=%B', node.branch)).toContain('(no generator): checked (provisioning → active)');
    // A modify goes through provisioning and back to active the same way.
    git(dir, 'merge', '-q', '--no-ff', '-m', 'node', node.branch);
    const mod = json<Created>(request(dir, ['modify', 'node-0001', '--set', 'node_description=core', '--format', 'json']));
    expect(mod.status).toBe('active');
    expect(JSON.parse(fileAt(dir, mod.branch, 'inventory/ProductNode/node-0001.json'))).toMatchObject({ status: 'active', version: 3 });
  });

  it('an input left out takes its default; a port on a terminated node is refused, naming the node, and leaves nothing', () => {
    const dir = otterNet();
    const node = json<Created>(request(dir, ['create', 'node Nokia', '--customer', 'otter', '--set', 'node_name=pe-01', '--set', 'site=par01', '--set', 'loopback_ipv4=10.255.0.1', '--format', 'json']));
    git(dir, 'merge', '-q', '--no-ff', '-m', 'node', node.branch);
    const blockFile = git(dir, 'ls-files', 'inventory/BlockNode').trim();
    const nodeBlock = (JSON.parse(readFileSync(join(dir, blockFile), 'utf8')) as { id: string }).id;
    const PORT = ['create', 'port 1000', '--customer', 'otter', '--set', `node=${nodeBlock}`, '--set', 'port_name=et-0/0/1', '--format', 'json'];
    // Named as svc shows it ("node-0001 / node"), spaces around the slash and all.
    const shown = PORT.map((a) => (a.startsWith('node=') ? 'node=node-0001 / node' : a));
    expect(json<Created>(request(dir, [...shown, '--id', 'as-shown'])).status).toBe('active');
    expect(request(dir, ['abandon', 'as-shown']).code).toBe(0);
    const port = json<Created>(request(dir, PORT));
    const portBlock = git(dir, 'show', '--name-only', '--format=', port.branch).split('\n').find((f) => f.startsWith('inventory/BlockPort/'))!;
    expect(JSON.parse(fileAt(dir, port.branch, portBlock))).toMatchObject({ port_name: 'et-0/0/1', port_mode: 'tagged' });
    // Nothing a port requires at active is left to a generator: it is active at once.
    expect(port.status).toBe('active');
    const end = json<Created>(request(dir, ['terminate', 'node-0001', '--format', 'json']));
    git(dir, 'merge', '-q', '--no-ff', '-m', 'node gone', end.branch);
    refusedAsJson(dir, PORT, {
      code: 'lifecycle/dependencies',
      message: 'subscription port-0002 (port 1000) cannot become provisioning: it uses node-0001 (node Nokia, terminated)',
      hint: expect.stringContaining('terminated is final, so use another one'),
    });
  });

  it('prints the id, the branch and the diff for people', () => {
    const dir = otterNet();
    const r = request(dir, DIA);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('dia-0001');
    expect(r.stdout).toContain('request/dia-0001');
    expect(r.stdout).toContain('IpamVLAN');
    // Each hash says what it is: the request's commit, and the base it was made on.
    const tip = git(dir, 'rev-parse', 'request/dia-0001').trim().slice(0, 12);
    const base = git(dir, 'rev-parse', 'main').trim().slice(0, 12);
    expect(r.stdout).toContain(`request dia-0001 on branch request/dia-0001: commit ${tip} on base main (${base})`);
  });
});

/** The request fails validation (exit 1) saying each of `says`, and the repository is as it was. */
function refusedLeavingNothing(dir: string, args: string[], ...says: string[]): void {
  const before = snapshot(dir);
  const r = request(dir, args);
  expect(r.code).toBe(1);
  for (const s of says) expect(r.stderr).toContain(s);
  expect(snapshot(dir)).toBe(before);
}

/** The same under --format json: stderr is one error document, whose `error` matches `error`. */
function refusedAsJson(dir: string, args: string[], error: Record<string, unknown>): void {
  const before = snapshot(dir);
  const r = request(dir, args);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stderr)).toMatchObject({ format_version: 1, error });
  expect(snapshot(dir)).toBe(before);
}

describe('refusals leave nothing behind', () => {
  it('a product whose file turns the create workflow off cannot be requested', async () => {
    const dir = otterNet();
    const file = join(dir, 'products/port.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  - name: create\n    enabled: true', '  - name: create\n    enabled: false'));
    git(dir, 'commit', '-qam', 'ports are made by hand');
    refusedLeavingNothing(dir, ['create', 'port 1000', '--customer', 'otter', '--set', 'node=x', '--set', 'port_name=et-0/0/1'], 'error[operation/disabled]', 'has no enabled create workflow', 'enable it in products/port.yml');
    // On a terminal, before the first question of the form.
    const catalog = openCatalog(dir, nodeFileHost).catalog!;
    await expect(askForRequest(catalog, 'port 1000', new Chalk({ level: 0 }))).rejects.toMatchObject({ code: 'operation/disabled', message: 'a new port 1000: product "port" has no enabled create workflow' });
  });

  const cases: [string, string[], number, RegExp][] = [
    ['an unknown product', ['create', 'dedicated internt 1000', '--customer', 'a', '--set', 'site=par01', '--set', 'ip_package=small'], 2, /no product or variant named "dedicated internt 1000"[\s\S]*did you mean "dedicated internet 1000"/],
    ['a bad input value', ['create', 'dedicated internet 1000', '--customer', 'a', '--set', 'site=par01', '--set', 'ip_package=huge'], 1, /ip_package: "huge" is not one of small, medium, large/],
    ['an unknown site', ['create', 'dedicated internet 1000', '--customer', 'a', '--set', 'site=nowhere', '--set', 'ip_package=small'], 1, /site/],
    ['a missing input', ['create', 'dedicated internet 1000', '--customer', 'a', '--set', 'site=par01'], 1, /ip_package/],
    ['no customer', ['create', 'dedicated internet 1000', '--set', 'site=par01', '--set', 'ip_package=small'], 1, /customer/],
    ['a variant not chosen', ['create', 'dedicated internet', '--customer', 'a', '--set', 'site=par01', '--set', 'ip_package=small'], 1, /choose bandwidth/],
    ['an invalid id', [...DIA, '--id', 'Bad Id'], 2, /"Bad Id" is not a valid request id/],
    ['a missing base', [...DIA, '--base', 'nope'], 2, /base "nope" is not a commit/],
    ['a --set without =', ['create', 'dedicated internet 1000', '--set', 'site'], 2, /expected input=value/],
    ['an address that is not one', ['create', 'node Nokia', '--customer', 'a', '--set', 'node_name=pe-09', '--set', 'site=par01', '--set', 'loopback_ipv4=not-an-ip'], 1, /loopback_ipv4: "not-an-ip" is not an IPv4 address/],
  ];
  for (const [what, args, code, message] of cases) {
    it(what, () => {
      const dir = otterNet();
      const before = snapshot(dir);
      const r = request(dir, args);
      expect(r.stderr).toMatch(message);
      expect(r.code).toBe(code);
      expect(snapshot(dir)).toBe(before);
    });
  }

  it('an id already used (branch exists, or subscription merged)', () => {
    const dir = otterNet();
    expect(request(dir, [...DIA, '--id', 'x-1']).code).toBe(0);
    const before = snapshot(dir);
    const r = request(dir, [...DIA, '--id', 'x-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('branch request/x-1 already exists');
    expect(snapshot(dir)).toBe(before);
    git(dir, 'merge', '-q', '--ff-only', 'request/x-1');
    git(dir, 'branch', '-q', '-D', 'request/x-1');
    const again = request(dir, [...DIA, '--id', 'x-1']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('subscription "x-1" already exists on main');
  });

  it('a generator that throws: no branch, no reservation kept, and the error names the generator, the target and the line', () => {
    const dir = otterNet();
    // par02 loses its edge routers: the generator cannot place the gateway and throws.
    git(dir, 'rm', '-q', '-r', 'inventory/DcimDevice/rt01-par02.json', 'inventory/DcimDevice/rt02-par02.json', 'inventory/DcimInterfaceL3/rt01-par02', 'inventory/DcimInterfaceL3/rt02-par02');
    git(dir, 'commit', '-q', '-m', 'par02 without routers');
    const before = snapshot(dir);
    const r = request(dir, ['create', 'dedicated internet 1000', '--customer', 'a', '--set', 'site=par02', '--set', 'ip_package=small']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/generator dedicated_internet failed for target dia-0001 at generators\/dedicated_internet\.ts:\d+:\d+: site par02 has no edge router 1/);
    expect(snapshot(dir)).toBe(before);
    // What it had reserved, its id included, was given back: the next request gets both again.
    const ok = json<Created>(request(dir, [...DIA, '--format', 'json']));
    expect(ok.request).toBe('dia-0001');
    expect(JSON.parse(fileAt(dir, ok.branch, 'inventory/IpamVLAN/vlan__dia-0001.json')).vlan_id).toBe(1000);
  });

  it('pool exhausted: a clear error and nothing created', () => {
    const dir = otterNet();
    const pool = 'inventory/CoreNumberPool/customer-vlan-pool~' ;
    const files = git(dir, 'ls-files', 'inventory/CoreNumberPool').trim().split('\n');
    const file = files.find((f) => f.startsWith(pool.slice(0, -1)))!;
    const text = readFileSync(join(dir, file), 'utf8').replace('"end_range": 1999', '"end_range": 1000');
    writeFileSync(join(dir, file), text);
    git(dir, 'commit', '-q', '-am', 'a one-VLAN pool');
    expect(request(dir, DIA).code).toBe(0);
    const before = snapshot(dir);
    const r = request(dir, DIA);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/generator dedicated_internet failed for target .* at generators\/dedicated_internet.ts:\d+:\d+/);
    expect(r.stderr).toMatch(/Customer vlan pool \(1000-1000, 1 value\): all 1 in use/);
    expect(snapshot(dir)).toBe(before);
  });

  it('no free port: says what was asked for, how many candidates there were and who holds them, once', () => {
    const dir = otterNet();
    // par01 keeps one free customer port: the first request takes it, the second finds it held.
    const ports = git(dir, 'ls-files', 'inventory/DcimInterfaceL2').trim().split('\n').filter((f) => /sw0[12]-par01\//.test(f));
    let kept = false;
    for (const f of ports) {
      const text = readFileSync(join(dir, f), 'utf8');
      if (!text.includes('"customer"') || !text.includes('"free"')) continue;
      if (!kept) kept = true;
      else writeFileSync(join(dir, f), text.replace('"status": "free"', '"status": "disabled"'));
    }
    git(dir, 'commit', '-q', '-am', 'par01 with one free port');
    expect(request(dir, DIA).code).toBe(0);
    const r = request(dir, [...DIA.slice(0, 3), 'other', ...DIA.slice(4)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no free DcimInterfaceL2 for customer-port among customer ports of core switches at par01: the 1 candidate is held \(request\/dia-0001 holds sw0\d-par01 \/ Ethernet1\/\d+\)/);
    expect(r.stderr).toContain('svc request abandon');
    expect(r.stderr).not.toContain('svc pools gc');
    // Said once: not again as a diagnostic above the error.
    expect(r.stderr.match(/no free DcimInterfaceL2/g)).toHaveLength(1);
  });
});
