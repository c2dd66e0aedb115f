import { nodeFileHost } from '../../src/adapters/fs.js';
import { openCatalog } from '../../src/core/catalog/catalog.js';
import { startPortal, type RunningPortal } from '../../src/server/start.js';
import { otterNetLoaded } from '../helpers/otter.js';

/** A portal on 127.0.0.1 (a free port) over a fresh copy of the loaded Otter-net catalog. */
export async function otterPortal(opts: { token?: string } = {}): Promise<RunningPortal & { dir: string }> {
  const dir = otterNetLoaded();
  const catalog = openCatalog(dir, nodeFileHost).catalog!;
  const fixed = new Date('2026-01-01T00:00:00Z');
  const portal = await startPortal({ catalog, clock: () => new Date(fixed), host: '127.0.0.1', port: 0, ...opts });
  return { ...portal, dir };
}

/** A browser's session: keeps cookies, reads the CSRF field of the last page. */
export class Session {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async get(path: string): Promise<{ status: number; body: string; location: string | null }> {
    return this.send(path, { method: 'GET' });
  }

  async post(path: string, fields: Record<string, string>, csrf?: string): Promise<{ status: number; body: string; location: string | null }> {
    const token = csrf ?? csrfOf((await this.get(path)).body);
    return this.send(path, { method: 'POST', body: new URLSearchParams({ _csrf: token, ...fields }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  private async send(path: string, init: RequestInit) {
    const res = await fetch(this.base + path, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return { status: res.status, body: await res.text(), location: res.headers.get('location') };
  }
}

export function csrfOf(body: string): string {
  const m = /name="_csrf" value="([0-9a-f]+)"/.exec(body);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1]!;
}

export const DIA = '/products/dedicated%20internet';
