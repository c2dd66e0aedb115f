import type { Command } from 'commander';
import type { ArtifactFile } from '../../app/render.js';
import { requireCatalog } from '../catalog.js';
import { formatOption } from '../options.js';
import type { Ctx, SetExit } from './index.js';

/**
 * `svc render`: the artifacts of .orchestrator.yml's artifact_definitions, written under artifacts/.
 * `--check` (CI): exit 1 when a committed artifact is not what the inventory renders, writing nothing.
 */
export function registerRender(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('render')
    .description('render the artifacts (a file per target: artifacts/<artifact_name>/<target>.<ext>) and write the ones that changed')
    .option('--definition <name>', 'only this artifact definition')
    .option('--target <target>', 'only this target (its human-friendly id, name or id)')
    .option('--check', 'write nothing; exit 1 when an artifact file is stale or missing')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (opts: { definition?: string; target?: string; check?: boolean; format: 'text' | 'json' }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { renderArtifacts } = await import('../../app/render.js');
      const files = await renderArtifacts(catalog, { ...(opts.definition !== undefined ? { definition: opts.definition } : {}), ...(opts.target !== undefined ? { target: opts.target } : {}), check: opts.check === true });
      const changed = files.filter((f) => f.state !== 'unchanged');
      if (opts.format === 'json') c.out(`${JSON.stringify({ check: opts.check === true, artifacts: files }, null, 2)}\n`);
      else c.out(text(files, changed, opts.check === true));
      setExit(opts.check && changed.length ? 1 : 0);
    });
}

function text(files: ArtifactFile[], changed: ArtifactFile[], check: boolean): string {
  const verb: Record<ArtifactFile['state'], string> = check
    ? { created: 'missing', updated: 'stale', deleted: 'orphaned', unchanged: 'up to date' }
    : { created: 'created', updated: 'updated', deleted: 'deleted', unchanged: 'unchanged' };
  const rendered = files.filter((f) => f.state !== 'deleted').length;
  const lines = changed.map((f) => `${verb[f.state].padEnd(8)} ${f.path}\n`);
  const summary = check
    ? changed.length
      ? `${changed.length} of ${files.length} artifact files differ from what the inventory renders: run \`svc render\` and commit them\n`
      : `${files.length} artifact ${files.length === 1 ? 'file' : 'files'} up to date\n`
    : `${rendered} artifact ${rendered === 1 ? 'file' : 'files'}: ${changed.length ? `${changed.length} written or deleted` : 'all unchanged'}\n`;
  return `${lines.join('')}${summary}`;
}
