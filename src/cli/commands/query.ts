import type { Command } from 'commander';
import { requireCatalog } from '../catalog.js';
import { collect, formatOption } from '../options.js';
import type { Ctx, SetExit } from './index.js';

/** `svc query`: run a GraphQL query (Infrahub's shape) over the inventory and print `{ data }`. */
export function registerQuery(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('query')
    .description('run a query of .orchestrator.yml (or a .gql file) over the inventory and print { data }, as Infrahub answers')
    .argument('<query>', 'a query name under queries:, or a .gql file')
    .option('--var <name=value>', 'a query variable (typed by its declaration: Int, Boolean, [String] as JSON); repeatable', collect, [])
    .addOption(formatOption(['json', 'yaml'] as const))
    .action(async (ref: string, opts: { var: string[]; format: 'json' | 'yaml' }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { queryCatalog } = await import('../../app/query.js');
      const result = await queryCatalog(catalog, ref, opts.var, c.cwd);
      if (opts.format === 'json') c.out(`${JSON.stringify(result, null, 2)}\n`);
      else c.out((await import('yaml')).stringify(result));
      setExit(0);
    });
}
