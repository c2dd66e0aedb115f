import type { ChalkInstance } from 'chalk';
import type { StatusAnswer } from '../adapters/index/gitstate.js';
import { earlyAnswer, type EarlyStatus } from './early-status.js';

/**
 * What a command needs from the process, gathered once in main.ts so commands (and tests that run
 * them in-process) never touch process.* themselves.
 */
export interface CliContext {
  cwd: string;
  /** The global `-C <dir>`. */
  catalogDir: string | undefined;
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Standard output is a terminal: tables, colour, spinners. */
  isTTY: boolean;
  /** Standard input is a terminal: interactive forms. */
  stdinTTY: boolean;
  color: ChalkInstance;
  /** svc's clock. SVC_NOW (ISO 8601) fixes it, for tests and reproducible runs. */
  clock: () => Date;
  /** git status as asked when svc started, for the catalog at `root` (./early-status.ts). */
  earlyStatus?: (root: string) => Promise<StatusAnswer | undefined>;
}

/** `color`: loadColor's (./color.ts), which honours NO_COLOR and FORCE_COLOR. */
export function processContext(catalogDir: string | undefined, color: ChalkInstance, early?: EarlyStatus): CliContext {
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    cwd: process.cwd(),
    catalogDir,
    env: process.env,
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY,
    stdinTTY: Boolean(process.stdin.isTTY),
    color,
    clock: clockFrom(process.env.SVC_NOW),
    earlyStatus: (root) => earlyAnswer(early, root),
  };
}

export function clockFrom(fixed: string | undefined): () => Date {
  if (fixed === undefined || fixed === '') return () => new Date();
  const t = new Date(fixed);
  if (Number.isNaN(t.getTime())) throw new Error(`SVC_NOW="${fixed}" is not an ISO 8601 date`);
  return () => new Date(t.getTime());
}
