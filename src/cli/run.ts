import { CommanderError } from 'commander';
import { environmentError } from '../adapters/env-errors.js';
import { SvcError } from '../core/errors.js';
import type { CliContext } from './context.js';
import { errorDocument } from './json.js';
import { renderDiagnosticsText } from './render/diagnostics.js';

/**
 * The one place that turns an outcome into output and an exit code:
 * 0 ok, 1 validation failed, 2 usage or configuration error (and unexpected failures, which are bugs).
 */
export function exitCodeFor(error: unknown, ctx: CliContext, json = false): number {
  const c = ctx.color;
  if (error instanceof CommanderError) {
    // Commander already printed its message (but not under --format json: see buildProgram); help and version are successes.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    if (json) ctx.err(errorDocument({ code: `cli/${error.code.replace(/^commander\./, '')}`, message: error.message.replace(/^error: /, ''), hint: 'run with --help for usage' }));
    return 2;
  }
  // The machine's failures (permissions, space, limits) are not svc's bugs: said as such.
  error = environmentError(error) ?? error;
  if (json) {
    const e = error instanceof SvcError ? error : undefined;
    ctx.err(errorDocument(e ?? { code: 'internal', message: error instanceof Error ? error.message : String(error), hint: 'this is a bug in svc; run again with SVC_DEBUG=1 for the stack trace and report it' }));
    return e?.exitCode ?? 2;
  }
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
