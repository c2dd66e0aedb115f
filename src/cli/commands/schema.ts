import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { hasErrors } from '../../core/diagnostics.js';
import { ValidationError } from '../../core/errors.js';
import type { KindView } from '../../core/schema/describe.js';
import type { SchemaSet } from '../../core/schema/model.js';
import { requireCatalog } from '../catalog.js';
import type { CliContext } from '../context.js';
import { formatOption } from '../options.js';
import { renderDiagnosticsGithub, renderDiagnosticsText, summaryLine, type DiagnosticFormat } from '../render/diagnostics.js';
import { renderTable } from '../render/table.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

export function registerSchema(program: Command, ctx: Ctx, setExit: SetExit): void {
  const schema = program.command('schema').description('check, inspect and export the schema (Infrahub dialect)');

  schema
    .command('check')
    .description('validate schema files and folders together with the built-in kinds (inside or outside a catalog)')
    .argument('<paths...>', 'schema files or folders')
    .addOption(formatOption<DiagnosticFormat>(['text', 'json', 'github']))
    .action(async (paths: string[], opts: { format: DiagnosticFormat }) => {
      const c = ctx();
      const { checkSchemaPaths } = await import('../../core/schema/catalog-schema.js');
      const { nodeFileHost } = await import('../../adapters/fs.js');
      const load = checkSchemaPaths(paths, nodeFileHost, c.cwd);
      const failed = hasErrors(load.diagnostics);
      const kinds = load.schema ? [...load.schema.kinds.values()].filter((k) => !k.builtin).length : 0;
      if (opts.format === 'json') {
        c.out(jsonDocument({ ok: !failed, checked: { 'schema files': load.fileCount, kinds }, diagnostics: load.diagnostics }));
      } else if (opts.format === 'github') {
        c.out(renderDiagnosticsGithub(load.diagnostics));
      } else {
        c.out(renderDiagnosticsText(load.diagnostics, c.color));
        const mark = failed ? c.color.red('✗') : c.color.green('✓');
        c.out(`${mark} ${load.fileCount} schema file${load.fileCount === 1 ? '' : 's'}${failed ? '' : `, ${kinds} kinds`}: ${summaryLine(load.diagnostics)}\n`);
      }
      setExit(failed ? 1 : 0);
    });

  schema
    .command('show')
    .description('the resolved kind: attributes and relationships, each with where it came from')
    .argument('<kind>', 'a kind such as DcimDevice')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (kind: string, opts: { format: 'text' | 'json' }) => {
      const c = ctx();
      const { describeKind, describeOrigin } = await import('../../core/schema/describe.js');
      const view = describeKind(await catalogSchema(c), kind);
      c.out(opts.format === 'json' ? jsonDocument(view) : renderKind(view, c, describeOrigin));
      setExit(0);
    });

  schema
    .command('list')
    .description('every kind of the catalog: namespace, node or generic, attribute and relationship counts, file')
    .option('--builtin', 'include the kinds that come with svc')
    .addOption(formatOption(['table', 'json'] as const))
    .action(async (opts: { format: 'table' | 'json'; builtin?: boolean }) => {
      const c = ctx();
      const { listKinds } = await import('../../core/schema/describe.js');
      const rows = listKinds(await catalogSchema(c), { builtin: opts.builtin === true });
      if (opts.format === 'json') c.out(jsonDocument(rows));
      else c.out(renderTable(['KIND', 'NAMESPACE', 'TYPE', 'ATTRS', 'RELS', 'FILE'], rows.map((r) => [r.kind, r.namespace, r.type, String(r.attributes), String(r.relationships), r.file])));
      setExit(0);
    });

  schema
    .command('export')
    .description('write JSON Schemas for schema files and .orchestrator.yml, for editors with yaml-language-server')
    .requiredOption('--out <dir>', 'the folder to write them to')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (opts: { out: string; format: 'text' | 'json' }) => {
      const c = ctx();
      const dir = resolve(c.cwd, opts.out);
      const { exportSchemas } = await import('../../core/schema/export.js');
      const { writeFileAtomic } = await import('../../adapters/fs.js');
      const written = exportSchemas();
      for (const s of written) writeFileAtomic(join(dir, s.file), s.text);
      if (opts.format === 'json') {
        c.out(jsonDocument({ out: opts.out, schemas: written.map((s) => ({ file: join(opts.out, s.file), title: s.title, fileMatch: s.fileMatch })) }));
        setExit(0);
        return;
      }
      for (const s of written) c.out(`wrote ${join(opts.out, s.file)}  (${s.title}; for ${s.fileMatch.join(', ')})\n`);
      c.out(`hint: put "# yaml-language-server: $schema=<path to the file>" at the top of a YAML file, or map them in yaml.schemas\n`);
      setExit(0);
    });
}

/** The catalog's resolved schema; a schema with errors is a failed validation (exit 1). */
async function catalogSchema(c: CliContext): Promise<SchemaSet> {
  const { loadCatalogSchema } = await import('../../core/schema/catalog-schema.js');
  const { nodeFileHost } = await import('../../adapters/fs.js');
  const load = loadCatalogSchema(requireCatalog(c), nodeFileHost);
  if (!load.schema) throw new ValidationError('schema/invalid', 'the catalog schema has errors', { diagnostics: load.diagnostics, hint: 'run `svc validate` or `svc schema check` and fix them first' });
  return load.schema;
}

function renderKind(v: KindView, c: CliContext, describeOrigin: typeof import('../../core/schema/describe.js').describeOrigin): string {
  const b = c.color.bold;
  let out = `${b(v.kind)}  ${v.type}${v.builtin ? ' (built in)' : ''}${v.at ? `  ${c.color.dim(v.at)}` : ''}\n`;
  if (v.inherit_from.length) out += `  inherits from: ${v.inherit_from.join(', ')}\n`;
  if (v.used_by.length) out += `  used by: ${v.used_by.join(', ')}\n`;
  if (v.human_friendly_id) out += `  human_friendly_id: ${v.human_friendly_id.join(', ')}\n`;
  if (v.hierarchy) out += `  hierarchy: ${v.hierarchy}${v.parent ? `, parent ${v.parent}` : ''}${v.children ? `, children ${v.children}` : ''}\n`;
  out += `\n${b('attributes')}\n`;
  out += v.attributes.length ? renderTable(['NAME', 'KIND', 'DETAILS', 'FROM'], v.attributes.map((a) => [a.name, a.kind, a.summary, describeOrigin(a.origin)])) : '  (none)\n';
  out += `\n${b('relationships')}\n`;
  out += v.relationships.length
    ? renderTable(['NAME', 'PEER', 'KIND', 'DETAILS', 'IDENTIFIER', 'FROM'], v.relationships.map((r) => [r.name, r.peer, r.kind, r.summary, r.identifier, describeOrigin(r.origin)]))
    : '  (none)\n';
  return out;
}
