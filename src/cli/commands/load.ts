import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import type { KindCounts } from '../../core/load/plan.js';
import { requireCatalog } from '../catalog.js';
import { formatOption } from '../options.js';
import { renderDiagnosticsText } from '../render/diagnostics.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

type Format = 'text' | 'json';

/**
 * `svc load`: read the files, plan against the inventory (./core/load), refuse on any error, else
 * apply the whole change set through the store in one go. The app and the loader are imported when
 * the command runs (SQLite and YAML are not needed to start svc).
 */
export function registerLoad(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('load')
    .description('import Infrahub object files (apiVersion: infrahub.app/v1, kind: Object) into the inventory, upserting by human-friendly id')
    .argument('<paths...>', 'object files or folders (.yml/.yaml, recursively)')
    .option('--dry-run', 'check and show what would change; write nothing')
    .option('--overwrite-generated', 'load values over fields a generator set and objects an open request holds (refused without it)')
    .addOption(formatOption<Format>(['text', 'json']))
    .action(async (paths: string[], opts: { dryRun?: boolean; overwriteGenerated?: boolean; format: Format }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { loadObjectsChecked } = await import('../../app/load.js');
      const { progressLine } = await import('../progress.js');
      const bar = progressLine(c, opts.format);
      const r = await loadObjectsChecked(catalog, paths, c.cwd, { dryRun: Boolean(opts.dryRun), overwriteGenerated: Boolean(opts.overwriteGenerated), ...(bar ? { progress: bar.report } : {}) }).finally(() => bar?.end());
      if (!r.ok) {
        if (opts.format === 'json') {
          c.out(jsonDocument({ ok: false, dryRun: Boolean(opts.dryRun), summary: {}, written: [], diagnostics: r.diagnostics }));
          setExit(1);
          return;
        }
        const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
        const generated = r.diagnostics.filter((d) => (d.code === 'load/overwrites-generated' || d.code === 'load/overwrites-held') && d.severity === 'error').length;
        if (generated === errors) {
          throw new ValidationError('load/overwrites-generated', `the files would undo ${generated} change${generated === 1 ? '' : 's'} that generators or open requests made: nothing was loaded`, { diagnostics: r.diagnostics, hint: 'leave those fields out of the files, or load them anyway with --overwrite-generated (then run `svc generate`)' });
        }
        throw new ValidationError('load/invalid', `${errors} error${errors === 1 ? '' : 's'} in the object files: nothing was loaded`, { diagnostics: r.diagnostics, hint: 'fix the findings above and run svc load again' });
      }
      if (opts.format === 'json') {
        c.out(jsonDocument({ ok: true, dryRun: Boolean(opts.dryRun), summary: r.summary, written: r.written, diagnostics: r.diagnostics }));
      } else {
        if (r.diagnostics.length) c.err(renderDiagnosticsText(r.diagnostics, c.color));
        c.out(renderSummary(r.summary, r.written.length, Boolean(opts.dryRun), r.objects, r.inputs));
      }
      setExit(0);
    });
}

function renderSummary(summary: Record<string, KindCounts>, files: number, dryRun: boolean, objects: number, inputs: number): string {
  const rows = Object.entries(summary);
  const width = Math.max(4, ...rows.map(([k]) => k.length));
  let out = `${'kind'.padEnd(width)}  created  updated  unchanged\n`;
  for (const [kind, n] of rows) out += `${kind.padEnd(width)}  ${String(n.created).padStart(7)}  ${String(n.updated).padStart(7)}  ${String(n.unchanged).padStart(9)}\n`;
  const total = rows.reduce((t, [, n]) => ({ c: t.c + n.created, u: t.u + n.updated }), { c: 0, u: 0 });
  const verb = dryRun ? 'would write' : 'wrote';
  out += `${objects} object${objects === 1 ? '' : 's'} in ${inputs} file${inputs === 1 ? '' : 's'}: ${total.c} created, ${total.u} updated; ${verb} ${files} inventory file${files === 1 ? '' : 's'}${dryRun ? ' (dry run: nothing written)' : ''}\n`;
  return out;
}
