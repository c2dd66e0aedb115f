import { dirname, join, resolve } from 'node:path';
import type { FileHost } from '../host.js';

export const CONFIG_FILE = '.orchestrator.yml';

/**
 * Like git finds .git: the nearest folder upward from `start` that holds .orchestrator.yml. A module
 * of its own so that finding the catalog costs no parsing code (see cli/early-status.ts).
 */
export function findCatalogRoot(start: string, host: Pick<FileHost, 'exists'>): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (host.exists(join(dir, CONFIG_FILE))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
