import { GitError, UsageError } from '../../core/errors.js';
import { killPoint } from '../kill-point.js';
import { RefConflictError } from './errors.js';
import { gitOk, gitRaw } from './run.js';

/**
 * Ref writes: every one is a compare-and-swap (`git update-ref <ref> <new> <old>`), so two svc
 * processes, or svc and the user, can never silently overwrite each other.
 */

/** git's check-ref-format rules, checked in-process to save a git call per ref. */
export function refNameProblem(ref: string): string | undefined {
  if (!ref.startsWith('refs/')) return 'must start with refs/';
  if (ref.endsWith('/') || ref.includes('//')) return 'has an empty path component';
  if (ref.endsWith('.lock') || ref.split('/').some((c) => c.startsWith('.') || c.endsWith('.lock'))) return 'has a component starting with "." or ending in ".lock"';
  if (ref.includes('..') || ref.includes('@{') || ref === '@' || ref.endsWith('.')) return 'contains "..", "@{" or ends with "."';
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return 'contains a space, a control character or one of ~ ^ : ? * [ \\';
  return undefined;
}

export function assertRefName(ref: string): void {
  const why = refNameProblem(ref);
  if (why) throw new UsageError('git/bad-ref', `invalid ref name ${JSON.stringify(ref)}: it ${why}`, { hint: 'branch names look like request/<id>; refs like refs/heads/request/<id>' });
}

export interface RefState {
  /** The commit the ref points at, or null when it does not exist. */
  value: string | null;
  /** The work tree that has this branch checked out, if any. */
  checkedOutAt: string | null;
}

/** The value of a ref and whether a work tree has it checked out (one for-each-ref). */
export async function refState(repo: string, ref: string): Promise<RefState> {
  const out = (await gitOk(repo, ['for-each-ref', '--format=%(refname)%00%(objectname)%00%(worktreepath)', ref])).toString('utf8');
  for (const line of out.split('\n')) {
    const [name, value, wt] = line.split('\0');
    // for-each-ref matches prefixes at slash boundaries too: keep the exact ref only.
    if (name === ref) return { value: value || null, checkedOutAt: wt || null };
  }
  return { value: null, checkedOutAt: null };
}

export async function resolveRef(repo: string, ref: string): Promise<string | null> {
  const r = await gitRaw(repo, ['rev-parse', '-q', '--verify', `${ref}^{commit}`]);
  return r.code === 0 ? r.stdout.toString().trim() : null;
}

/**
 * Point `ref` at `value` if it still holds `expected` (null: it must not exist yet).
 * Refused with a RefConflictError saying what the ref holds now.
 */
export async function compareAndSwapRef(
  repo: string,
  ref: string,
  value: string,
  expected: string | null,
  opts: { reason?: string } = {},
): Promise<void> {
  assertRefName(ref);
  const old = expected ?? '0'.repeat(value.length);
  killPoint('ref-update');
  const r = await gitRaw(repo, ['update-ref', '-m', opts.reason ?? 'svc', ref, value, old]);
  if (r.code === 0) {
    killPoint('ref-updated');
    return;
  }
  const actual = await resolveRef(repo, ref);
  if (expected === null && actual !== null) {
    throw new RefConflictError('git/ref-exists', ref, actual, `${shortRef(ref)} already exists (at ${actual.slice(0, 12)})`, 'choose another id, or delete the existing branch first');
  }
  if (actual !== expected) {
    throw new RefConflictError('git/ref-moved', ref, actual, `${shortRef(ref)} moved: expected ${expected?.slice(0, 12) ?? 'nothing'}, found ${actual?.slice(0, 12) ?? 'nothing'}`, 'someone else updated it; read it again and retry');
  }
  // The ref is where it was expected: another process holding its lock is a race worth retrying;
  // anything else (a hook, permissions, a full disk) is git refusing, and retrying will not help.
  if (/\.lock'?: File exists/i.test(r.stderr.toString())) throw new RefConflictError('git/ref-moved', ref, actual, `could not update ${shortRef(ref)}: ${r.stderr.toString().trim()}`);
  throw new GitError(`git refused to update ${shortRef(ref)}: ${r.stderr.toString().trim()}`, { hint: 'nothing was changed; remove the cause git names (a hook, the permissions, the disk) and run the command again' });
}

/** Delete `ref` only if it still points at `expected`. A checked-out branch is refused. */
export async function deleteRef(repo: string, ref: string, expected: string): Promise<void> {
  assertRefName(ref);
  const st = await refState(repo, ref);
  if (st.checkedOutAt) throw new UsageError('git/branch-checked-out', `${shortRef(ref)} is checked out at ${st.checkedOutAt}: svc will not delete it`, { hint: 'switch that work tree to another branch first' });
  const r = await gitRaw(repo, ['update-ref', '-d', ref, expected]);
  if (r.code === 0) return;
  const actual = await resolveRef(repo, ref);
  if (actual === null) throw new RefConflictError('git/ref-missing', ref, null, `${shortRef(ref)} does not exist`);
  throw new RefConflictError('git/ref-moved', ref, actual, `${shortRef(ref)} moved: expected ${expected.slice(0, 12)}, found ${actual.slice(0, 12)}; not deleted`, 'look at what was added to it before deleting');
}

export const shortRef = (ref: string): string => ref.replace(/^refs\/heads\//, '');

export type PushOutcome =
  | { status: 'ok' }
  /** The remote's ref did not hold the expected value (someone pushed first). */
  | { status: 'rejected'; message: string }
  /** No answer from the remote: offline, unknown host, no such repository, timed out. */
  | { status: 'unreachable'; message: string };

const DEFAULT_NETWORK_TIMEOUT_MS = 30_000;

/**
 * Push `source` (a commit id or local ref) to `remoteRef` only if the remote's ref currently holds
 * `expected` (null: it must not exist). This is a compare-and-swap on the remote: git sends the
 * expected old value and the receiving side checks it under its ref lock.
 */
export async function pushRef(
  repo: string,
  remote: string,
  source: string,
  remoteRef: string,
  expected: string | null,
  opts: { timeoutMs?: number } = {},
): Promise<PushOutcome> {
  assertRefName(remoteRef);
  const lease = `--force-with-lease=${remoteRef}:${expected ?? ''}`;
  const r = await gitRaw(repo, ['push', '--porcelain', '--no-verify', lease, remote, `${source}:${remoteRef}`], {
    timeoutMs: opts.timeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS,
  });
  if (r.code === 0) return { status: 'ok' };
  const out = r.stdout.toString('utf8');
  const refLine = out.split('\n').find((l) => l.startsWith('!\t'));
  if (refLine) return { status: 'rejected', message: refLine.split('\t').slice(2).join(' ') };
  return { status: 'unreachable', message: r.timedOut ? 'timed out' : r.stderr.trim() };
}

export type FetchOutcome =
  | { status: 'ok'; value: string }
  | { status: 'missing' }
  | { status: 'unreachable'; message: string };

/**
 * Fetch one ref of `remote` into `localRef` (forced: it is a tracking ref that mirrors the remote).
 * Leaves FETCH_HEAD and tags alone so the user's fetch state is untouched.
 */
export async function fetchRef(repo: string, remote: string, remoteRef: string, localRef: string, opts: { timeoutMs?: number } = {}): Promise<FetchOutcome> {
  assertRefName(remoteRef);
  assertRefName(localRef);
  const r = await gitRaw(repo, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', remote, `+${remoteRef}:${localRef}`], {
    timeoutMs: opts.timeoutMs ?? DEFAULT_NETWORK_TIMEOUT_MS,
  });
  if (r.code === 0) {
    const value = await resolveRef(repo, localRef);
    return value ? { status: 'ok', value } : { status: 'missing' };
  }
  if (/couldn't find remote ref/i.test(r.stderr)) return { status: 'missing' };
  return { status: 'unreachable', message: r.timedOut ? 'timed out' : r.stderr.trim() };
}

/** Whether `remote` is configured in this repository. */
export async function hasRemote(repo: string, remote: string): Promise<boolean> {
  const r = await gitRaw(repo, ['config', '--get', `remote.${remote}.url`]);
  return r.code === 0 && r.stdout.toString().trim() !== '';
}

/** The remote the reservation ledger is shared through: `given` when the caller chose (null: none), else `origin` when configured. */
export async function sharedRemote(repo: string, given?: string | null): Promise<string | null> {
  if (given !== undefined) return given;
  return (await hasRemote(repo, 'origin')) ? 'origin' : null;
}
