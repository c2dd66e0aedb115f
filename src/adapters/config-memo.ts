import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigMemo } from '../core/catalog/catalog.js';
import { writeFileAtomic } from './fs.js';
import { SVC_VERSION } from './version.js';
import { ensureSvcFolder } from './svc-folder.js';

/**
 * `.svc/config-checked`: the hash of the last .orchestrator.yml text (with svc's version) that passed
 * its JSON Schema check, so that the next command with the same text skips loading and compiling ajv
 * (about 40 ms of every command's start). Derived like the rest of `.svc/`: any other text, another
 * svc version, a missing or unreadable file means the check runs again.
 */
const memoPath = (root: string) => join(root, '.svc', 'config-checked');
const key = (text: string) => createHash('sha256').update(`${SVC_VERSION}\0${text}`, 'utf8').digest('hex');

export const configMemo: ConfigMemo = {
  known(root, text) {
    try {
      return readFileSync(memoPath(root), 'utf8') === key(text);
    } catch {
      return false;
    }
  },
  remember(root, text) {
    try {
      ensureSvcFolder(join(root, '.svc'));
      writeFileAtomic(memoPath(root), key(text));
    } catch {
      // Only a cache: a catalog svc cannot write to is checked in full every time.
    }
  },
};
