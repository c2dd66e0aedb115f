import type { Command } from 'commander';
import { hasErrors, sortDiagnostics, strictly } from '../../core/diagnostics.js';
import { requireCatalog } from '../catalog.js';
import { formatOption } from '../options.js';
import { renderDiagnosticsGithub, renderDiagnosticsText, summaryLine, type DiagnosticFormat } from '../render/diagnostics.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

export function registerValidate(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('validate')
    .description('check the catalog: .orchestrator.yml, schemas (and, as they exist, products, generators, inventory)')
    .addOption(formatOption<DiagnosticFormat>(['text', 'json', 'github']))
    .option('--strict', 'every warning is an error (as `strict: true` in .orchestrator.yml): svc\'s stricter reading of Infrahub and SURF files, for CI')
    .option('--base <ref>', 'also review the schema changes since <ref> (e.g. origin/main) against the existing inventory')
    .action(async (opts: { format: DiagnosticFormat; base?: string; strict?: boolean }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      // Loaded when the command runs: the validators pull in most of svc, which other commands never need.
      const { validateCatalog } = await import('../../core/validate.js');
      const { nodeFileHost } = await import('../../adapters/fs.js');
      // The shared reservation ledger's own consistency (a resource reserved twice), when there is one.
      const ledgerProblems = await (await import('../../app/pools.js')).ledgerAudit(catalog.root).catch(() => undefined);
      const strict = Boolean(opts.strict) || catalog.strict;
      const { progressLine } = await import('../progress.js');
      const bar = progressLine(c, opts.format);
      let report;
      try {
        report = validateCatalog(catalog, nodeFileHost, { strict, ...(ledgerProblems ? { ledgerProblems } : {}), ...(bar ? { progress: bar.report } : {}) });
      } finally {
        bar?.end();
      }
      // Subscriptions against their lifecycle state, through the index (skipped when the inventory does not decode cleanly).
      if (report.checked.objects !== undefined && !hasErrors(report.diagnostics)) {
        const { validateSubscriptions } = await import('../../app/validate-subscriptions.js');
        report.diagnostics = sortDiagnostics([...report.diagnostics, ...validateSubscriptions(catalog)]);
      }
      // The catalog's own checks (check_definitions), once the inventory is sound enough to query.
      if (report.checked.objects !== undefined && !hasErrors(report.diagnostics) && catalog.render.checkDefinitions.length) {
        const { validateChecks } = await import('../../app/checks.js');
        report.diagnostics = sortDiagnostics([...report.diagnostics, ...(await validateChecks(catalog))]);
        report.checked['checks'] = catalog.render.checkDefinitions.length;
      }
      const review = opts.base === undefined ? undefined : await (await import('../../app/review.js')).reviewAgainstBase(catalog, opts.base);
      if (review) report.diagnostics = sortDiagnostics([...report.diagnostics, ...review.diagnostics]);
      // Again over the whole report: the subscription and --base findings are warnings too, some of them.
      report.diagnostics = strictly(report.diagnostics, strict);
      const failed = hasErrors(report.diagnostics);
      if (opts.format === 'json') {
        const extra = review ? { base: review.base, baseCommit: review.baseCommit, schemaChanges: review.changes } : {};
        c.out(jsonDocument({ ok: !failed, checked: report.checked, ...extra, diagnostics: report.diagnostics }));
      } else if (opts.format === 'github') {
        c.out(renderDiagnosticsGithub(report.diagnostics));
      } else {
        if (review) {
          const { describeChange } = await import('../../core/schema-review/index.js');
          c.out(`schema changes since ${review.base}: ${review.changes.length ? '' : 'none'}\n`);
          for (const ch of review.changes) c.out(`  ${describeChange(ch)}\n`);
        }
        c.out(renderDiagnosticsText(report.diagnostics, c.color));
        const what = Object.entries(report.checked).map(([k, n]) => `${n} ${k}`).join(', ');
        c.out(`${failed ? c.color.red("✗") : c.color.green("✓")} ${what}: ${summaryLine(report.diagnostics)}\n`);
      }
      setExit(failed ? 1 : 0);
    });
}
