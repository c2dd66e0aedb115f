import { RUN_KIND } from '../generate/records.js';

/** Code-unit order: the same on every machine and locale (localeCompare is not). */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Kinds that are svc's own bookkeeping: their changes are summed up, not shown, unless asked for. */
export const BOOKKEEPING_KINDS: readonly string[] = [RUN_KIND];
