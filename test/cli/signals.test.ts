import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, SVC_BIN, tempDir, TEST_ENV } from '../helpers/repo.js';
import { json, NOW, otterNet, request, type Created } from '../request/helpers.js';

const DIA = ['create', 'dedicated internet 1000', '--customer', 'acme', '--set', 'site=par01', '--set', 'ip_package=small'];
const hasScript = spawnSync('script', ['--version']).status === 0;

/** Waits (without a clock) until `f` holds. */
async function until(f: () => boolean): Promise<void> {
  while (!f()) await new Promise((r) => setTimeout(r, 20));
}

describe('terminals and signals', () => {
  it.skipIf(!hasScript)('a terminal of 0 columns gets no spinner, and the command ends', () => {
    const dir = otterNet();
    git(dir, 'merge', '-q', '--no-ff', '-m', 'merge', json<Created>(request(dir, [...DIA, '--format', 'json'])).branch);
    const env: NodeJS.ProcessEnv = { ...TEST_ENV, ...NOW, TERM: 'xterm-256color' };
    // Colour on, as on a real terminal: ora only animates then.
    delete env.NO_COLOR;
    const cmd = `stty cols 0 rows 0; '${process.execPath}' '${SVC_BIN}' request modify dia-0001 --set ip_package=large --dry-run`;
    // The old spinner never returned here: the kill after 50 s is what fails the test then.
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env, encoding: 'utf8', timeout: 50_000, killSignal: 'SIGKILL' });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('dry run');
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s ends a request promptly with exit %i, and the next request works', async (signal, code) => {
    const dir = otterNet();
    const trace = join(tempDir(), 'trace');
    const child = spawn(process.execPath, [SVC_BIN, 'request', ...DIA], { cwd: dir, env: { ...TEST_ENV, ...NOW, GIT_TRACE: trace }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    // Under way: svc has started git.
    await until(() => existsSync(trace));
    child.kill(signal);
    expect(await done).toBe(code);
    expect(stderr).toContain(`svc: ${signal}: stopping`);
    const next = request(dir, [...DIA, '--id', 'dia-0100']);
    expect(next.stderr).not.toContain('error');
    expect(next.code).toBe(0);
  });
});
