import { tmpdir } from 'node:os';

/**
 * The in-process git calls of the adapter inherit process.env: pin it as the spawned tests do, so
 * the machine's git config and identity never leak in.
 */
export function pinGitEnv(): void {
  for (const k of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE', 'GIT_DIR', 'GIT_INDEX_FILE', 'GIT_WORK_TREE']) {
    delete process.env[k];
  }
  delete process.env.EMAIL;
  process.env.HOME = tmpdir();
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.LANG = 'C';
  // An identity, as TEST_ENV gives the spawned svc: without one svc refuses to commit.
  process.env.GIT_AUTHOR_NAME = process.env.GIT_COMMITTER_NAME = 'Test Author';
  process.env.GIT_AUTHOR_EMAIL = process.env.GIT_COMMITTER_EMAIL = 'author@example.test';
}

/** Runs `f` with git's identity variables (and EMAIL) unset, as on a machine where none is given. */
export async function withoutIdentityEnv<T>(f: () => Promise<T>): Promise<T> {
  const keys = ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'EMAIL'];
  const saved = keys.map((k) => [k, process.env[k]] as const);
  for (const k of keys) delete process.env[k];
  try {
    return await f();
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}
