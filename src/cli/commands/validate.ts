import type { Command } from 'commander';
import { nodeFileHost } from '../../adapters/fs.js';
import { hasErrors } from '../../core/diagnostics.js';
import { validateCatalog } from '../../core/validate.js';
import { requireCatalog } from '../catalog.js';
import { formatOption } from '../options.js';
import { renderDiagnosticsGithub, renderDiagnosticsText, summaryLine, type DiagnosticFormat } from '../render/diagnostics.js';
import type { Ctx, SetExit } from './index.js';

export function registerValidate(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('validate')
    .description('check the catalog: .orchestrator.yml, schemas (and, as they exist, products, generators, inventory)')
    .addOption(formatOption<DiagnosticFormat>(['text', 'json', 'github']))
    .action((opts: { format: DiagnosticFormat }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const report = validateCatalog(catalog, nodeFileHost);
      const failed = hasErrors(report.diagnostics);
      if (opts.format === 'json') {
        c.out(`${JSON.stringify({ ok: !failed, checked: report.checked, diagnostics: report.diagnostics }, null, 2)}\n`);
      } else if (opts.format === 'github') {
        c.out(renderDiagnosticsGithub(report.diagnostics));
      } else {
        c.out(renderDiagnosticsText(report.diagnostics, c.color));
        const what = Object.entries(report.checked).map(([k, n]) => `${n} ${k}`).join(', ');
        c.out(`${failed ? c.color.red("✗") : c.color.green("✓")} ${what}: ${summaryLine(report.diagnostics)}\n`);
      }
      setExit(failed ? 1 : 0);
    });
}
