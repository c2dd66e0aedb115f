import { describe, expect, it } from 'vitest';
import { fromTemplate } from '../helpers/otter.js';
import { git, svc } from '../helpers/repo.js';
import { json, otterNet, request, type Created } from '../request/helpers.js';

const DIA = ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'];

/** Otter-net where dia-0001 was created, modified (small → large) and terminated, each request merged. */
const history = () =>
  fromTemplate('history', () => {
    const dir = otterNet();
    const merge = (r: Created) => git(dir, 'merge', '-q', '--no-ff', '-m', `merge ${r.branch}`, r.branch);
    merge(json<Created>(request(dir, DIA)));
    merge(json<Created>(request(dir, ['modify', 'dia-0001', '--set', 'ip_package=large', '--format', 'json'])));
    merge(json<Created>(request(dir, ['terminate', 'dia-0001', '--format', 'json'])));
    return dir;
  });

interface Commit {
  commit: string;
  author: { name: string; email: string };
  date: string;
  subject: string;
  trailers: Record<string, string>;
}

describe('svc log', () => {
  it('--subscription: each request commit, newest first, with trailers, author, date and what it touched', () => {
    const dir = history();
    const r = svc(dir, ['log', '--subscription', 'dia-0001', '--format', 'json']);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout) as { format_version: number; subscription: string; commits: (Commit & { diff: { lifecycle: { from: string | null; to: string | null }[]; kinds: { kind: string }[] } })[] };
    expect(log.format_version).toBe(1);
    expect(log.commits.map((c) => c.trailers['Svc-Request'])).toEqual(['dia-0001-terminate-1', 'dia-0001-modify-1', 'dia-0001']);
    expect(log.commits.map((c) => c.trailers['Svc-Action'])).toEqual(['terminate', 'modify', 'create']);
    expect(log.commits[2]).toMatchObject({ author: { name: 'Test Author', email: 'author@example.test' }, subject: 'create dedicated internet dia-0001 for acme' });
    expect(log.commits[2]!.date).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The whole change of each request: the subscription's lifecycle and the resources it touched.
    expect(log.commits[2]!.diff.lifecycle).toEqual([expect.objectContaining({ from: null, to: 'active' })]);
    expect(log.commits[0]!.diff.lifecycle).toEqual([expect.objectContaining({ from: 'active', to: 'terminated' })]);
    expect(log.commits[2]!.diff.kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['DcimInterfaceL2', 'IpamVLAN', 'IpamPrefix', 'ProductDedicatedInternet']));
    // Merge commits change nothing of their own: they are not entries.
    expect(log.commits.every((c) => c.commit !== git(dir, 'rev-parse', 'HEAD').trim())).toBe(true);
  });

  it('<Kind> <hfid...>: every commit that changed the object, with the field-level change, a removal included', () => {
    const dir = history();
    const port = JSON.parse(svc(dir, ['log', 'DcimInterfaceL2', 'sw01-par01', 'Ethernet1/1', '--format', 'json']).stdout) as { format_version: number; id: string; label: string; commits: (Commit & { change: { change: string; attributes: { name: string; before: unknown; after: unknown }[] } })[] };
    expect(port.format_version).toBe(1);
    expect(port.label).toBe('sw01-par01 / Ethernet1/1');
    // Taken by the create, given back by the terminate; the modify left the port alone; loaded first.
    expect(port.commits.map((c) => c.trailers['Svc-Action'] ?? c.subject)).toEqual(['terminate', 'create', 'Otter-net with its bootstrap data']);
    expect(port.commits.map((c) => c.change.change)).toEqual(['changed', 'changed', 'added']);
    expect(port.commits[1]!.change.attributes).toContainEqual({ name: 'status', before: 'free', after: 'active' });
    expect(port.commits[0]!.change.attributes).toContainEqual({ name: 'status', before: 'active', after: 'free' });
    // By id, through a generic: the same history.
    const byId = JSON.parse(svc(dir, ['log', 'DcimInterface', port.id, '--format', 'json']).stdout) as typeof port;
    expect(byId.commits.map((c) => c.commit)).toEqual(port.commits.map((c) => c.commit));

    // The gateway interface is gone from the inventory: its history is still there, in text.
    const text = svc(dir, ['log', 'DcimInterfaceL3', 'rt01-par01', 'vlan1000']);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^DcimInterfaceL3 rt01-par01 \/ vlan1000 \([0-9a-f]{16}\): 2 commits\n/);
    expect(text.stdout).toContain('    Svc-Request: dia-0001-terminate-1 · Svc-Subscription: dia-0001');
    expect(text.stdout).toContain('    - rt01-par01 / vlan1000\n');
    expect(text.stdout).toContain('    + rt01-par01 / vlan1000\n');
  });

  it('an object or subscription never seen, and no target at all, are usage errors (exit 2)', () => {
    const dir = history();
    const none = svc(dir, ['log', 'DcimInterfaceL2', 'sw01-par01', 'Ethernet9/9']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error[log/not-found]: no DcimInterfaceL2 sw01-par01 / Ethernet9/9 in the history of HEAD');
    expect(svc(dir, ['log']).stderr).toContain('error[log/usage]');
  });
});
