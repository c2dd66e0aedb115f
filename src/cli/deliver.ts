import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushRef } from '../adapters/git/refs.js';
import { repoOf } from '../app/revision-inventory.js';
import type { RequestResult } from '../app/request.js';
import type { Catalog } from '../core/catalog/catalog.js';
import { GitError } from '../core/errors.js';
import type { SchemaSet } from '../core/schema/model.js';
import { renderRequestDiff } from './render/request-diff.js';
import { plainColor } from './color.js';

export interface Delivery {
  pushed: boolean;
  pr: 'opened' | 'command' | 'none';
  url?: string;
  /** The exact command to run when gh is missing or not logged in. */
  command?: string;
  message: string;
}

/**
 * `--push` and `--pr`: share the branch and open the pull request with the GitHub CLI. Without gh
 * (or without a login) nothing fails: the body is written to a file and the exact command printed.
 */
export async function deliver(catalog: Catalog, r: RequestResult, schema: SchemaSet, want: { push: boolean; pr: boolean }, remote = 'origin'): Promise<Delivery> {
  const { repo } = repoOf(catalog);
  let pushed = false;
  const notes: string[] = [];
  if (want.push || want.pr) {
    const out = await pushRef(repo, remote, `refs/heads/${r.branch}`, `refs/heads/${r.branch}`, null);
    if (out.status === 'ok') {
      pushed = true;
      notes.push(`pushed ${r.branch} to ${remote}`);
    } else {
      // The request is made: say so, and what is left to do, rather than only that the push failed.
      const noRemote = /does not appear to be a git repository|no such remote/i.test(out.message);
      const then = `\`git push ${remote} ${r.branch}\`${want.pr ? `, then \`gh pr create --head ${r.branch} --base ${r.base.ref}\`` : ''}`;
      throw new GitError(
        `request ${r.requestId} was made: branch ${r.branch} is committed here (commit ${r.commit?.slice(0, 12) ?? '-'}), but pushing it to ${remote} failed${want.pr ? ', so no pull request was opened' : ''}: ${noRemote ? `the repository has no remote "${remote}"` : `${out.status}: ${out.message.split('\n')[0]}`}`,
        { hint: noRemote ? `add the remote (\`git remote add ${remote} <url>\`) and run ${then}` : `run ${then} once the remote is reachable` },
      );
    }
  }
  if (!want.pr) return { pushed, pr: 'none', message: notes.join('\n') };
  const body = renderRequestDiff(r.files, schema, 'markdown', plainColor, { labels: r.labels, range: { base: r.base.ref, head: r.branch } });
  const dir = mkdtempSync(join(tmpdir(), 'svc-pr-'));
  const bodyFile = join(dir, `${r.requestId}.md`);
  writeFileSync(bodyFile, body);
  const title = `${r.action} ${r.product} ${r.subscriptionId} for ${r.customer}`;
  const args = ['pr', 'create', '--head', r.branch, '--base', r.base.ref, '--title', title, '--body-file', bodyFile];
  const quoted = ['gh', ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
  const auth = spawnSync('gh', ['auth', 'status'], { cwd: repo, encoding: 'utf8' });
  if (auth.error || auth.status !== 0) {
    const why = auth.error ? 'the GitHub CLI (gh) is not installed' : 'gh is not logged in (gh auth login)';
    return { pushed, pr: 'command', command: quoted, message: [...notes, `${why}: the pull request body is in ${bodyFile}; open the pull request with:`, `  ${quoted}`].join('\n') };
  }
  const created = spawnSync('gh', args, { cwd: repo, encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  if (created.status !== 0) throw new GitError(`gh pr create failed: ${created.stderr.trim()}`, { hint: `run it yourself: ${quoted}` });
  const url = created.stdout.trim().split('\n').pop() ?? '';
  return { pushed, pr: 'opened', url, message: [...notes, `pull request: ${url}`].join('\n') };
}
