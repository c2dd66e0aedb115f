import { CommanderError } from 'commander';
import { environmentError } from '../adapters/env-errors.js';
import { SvcError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { renderDiagnosticsText } from './render/diagnostics.js';

/**
 * The one place that turns an outcome into output and an exit code:
 * 0 ok, 1 validation failed, 2 usage or configuration error (and unexpected failures, which are bugs).
 */
export function exitCodeFor(error: unknown, ctx: CliContext): number {
  const c = ctx.color;
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are successes.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    return 2;
  }
  // The machine's failures (permissions, space, limits) are not svc's bugs: said as such.
  error = environmentError(error) ?? error;
  if (error instanceof SvcError) {
    // A lone diagnostic the message already says (a generator's failure) would print it twice.
    const extra = error.diagnostics.length === 1 && error.message.includes(error.diagnostics[0]!.message) ? [] : error.diagnostics;
    if (extra.length) ctx.err(renderDiagnosticsText(extra, c));
    ctx.err(`${c.red.bold('error')}${c.dim(`[${error.code}]`)}: ${error.message}\n`);
    if (error.hint) ctx.err(`  ${c.cyan('hint')}: ${error.hint}\n`);
    return error.exitCode;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  ctx.err(`${c.red.bold('internal error')}: ${e.message}\n`);
  if (ctx.env.SVC_DEBUG) ctx.err(`${e.stack ?? ''}\n`);
  else ctx.err('  this is a bug in svc; run again with SVC_DEBUG=1 for the stack trace and report it\n');
  return 2;
}
