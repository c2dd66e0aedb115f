import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SVC_BIN, TEST_ENV, tempDir } from '../helpers/repo.js';

describe('the entry point', () => {
  it('a current folder deleted under the shell: exit 2 with what to do, no stack trace', () => {
    const gone = join(tempDir(), 'gone');
    mkdirSync(gone);
    for (const args of [['list', 'DcimSwitch'], ['validate']]) {
      const r = spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && shift && exec "$@"', 'sh', gone, process.execPath, SVC_BIN, ...args], { env: TEST_ENV, encoding: 'utf8' });
      expect(existsSync(gone)).toBe(false);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('error[cli/no-cwd]: the current folder no longer exists\n  hint: cd to a folder that exists and run svc again\n');
      mkdirSync(gone);
    }
  });
});
