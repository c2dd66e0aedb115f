import { execFile, execFileSync, spawn, type ExecFileOptions } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError, SvcError } from '../../core/errors.js';
import { gitEnvironmentProblem } from '../env-errors.js';

/**
 * Git is called directly, never through a wrapper library: simple-git (once a dependency, now
 * removed) added ~50 ms per call and could hold the process at exit (see shared/PERF-FACTS.md).
 */
export interface GitRunOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that are answers, not failures (e.g. 1 for `git diff --quiet`). */
  okCodes?: number[];
}

const MAX_BUFFER = 1024 * 1024 * 1024;

/**
 * The environment for `git diff-tree`, which compares trees only but reads git's index first all the
 * same: 55 ms of its 70 ms for 100,000 tracked files (GIT_TRACE_PERFORMANCE: "read cache"), spent on
 * every refresh after a commit. With GIT_INDEX_FILE naming a file that does not exist, git reads an
 * empty index instead (a missing index is allowed, as in a fresh repository) and the answer is the
 * same: diff-tree never looks at the index's entries and never writes it. The folder is random so
 * that the file cannot exist.
 */
export const TREES_ONLY: NodeJS.ProcessEnv = { GIT_INDEX_FILE: join(tmpdir(), `svc-no-index-${randomUUID()}`, 'index') };

export function gitSync(cwd: string, args: string[], opts: GitRunOptions = {}): string {
  return runSync(cwd, args, opts, 'utf8').toString();
}

/** gitSync's output as bytes: a big listing is cut up as bytes, and only the parts used become strings. */
export function gitSyncBytes(cwd: string, args: string[], opts: GitRunOptions = {}): Buffer {
  const out = runSync(cwd, args, opts, 'buffer');
  return typeof out === 'string' ? Buffer.from(out) : out;
}

function runSync(cwd: string, args: string[], opts: GitRunOptions, encoding: 'utf8' | 'buffer'): string | Buffer {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding,
      input: opts.input,
      env: opts.env ? { ...process.env, ...opts.env } : process.env,
      maxBuffer: MAX_BUFFER,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { status?: number | null; signal?: string | null; stdout?: string | Buffer; stderr?: string | Buffer };
    if (typeof err.status === 'number' && opts.okCodes?.includes(err.status)) return err.stdout ?? '';
    throw gitFailure(args, String(err.stderr ?? '').trim() || String(e), err.signal, e);
  }
}

export function git(cwd: string, args: string[], opts: GitRunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const options: ExecFileOptions = { cwd, encoding: 'utf8', maxBuffer: MAX_BUFFER, env: opts.env ? { ...process.env, ...opts.env } : process.env };
    const child = execFile('git', args, options, (error, stdout, stderr) => {
      if (error) {
        const code = typeof error.code === 'number' ? error.code : undefined;
        if (code !== undefined && opts.okCodes?.includes(code)) return resolve(String(stdout));
        return reject(gitFailure(args, String(stderr).trim() || error.message, error.signal, error));
      }
      resolve(String(stdout));
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export interface GitRawResult {
  code: number;
  stdout: Buffer;
  stderr: string;
  /** True when the process was killed because it ran past `timeoutMs` (e.g. an unreachable remote). */
  timedOut: boolean;
}

export interface GitRawOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Kill git after this long; network calls use it so an unreachable remote cannot hang svc. */
  timeoutMs?: number;
}

/**
 * Run git and hand back its exit code and raw output without judging it: the ref-update and network
 * helpers read git's answers (rejected, missing, unreachable) from the code and stderr themselves.
 * Output is kept as bytes because blobs and trees are binary.
 */
export function gitRaw(cwd: string, args: string[], opts: GitRawOptions = {}): Promise<GitRawResult> {
  return new Promise((resolve, reject) => {
    // No credential prompts: svc runs in CI and behind spinners, where a prompt would hang forever.
    const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', ...opts.env };
    const child = spawn('git', args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new GitError(`could not run git: ${e.message}`, { cause: e, hint: 'is git installed and on PATH?' }));
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
    // A git that exits early (bad revision) closes its stdin: that is reported through the exit code.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input);
  });
}

/** Like gitRaw, but a non-zero exit is a GitError naming the command and git's own message. */
export async function gitOk(cwd: string, args: string[], opts: GitRawOptions = {}): Promise<Buffer> {
  const r = await gitRaw(cwd, args, opts);
  if (r.code !== 0) {
    const why = r.timedOut ? `timed out after ${opts.timeoutMs} ms` : r.stderr.trim() || `exit code ${r.code}`;
    throw gitFailure(args, why);
  }
  return r.stdout;
}

/** The git subcommand of `args` (after `-c name=value` and other global options). */
export function gitCommandName(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '-C' || a === '--git-dir' || a === '--work-tree') i++;
    else if (!a.startsWith('-')) return a;
  }
  return args[0] ?? '';
}

/** A failed git command: an error of the machine (permission, space) gets its own code and hint. */
export function gitFailure(args: readonly string[], message: string, signal?: string | null, cause?: unknown): SvcError {
  const text = `git ${gitCommandName(args)} failed: ${message}`;
  const env = gitEnvironmentProblem(message, signal);
  if (env) return new SvcError(env.code, text, { hint: env.hint, ...(cause !== undefined ? { cause } : {}) });
  return new GitError(text, cause !== undefined ? { cause } : {});
}
