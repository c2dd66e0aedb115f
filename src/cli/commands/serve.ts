import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { requireCatalog } from '../catalog.js';
import type { Ctx, SetExit } from './index.js';

/** `svc serve`: the request portal, a local web application on the same app layer as the CLI. */
export function registerServe(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('serve')
    .description('a web portal to request products, preview and follow requests (binds to 127.0.0.1; another host needs a token)')
    .option('--port <port>', 'the port to listen on (0: any free port)', '8080')
    .option('--host <host>', 'the address to bind to', '127.0.0.1')
    .option('--token <secret>', 'required to bind to anything but loopback (default: $SVC_SERVE_TOKEN)')
    .action(async (opts: { port: string; host: string; token?: string }) => {
      const c = ctx();
      const port = Number(opts.port);
      if (!/^\d+$/.test(opts.port) || port > 65535) throw new UsageError('serve/bad-port', `--port ${opts.port} is not a port number`, { hint: 'a number from 0 to 65535' });
      const token = opts.token ?? (c.env.SVC_SERVE_TOKEN || undefined);
      const catalog = requireCatalog(c);
      const [{ requireModel }, { startPortal }] = await Promise.all([import('../../app/model.js'), import('../../server/start.js')]);
      // A catalog that does not load is said now, not on the first page view.
      requireModel(catalog);
      const portal = await startPortal({ catalog, clock: c.clock, host: opts.host, port, ...(token ? { token } : {}) });
      c.out(`svc serve: the portal for ${catalog.root} is at ${portal.url}/${token ? ' (open it with ?token=<your token> once)' : ''}\n`);
      c.out('press Ctrl-C to stop\n');
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void portal.close().then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      setExit(0);
    });
}
