import { execFile, execFileSync, type ExecFileOptions } from 'node:child_process';
import { GitError } from '../../core/errors.js';

/**
 * Git is called directly (not through simple-git) on every hot path: simple-git adds ~50 ms per
 * call and can hold the process at exit (see shared/PERF-FACTS.md).
 */
export interface GitRunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are answers, not failures (e.g. 1 for `git diff --quiet`). */
  okCodes?: number[];
}

const MAX_BUFFER = 1024 * 1024 * 1024;

export function gitSync(cwd: string, args: string[], opts: GitRunOptions = {}): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      input: opts.input,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      maxBuffer: MAX_BUFFER,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string | Buffer };
    if (err.status !== undefined && opts.okCodes?.includes(err.status)) return String(err.stdout ?? '');
    throw new GitError(`git ${args[0]} failed: ${String(err.stderr ?? '').trim() || String(e)}`, { cause: e });
  }
}

export function git(cwd: string, args: string[], opts: GitRunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const options: ExecFileOptions = { cwd, encoding: 'utf8', maxBuffer: MAX_BUFFER, env: opts.env ? { ...process.env, ...opts.env } : process.env };
    const child = execFile('git', args, options, (error, stdout, stderr) => {
      if (error) {
        const code = typeof error.code === 'number' ? error.code : undefined;
        if (code !== undefined && opts.okCodes?.includes(code)) return resolve(String(stdout));
        return reject(new GitError(`git ${args[0]} failed: ${String(stderr).trim() || error.message}`, { cause: error }));
      }
      resolve(String(stdout));
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
