import type { Command } from 'commander';
import type { GenerateResult } from '../../app/generate.js';
import type { TargetReport } from '../../core/generate/engine.js';
import { generatorLabel } from '../../core/generate/label.js';
import { requireCatalog } from '../catalog.js';
import type { CliContext } from '../context.js';
import { formatOption } from '../options.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

export function registerGenerate(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('generate')
    .description('run the generators for their targets and write what changed (idempotent: a second run changes nothing)')
    .option('--target <subscription>', 'only this target (id, or human-friendly id)')
    .option('--generator <name>', 'only this generator')
    .option('--dry-run', 'show what would change, write nothing')
    .option('--check', 'for CI: exit 1 and show the changes when the inventory is not what the generators produce')
    .option('--no-cache', 'run every target, even those whose remembered run still holds')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (opts: { target?: string; generator?: string; dryRun?: boolean; check?: boolean; cache: boolean; format: 'text' | 'json' }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { generate } = await import('../../app/generate.js');
      const { progressLine } = await import('../progress.js');
      const bar = progressLine(c, opts.format);
      const result = await generate(catalog, {
        ...(bar ? { progress: bar.report } : {}),
        ...(opts.target !== undefined ? { target: opts.target } : {}),
        ...(opts.generator !== undefined ? { generator: opts.generator } : {}),
        dryRun: Boolean(opts.dryRun || opts.check),
        check: Boolean(opts.check),
        noCache: !opts.cache,
        clock: c.clock,
        status: c.earlyStatus?.(catalog.root),
      }).finally(() => bar?.end());
      const changed = result.files.writes.length + result.files.deletes.length > 0;
      if (opts.format === 'json') c.out(jsonDocument(toJson(result, changed)));
      else c.out(renderText(result, changed, Boolean(opts.check), c));
      setExit(opts.check && (changed || result.staleArtifacts.length > 0) ? 1 : 0);
    });
}

/** The documented JSON shape of `svc generate --format json`. */
function toJson(r: GenerateResult, changed: boolean) {
  return {
    applied: r.applied && changed,
    upToDate: !changed && r.staleArtifacts.length === 0,
    targets: r.reports.map((t) => ({
      generator: t.generator,
      target: t.target,
      label: t.label,
      outcome: t.outcome,
      ...(t.lifecycle ? { lifecycle: t.lifecycle } : {}),
      ...(t.pending ? { pending: t.pending } : {}),
      logs: t.logs,
    })),
    files: { written: r.files.writes.map((w) => w.path), deleted: r.files.deletes },
    artifacts: { written: r.artifacts.writes.map((w) => w.path), deleted: r.artifacts.deletes.map((d) => d.path) },
    reused: r.reused,
    staleArtifacts: r.staleArtifacts.map((f) => ({ path: f.path, definition: f.definition, target: f.target, problem: PROBLEM[f.state] })),
  };
}

/** What --check calls an artifact file that differs from what the inventory renders, by render state. */
const PROBLEM = { created: 'missing', updated: 'stale', deleted: 'orphaned', unchanged: 'up to date' } as const;

const OUTCOME: Record<TargetReport['outcome'], (col: CliContext['color']) => string> = {
  generated: (col) => col.green('generated'),
  released: (col) => col.yellow('released'),
  checked: (col) => col.green('checked'),
};

function renderText(r: GenerateResult, changed: boolean, check: boolean, c: CliContext): string {
  const col = c.color;
  let out = '';
  for (const t of r.reports) {
    const move = t.lifecycle ? `  ${t.lifecycle.from} → ${t.lifecycle.to}` : '';
    // A run that changes nothing generated nothing new: saying "generated" reads as if it wrote.
    const outcome = !changed && t.outcome === 'generated' ? col.green('up to date') : OUTCOME[t.outcome](col);
    out += `${col.bold(generatorLabel(t))}  ${t.label}  ${outcome}${move}\n`;
    for (const l of t.logs) out += `  ${col.dim(l.level)} ${l.message}\n`;
    if (t.pending) out += `  ${col.yellow('pending')} ${t.pending}\n`;
  }
  for (const w of r.files.writes) out += `  ${col.green('write')}  ${w.path}\n`;
  for (const d of r.files.deletes) out += `  ${col.red('delete')} ${d}\n`;
  for (const w of r.artifacts.writes) out += `  ${col.green('render')} ${w.path}\n`;
  for (const d of r.artifacts.deletes) out += `  ${col.red('delete')} ${d.path}\n`;
  for (const f of r.staleArtifacts) out += `  ${col.red(PROBLEM[f.state].padEnd(8))} ${f.path}\n`;
  if (r.staleArtifacts.length) out += `${col.red('✗')} ${r.staleArtifacts.length} committed artifact file(s) differ from what the inventory renders: run \`svc render\` and commit them\n`;
  if (!changed) out += `${col.green('✓')} up to date: the generators produce exactly what the inventory holds\n`;
  else if (check) out += `${col.red('✗')} the inventory is not what the generators produce: run \`svc generate\` and commit the result\n`;
  else if (!r.applied) out += `dry run: ${r.files.writes.length} file(s) would be written, ${r.files.deletes.length} deleted\n`;
  else out += `${col.green('✓')} ${r.files.writes.length} file(s) written, ${r.files.deletes.length} deleted\n`;
  return out;
}
