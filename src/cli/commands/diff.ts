import type { Command } from 'commander';
import type { Revision } from '../../app/diff.js';
import { UsageError } from '../../core/errors.js';
import { requireCatalog } from '../catalog.js';
import { formatOption } from '../options.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

type DiffFormat = 'text' | 'markdown' | 'json' | 'mermaid';

/**
 * `svc diff [BASE [HEAD]]`: what changed in the inventory, as a reviewer reads it. The app module
 * and the diff renderers load when the command runs, not at start-up.
 */
export function registerDiff(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('diff')
    .description('what changed in the inventory, object by object: added, changed, removed, lifecycle moves and pool allocations')
    .argument('[base]', 'revision to compare from (default: the merge base of HEAD with the default branch)')
    .argument('[head]', 'revision to compare to (default: the work tree, uncommitted and untracked files included)')
    .addOption(formatOption(['text', 'markdown', 'json', 'mermaid'] as const))
    .option('--all', "also show svc's bookkeeping objects (generator runs)")
    .option('--max-length <chars>', 'markdown: cut the output to this many characters (65536 fits a GitHub pull request body)')
    .action(async (base: string | undefined, head: string | undefined, opts: { format: DiffFormat; all?: boolean; maxLength?: string }) => {
      const c = ctx();
      const maxLength = opts.maxLength === undefined ? undefined : positiveInt(opts.maxLength);
      const catalog = requireCatalog(c);
      const { diffInventory } = await import('../../app/diff.js');
      const r = await diffInventory(catalog, { ...(base !== undefined ? { base } : {}), ...(head !== undefined ? { head } : {}), all: Boolean(opts.all) });
      if (r.warnings.length) c.err((await import('../render/diagnostics.js')).renderDiagnosticsText(r.warnings, c.color));
      const range = { base: label(r.base), head: label(r.head) };
      const render = await import('../../core/diff/index.js');
      const artifacts = await import('../../core/diff/artifacts.js');
      if (opts.format === 'json') c.out(jsonDocument({ ...(render.diffToJson(r.diff, { base: r.base, head: r.head }) as Record<string, unknown>), artifacts: r.artifacts }));
      else if (opts.format === 'mermaid') c.out(render.renderMermaid(render.diffGraph(r.diff)));
      else if (opts.format === 'markdown') {
        const inventory = render.renderMarkdown(r.diff, { range, ...(maxLength !== undefined ? { maxLength } : {}) });
        let files = artifacts.renderArtifactsMarkdown(r.artifacts);
        // The inventory's diff comes first; artifacts that do not fit are named, not cut mid-block.
        if (maxLength !== undefined && inventory.length + files.length > maxLength) files = `\n${r.artifacts.length} artifact file(s) changed; their diffs do not fit --max-length: see \`svc diff\`.\n`;
        c.out(inventory + (maxLength !== undefined && inventory.length + files.length > maxLength ? '' : files));
      }
      else c.out(render.renderText(r.diff, { range, colours: c.color }) + artifacts.renderArtifactsText(r.artifacts));
      setExit(0);
    });
}

/** `main (1a2b3c4)`; a revision given as a commit id is shown once. */
function label(r: Revision): string {
  if (r.commit === null) return r.rev;
  const short = r.commit.slice(0, 7);
  return r.commit.startsWith(r.rev) ? short : `${r.rev} (${short})`;
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1000) {
    throw new UsageError('diff/bad-max-length', `--max-length ${text}: expected a whole number of characters, at least 1000`, { hint: 'e.g. --max-length 65536 for a GitHub pull request body' });
  }
  return n;
}
