import type { Command } from 'commander';
import { requireCatalog } from '../catalog.js';
import { formatOption } from '../options.js';
import { renderDiagnosticsText } from '../render/diagnostics.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

/**
 * `svc pools` and `svc pools gc`. The pool model (IP arithmetic included) and the renderers are
 * imported when a pools command runs: every other command would pay for them at start-up.
 */
export function registerPools(program: Command, ctx: Ctx, setExit: SetExit): void {
  const pools = program
    .command('pools')
    .description('resource pools: size, use and free space of each, and what the reservation ledger holds');

  // A default subcommand rather than options on `pools` itself: `svc pools gc --format json` must reach gc.
  pools
    .command('list', { isDefault: true })
    .description('each pool with its extent, size, used, free and (with a ledger) reservations (the default)')
    .addOption(formatOption(['table', 'json'] as const))
    .action(async (opts: { format: 'table' | 'json' }) => {
      const c = ctx();
      const [{ poolsReport }, { poolsJson, renderPools }] = await Promise.all([import('../../app/pools.js'), import('../render/pools.js')]);
      const report = await poolsReport(requireCatalog(c));
      if (opts.format === 'json') c.out(jsonDocument(poolsJson(report)));
      else {
        if (report.diagnostics.length) c.err(renderDiagnosticsText(report.diagnostics, c.color));
        c.out(renderPools(report, { bar: c.isTTY, color: c.color }));
      }
      setExit(0);
    });

  pools
    .command('gc')
    .description('release the reservations of request branches that no longer exist (here or on the remote)')
    .option('--grace <duration>', 'keep reservations younger than this (e.g. 30m, 1h, 2d)', '1h')
    .option('--dry-run', 'show what would be released, change nothing')
    .option('--settle-only', 'only settle merged requests (what they hold becomes permanent, what they let go of free); release nothing: for CI on the default branch, which cannot see unpushed branches')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (opts: { grace: string; dryRun?: boolean; settleOnly?: boolean; format: 'text' | 'json' }) => {
      const c = ctx();
      const { parseDuration } = await import('../../core/pools/duration.js');
      const graceMs = parseDuration(opts.grace);
      const catalog = requireCatalog(c);
      const [{ poolsGc }, { gcJson, renderGc }] = await Promise.all([import('../../app/pools.js'), import('../render/pools.js')]);
      const report = await poolsGc(catalog, { graceMs, dryRun: Boolean(opts.dryRun), settleOnly: Boolean(opts.settleOnly), clock: c.clock, ...(catalog.defaultBranch ? { defaultBranch: catalog.defaultBranch } : {}) });
      if (opts.format === 'json') c.out(jsonDocument(gcJson(report, Boolean(opts.dryRun))));
      else c.out(renderGc(report, Boolean(opts.dryRun), c.color));
      setExit(0);
    });

  pools
    .command('show <pool>')
    .description('one pool: the prefix tree of an IP pool, or the ranges of a number pool, with what is used (and by whom) and what is free')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (pool: string, opts: { format: 'text' | 'json' }) => {
      const c = ctx();
      const [{ poolShow }, { poolShowJson, renderPoolShow }] = await Promise.all([import('../../app/pool-show.js'), import('../render/pool-show.js')]);
      const shown = await poolShow(requireCatalog(c), pool);
      if (opts.format === 'json') c.out(jsonDocument(poolShowJson(shown)));
      else c.out(renderPoolShow(shown, c.color));
      setExit(0);
    });

  pools
    .command('reserve <pool> [resource]')
    .description('hold a resource by hand in the shared ledger (a /31 for a link, a VLAN for a lab); without a resource, the next free one. Requests skip it; gc never frees it')
    .requiredOption('--for <why>', 'why it is held (shown by `svc pools`)')
    .option('--size <length>', 'prefix pools: the length of the next free prefix (e.g. /31)')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (pool: string, resource: string | undefined, opts: { for: string; size?: string; format: 'text' | 'json' }) => {
      const c = ctx();
      const [{ reserveByHand, parseSize }, { manualJson, renderManual }] = await Promise.all([import('../../app/manual-pools.js'), import('../render/pools.js')]);
      const out = await reserveByHand(requireCatalog(c), pool, { why: opts.for, clock: c.clock, ...(resource !== undefined ? { resource } : {}), ...(opts.size !== undefined ? { size: parseSize(opts.size) } : {}) });
      if (opts.format === 'json') c.out(jsonDocument(manualJson(out, 'reserved')));
      else c.out(renderManual(out, 'reserved', c.color));
      setExit(0);
    });

  pools
    .command('release <pool> <resource>')
    .description('free a resource held by hand (svc pools reserve)')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (pool: string, resource: string, opts: { format: 'text' | 'json' }) => {
      const c = ctx();
      const [{ releaseByHandIn }, { manualJson, renderManual }] = await Promise.all([import('../../app/manual-pools.js'), import('../render/pools.js')]);
      const out = await releaseByHandIn(requireCatalog(c), pool, resource, { clock: c.clock });
      if (opts.format === 'json') c.out(jsonDocument(manualJson(out, 'released')));
      else c.out(renderManual(out, 'released', c.color));
      setExit(0);
    });
}
