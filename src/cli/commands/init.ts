import type { Command } from 'commander';
import { formatOption } from '../options.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

/**
 * `svc init <dir>`: a new catalog. It needs no catalog around it, so it ignores -C. The app (SQLite,
 * the loader) is imported when the command runs.
 */
export function registerInit(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('init')
    .description('create a catalog in <dir>: its own git repository, an example (schemas, product, generator, loaded inventory) and a CI workflow')
    .argument('<dir>', 'a new or empty folder')
    .option('--force', 'write into a folder that is not empty (files of the same name are replaced)')
    .option('--from-infrahub <repo>', 'instead of the example: the schemas and object files of the Infrahub repository <repo> (its .infrahub.yml), the objects loaded, and a report of what svc cannot carry over')
    .option('--svc-package <spec>', 'what the CI workflow installs svc from (npm install -g <spec>: a tarball URL, github:<owner>/<repo>#<commit>, name@version)')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (dir: string, opts: { force?: boolean; svcPackage?: string; fromInfrahub?: string; format: 'text' | 'json' }) => {
      const c = ctx();
      if (opts.fromInfrahub !== undefined) {
        const { initFromInfrahub } = await import('../../app/init-infrahub.js');
        const r = initFromInfrahub(dir, c.cwd, opts.fromInfrahub, { force: Boolean(opts.force), ...(opts.svcPackage !== undefined ? { svcPackage: opts.svcPackage } : {}) });
        if (opts.format === 'json') {
          c.out(jsonDocument({ root: r.root, from: r.from, files: r.files, objects: r.objects, inventoryFiles: r.inventoryFiles, commit: r.commit, svcPackage: r.svcPackage, leftBehind: r.leftBehind }));
        } else {
          const col = c.color;
          c.out(`${col.green('✓')} catalog created in ${r.root} from ${r.from} (commit ${r.commit.slice(0, 12)})\n`);
          for (const f of r.files) c.out(`  ${f}\n`);
          c.out(`  inventory/: ${r.objects} objects loaded (${r.inventoryFiles} files)\n`);
          if (r.leftBehind.length) {
            c.out(`${col.yellow('not carried over')} (.infrahub.yml entries svc has no counterpart for):\n`);
            for (const l of r.leftBehind) c.out(`  ${l.key}${l.name ? `: ${l.name}` : ''}: ${l.why}\n`);
          }
          c.out(`next:\n  cd ${dir}\n  svc validate\n`);
        }
        setExit(0);
        return;
      }
      const { initCatalog } = await import('../../app/init.js');
      const r = initCatalog(dir, c.cwd, { force: Boolean(opts.force), ...(opts.svcPackage !== undefined ? { svcPackage: opts.svcPackage } : {}) });
      if (opts.format === 'json') {
        c.out(jsonDocument({ root: r.root, files: r.files, objects: r.objects, inventoryFiles: r.inventoryFiles, commit: r.commit, svcPackage: r.svcPackage }));
      } else {
        const col = c.color;
        c.out(`${col.green('✓')} catalog created in ${r.root} (commit ${r.commit.slice(0, 12)})\n`);
        for (const f of r.files) c.out(`  ${f}\n`);
        c.out(`  inventory/: ${r.objects} bootstrap objects loaded (${r.inventoryFiles} files)\n`);
        c.out(`next:\n  cd ${dir}\n  svc validate\n  svc generate --check\n`);
        if (r.svcPackage === null) c.out(`${col.yellow('to do')}: set SVC_PACKAGE in .github/workflows/svc.yml and svc-settle.yml to where your svc comes from (or run init with --svc-package): until then the workflows fail saying so\n`);
      }
      setExit(0);
    });
}
