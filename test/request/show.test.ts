import { describe, expect, it } from 'vitest';
import { git, svc } from '../helpers/repo.js';
import { json, otterNet, request, snapshot, type Created } from './helpers.js';

const DIA = ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small', '--format', 'json'];

interface Shown {
  requestId: string;
  state: string;
  action: string;
  subscription: string;
  branch: string;
  ref: string;
  commit: string;
  parent: string;
  diff: { format: string; summary: { added: number; changed: number; removed: number }; lifecycle: unknown[]; allocations: unknown[]; kinds: unknown[]; artifacts: { path: string }[] };
}

/** `id` '': the checked-out request. */
const show = (dir: string, id: string) => json<Shown>(request(dir, ['show', ...(id ? [id] : []), '--format', 'json']));

describe('svc request show', () => {
  it('shows a request open, merged and abandoned alike: what it is for and the diff of its commit', () => {
    const dir = otterNet();
    const created = json<Created>(request(dir, DIA));
    const open = show(dir, 'dia-0001');
    expect(open).toMatchObject({ requestId: 'dia-0001', state: 'open', action: 'create', subscription: 'dia-0001', branch: 'request/dia-0001', ref: 'refs/heads/request/dia-0001', commit: created.commit });
    expect(open.parent).toBe(git(dir, 'rev-parse', 'main').trim());
    // The same diff `svc diff` gives of the commit, and the one the request printed.
    // svc diff's document carries format_version on top; the nested diff does not.
    const { format_version: version, ...viaDiff } = JSON.parse(svc(dir, ['diff', open.parent, 'request/dia-0001', '--format', 'json']).stdout) as Shown['diff'] & { format_version: number };
    expect(version).toBe(1);
    expect(open.diff).toEqual(viaDiff);
    expect(open.diff.summary).toEqual({ added: 7, changed: 1, removed: 0 });
    // The commit carries the configurations it re-rendered, and both diffs list them.
    expect(open.diff.artifacts.map((a) => a.path)).toEqual(['artifacts/device-config/rt01-par01.cfg', 'artifacts/device-config/sw01-par01.cfg']);

    const text = request(dir, ['show', 'dia-0001']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('request dia-0001 (open): create dedicated internet dia-0001 for acme\n');
    expect(text.stdout).toContain(`  branch request/dia-0001 at ${created.commit.slice(0, 12)}, made on ${open.parent.slice(0, 12)}\n`);
    expect(text.stdout).toContain('ProductDedicatedInternet dia-0001 (dedicated internet 1000): new → active');
    expect(text.stdout).toContain('allocated');
    expect(text.stdout).toContain('+++ b/artifacts/device-config/sw01-par01.cfg');
    // Bookkeeping (the generator's run record) only with --all, as in svc diff.
    expect(text.stdout).toContain('1 bookkeeping change hidden');
    expect(text.stdout).not.toContain('SvcGeneratorRun  1 added');
    expect(request(dir, ['show', 'dia-0001', '--all']).stdout).toContain('SvcGeneratorRun  1 added');
    const md = request(dir, ['show', 'dia-0001', '--format', 'markdown']);
    expect(md.stdout.startsWith(`### Inventory diff: \`${open.parent.slice(0, 12)}\` → \`request/dia-0001\``)).toBe(true);

    git(dir, 'merge', '-q', '--no-ff', '-m', 'dia-0001', 'request/dia-0001');
    const merged = show(dir, 'dia-0001');
    expect(merged.state).toBe('merged');
    expect(merged.diff).toEqual(open.diff);

    const second = json<Created>(request(dir, DIA));
    expect(request(dir, ['abandon', second.request]).code).toBe(0);
    const abandoned = show(dir, second.request);
    expect(abandoned).toMatchObject({ state: 'abandoned', branch: '', ref: `refs/svc/abandoned/${second.request}`, commit: second.commit });
    expect(abandoned.diff.summary.added).toBe(7);
    expect(request(dir, ['show', second.request]).stdout).toContain(`kept as refs/svc/abandoned/${second.request} at ${second.commit.slice(0, 12)}`);
  });

  it('without an id: the request whose branch is checked out, else a usage error that says why', () => {
    const dir = otterNet();
    const created = json<Created>(request(dir, DIA));
    const onMain = request(dir, ['show']);
    expect(onMain.code).toBe(2);
    expect(onMain.stderr).toContain('error[request/which]: name the request to show: the checked-out branch main is not a request branch');
    git(dir, 'switch', '-q', created.branch);
    expect(show(dir, '').requestId).toBe('dia-0001');
    git(dir, 'switch', '-q', '--detach', 'main');
    expect(request(dir, ['show']).stderr).toContain('HEAD is detached');
  });

  it('an unknown or malformed request id: exit 2 with a suggestion, nothing changed', () => {
    const dir = otterNet();
    json<Created>(request(dir, DIA));
    const before = snapshot(dir);
    const typo = request(dir, ['show', 'dia-001']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('error[request/unknown-request]: no request "dia-001": no branch request/dia-001 and none abandoned');
    expect(typo.stderr).toContain('did you mean "dia-0001"?');
    const bad = request(dir, ['show', 'Bad Id']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"Bad Id" is not a valid request id');
    expect(snapshot(dir)).toBe(before);
  });
});
