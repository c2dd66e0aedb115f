import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { portalApp, type PortalOptions } from './app.js';
import { checkExposure } from './security.js';

export interface ServeOptions extends PortalOptions {
  host: string;
  port: number;
}

export interface RunningPortal {
  url: string;
  close: () => Promise<void>;
}

/** Start the portal; resolves once it listens (port 0: a free port, in `url`). */
export async function startPortal(opts: ServeOptions): Promise<RunningPortal> {
  checkExposure(opts.host, opts.token);
  const app = portalApp(opts);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // A browser's idle keep-alive connection would otherwise hold Ctrl-C for seconds.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
