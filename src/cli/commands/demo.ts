import type { Command } from 'commander';
import { formatOption } from '../options.js';
import type { Ctx, SetExit } from './index.js';

export function registerDemo(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('demo')
    .description('run the factory once on a scratch copy of the Otter-net example: load, request, and the diff a reviewer sees')
    .option('--dir <dir>', 'make the scratch catalog here (a new or empty folder) instead of a temporary folder')
    .addOption(formatOption(['text', 'markdown', 'json'] as const))
    .action(async (opts: { dir?: string; format: 'text' | 'markdown' | 'json' }) => {
      const c = ctx();
      const { runDemo } = await import('../../app/demo.js');
      const { withSpinner } = await import('../render/spinner.js');
      const demo = await withSpinner(c, opts.format, 'building the Otter-net example and requesting a service', () => runDemo({ ...(opts.dir !== undefined ? { dir: opts.dir } : {}), cwd: c.cwd, clock: c.clock }));
      const { showRequest } = await import('./request.js');
      const { openCatalog } = await import('../../core/catalog/catalog.js');
      const { nodeFileHost } = await import('../../adapters/fs.js');
      const catalog = openCatalog(demo.dir, nodeFileHost).catalog!;
      if (opts.format === 'text') {
        c.out(`${c.color.bold('Otter-net')} scratch catalog: ${demo.dir}\n`);
        c.out(`  loaded ${demo.loaded.objects} objects from bootstrap/ and committed them on main\n`);
        c.out(`  then: svc request create "dedicated internet 1000" --customer "Acme Corp" --set site=par01 --set ip_package=small\n\n`);
      }
      await showRequest(c, catalog, demo.request, { format: opts.format });
      if (opts.format === 'text') {
        c.out(`\nGo on from here:\n  cd ${demo.dir}\n  svc request list\n  svc request show ${demo.request.requestId}\n  git merge --no-ff request/${demo.request.requestId} && svc request modify ${demo.request.subscriptionId} --set ip_package=large\n`);
      }
      setExit(0);
    });
}
