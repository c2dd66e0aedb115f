import { tmpdir } from 'node:os';

/**
 * The in-process git calls of the adapter inherit process.env: pin it as the spawned tests do, so
 * the machine's git config and identity never leak in.
 */
export function pinGitEnv(): void {
  for (const k of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE', 'GIT_DIR', 'GIT_INDEX_FILE', 'GIT_WORK_TREE']) {
    delete process.env[k];
  }
  process.env.HOME = tmpdir();
  process.env.GIT_CONFIG_NOSYSTEM = '1';
  process.env.GIT_CONFIG_GLOBAL = '/dev/null';
  process.env.LANG = 'C';
}
