import { createRequire } from 'node:module';

/** svc's own version, from its package.json (keys caches whose meaning may change between releases). */
export const SVC_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
