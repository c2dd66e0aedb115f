import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressText } from '../../src/cli/progress.js';
import { otterNetRepo, PROJECT_ROOT, SVC_BIN, svc, TEST_ENV } from '../helpers/repo.js';

const LOADING = /checking objects \d+\/216 \(\d+%\)/;

describe('progress on long work', () => {
  it('says count, share, rate and time left', () => {
    expect(progressText('checking objects', 1200, 50000, 1)).toBe('checking objects 1,200/50,000 (2%) · 1,200/s · ETA 41s');
    expect(progressText('generating x', 3, undefined, 0)).toBe('generating x 3');
    expect(progressText('generating x', 10, 10, 2)).toBe('generating x 10/10 (100%) · 5/s');
  });

  it('svc load and svc validate draw it on a terminal, and never in a pipe, in CI or with --format json', () => {
    const dir = otterNetRepo();
    cpSync(join(PROJECT_ROOT, 'bootstrap'), join(dir, 'bootstrap'), { recursive: true });
    // `script` gives the command a pseudo-terminal, as a person's shell would; its output is the terminal's.
    const inPty = (args: string, env: NodeJS.ProcessEnv = {}) =>
      spawnSync('script', ['-qec', `${process.execPath} ${SVC_BIN} ${args}`, '/dev/null'], { cwd: dir, env: { ...TEST_ENV, ...env }, encoding: 'utf8' });
    const tty = inPty('load --dry-run bootstrap');
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(LOADING);
    // The line is cleared before the summary, so the summary reads as without it.
    expect(tty.stdout).toContain('\r\x1b[K');
    expect(inPty('load --dry-run bootstrap', { CI: 'true' }).stdout).not.toMatch(LOADING);
    expect(inPty('load --dry-run --format json bootstrap').stdout).not.toMatch(LOADING);
    const piped = svc(dir, ['load', '--dry-run', 'bootstrap']);
    expect(piped.code).toBe(0);
    expect(piped.stdout + piped.stderr).not.toMatch(LOADING);
    // svc validate of the loaded inventory: the same, on a terminal only.
    expect(inPty('load bootstrap').status).toBe(0);
    expect(inPty('validate').stdout).toMatch(LOADING);
    // A full index build (none yet) shows too, before the command's own work.
    rmSync(join(dir, '.svc'), { recursive: true, force: true });
    expect(inPty('generate --dry-run').stdout).toMatch(/indexing objects \d+\/\d+ \(100%\)/);
    const validated = svc(dir, ['validate']);
    expect(validated.stdout + validated.stderr).not.toMatch(/checking objects/);
  });
});
