import { afterEach, describe, expect, it } from 'vitest';
import { git, svc } from '../helpers/repo.js';
import { DIA, otterPortal, Session } from './portal.js';

const running: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.close()));
});

async function portal(opts: { token?: string } = {}) {
  const p = await otterPortal(opts);
  running.push(p);
  return p;
}

/** The dedicated internet block subscription `id` has on `ref`: what the generator allocated to it. */
function blockOf(dir: string, ref: string, id: string): { vlan: unknown; prefix: unknown; customer_port: unknown } {
  for (const path of git(dir, 'ls-tree', '-r', '--name-only', ref, 'inventory/BlockDedicatedInternet').split('\n').filter(Boolean)) {
    const block = JSON.parse(git(dir, 'show', `${ref}:${path}`));
    const sub = JSON.parse(git(dir, 'show', `${ref}:inventory/ProductDedicatedInternet/${block.subscription.hfid}.json`));
    if (sub.subscription_id === id) return block;
  }
  throw new Error(`no block of ${id} on ${ref}`);
}

const good = { bandwidth: '1000', customer: 'Acme', site: 'par01', ip_package: 'small', noc_contacts: '', description: '' };

describe('svc serve over HTTP', () => {
  it('lists the products and their variants, and builds the form from the request schema', async () => {
    const p = await portal();
    const s = new Session(p.url);
    const home = await s.get('/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('dedicated internet');
    expect(home.body).toContain('Request dedicated internet 1000');
    const form = await s.get(`${DIA}?variant=${encodeURIComponent('dedicated internet 1000')}`);
    expect(form.body).toMatch(/<label for="in-ip_package">ip package/);
    // An enum is a select with the schema's choices; the variant's fixed input is preselected.
    expect(form.body).toMatch(/<select id="in-ip_package"[^>]*>.*<option>small<\/option><option>medium<\/option><option>large<\/option>/s);
    expect(form.body).toContain('<option selected>1000</option>');
    // A reference lists the inventory's sites.
    expect(form.body).toMatch(/<datalist id="in-site-list">.*value="par01"/s);
  });

  it('shows the CLI\'s validation messages for a bad value, and writes nothing', async () => {
    const p = await portal();
    const before = git(p.dir, 'for-each-ref');
    const r = await new Session(p.url).post(DIA, { ...good, ip_package: 'huge', _action: 'submit' });
    expect(r.status).toBe(422);
    const cli = svc(p.dir, ['request', 'create', 'dedicated internet 1000', '--customer', 'Acme', '--set', 'site=par01', '--set', 'ip_package=huge'], { env: { SVC_NOW: '2026-01-01T00:00:00Z' } });
    expect(cli.code).toBe(1);
    const message = 'ip_package: "huge" is not one of small, medium, large';
    expect(cli.stderr).toContain(message);
    expect(r.body).toContain(message.replace(/"/g, '&quot;'));
    expect(r.body).toContain('aria-invalid="true"');
    expect(git(p.dir, 'for-each-ref')).toBe(before);
  });

  it('previews a request as a dry run: the diff, and no branch', async () => {
    const p = await portal();
    const r = await new Session(p.url).post(DIA, { ...good, _action: 'preview' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('Preview: nothing was written');
    expect(r.body).toContain('request/dia-0001');
    expect(r.body).toMatch(/<pre aria-label="inventory diff">[^<]*ProductDedicatedInternet/);
    expect(git(p.dir, 'branch', '--list', 'request/*')).toBe('');
  });

  it('submits a request as the CLI would: a branch, then the request page with its diff', async () => {
    const p = await portal();
    const s = new Session(p.url);
    const r = await s.post(DIA, { ...good, _action: 'submit' });
    expect(r.status).toBe(303);
    expect(r.location).toBe('/requests/dia-0001?created=1');
    expect(git(p.dir, 'branch', '--list', 'request/*').trim()).toBe('request/dia-0001');
    const page = await s.get(r.location!);
    expect(page.body).toContain('<code>request/dia-0001</code>');
    expect(page.body).toMatch(/Inventory diff[\s\S]*ProductDedicatedInternet/);
    // The CLI sees the same request.
    const show = svc(p.dir, ['request', 'show', 'dia-0001', '--format', 'json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ requestId: 'dia-0001', customer: 'Acme', state: 'open' });
    const list = await s.get('/requests?state=open');
    expect(list.body).toContain('href="/requests/dia-0001"');
    expect((await s.get('/requests?state=merged')).body).toContain('No merged requests.');
  });

  it('gives two concurrent submissions distinct ids and resources, through the ledger', async () => {
    const p = await portal();
    const [a, b] = [new Session(p.url), new Session(p.url)];
    const tokens = await Promise.all([a, b].map(async (s) => (await s.get(DIA)).body));
    const csrf = tokens.map((t) => /name="_csrf" value="([0-9a-f]+)"/.exec(t)![1]!);
    const [ra, rb] = await Promise.all([a.post(DIA, { ...good, _action: 'submit' }, csrf[0]), b.post(DIA, { ...good, customer: 'Beta', _action: 'submit' }, csrf[1])]);
    expect([ra.status, rb.status]).toEqual([303, 303]);
    expect(ra.location).not.toBe(rb.location);
    const ids = [ra.location!, rb.location!].map((l) => /\/requests\/([^?]+)/.exec(l)![1]!);
    expect(new Set(ids).size).toBe(2);
    const got = ids.map((id) => blockOf(p.dir, `request/${id}`, id));
    expect(got.map((b) => b.vlan).every((v) => typeof v === 'number')).toBe(true);
    expect(got[0]!.vlan).not.toBe(got[1]!.vlan);
    expect(got[0]!.prefix).not.toBe(got[1]!.prefix);
    expect(JSON.stringify(got[0]!.customer_port)).not.toBe(JSON.stringify(got[1]!.customer_port));
  });

  it('refuses a POST without the CSRF cookie and field', async () => {
    const p = await portal();
    const s = new Session(p.url);
    await s.get(DIA);
    const r = await s.post(DIA, { ...good, _action: 'submit' }, 'f'.repeat(64));
    expect(r.status).toBe(400);
    expect(r.body).toContain('CSRF token');
    const bare = await fetch(p.url + DIA, { method: 'POST', body: new URLSearchParams({ ...good, _action: 'submit' }) });
    expect(bare.status).toBe(400);
    expect(git(p.dir, 'branch', '--list', 'request/*')).toBe('');
  });

  it('checks a request id from the address before it reaches git', async () => {
    const p = await portal();
    const s = new Session(p.url);
    const bad = await s.get('/requests/..%2F..%2Fmain');
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('is not a valid request id');
    const unknown = await s.get('/requests/dia-9999');
    expect(unknown.status).toBe(404);
    expect((await s.get('/requests?state=weird')).status).toBe(400);
  });

  it('with a token, refuses a browser without it and lets one that gave it in', async () => {
    const p = await portal({ token: 'a-long-test-token' });
    expect((await fetch(`${p.url}/`)).status).toBe(401);
    const s = new Session(p.url);
    const first = await s.get('/?token=a-long-test-token');
    expect(first.status).toBe(303);
    expect((await s.get('/')).status).toBe(200);
  });

  it('refuses to bind beyond loopback without a token (exit 2), and a bad port', async () => {
    const p = await portal();
    const open = svc(p.dir, ['serve', '--host', '0.0.0.0', '--port', '0'], { env: { SVC_SERVE_TOKEN: '' } });
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('--host 0.0.0.0 makes the portal reachable from other machines, and no token is set');
    const port = svc(p.dir, ['serve', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port eighty is not a port number');
  });

  it('shows pool utilisation', async () => {
    const p = await portal();
    const r = await new Session(p.url).get('/pools');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/<meter min="0" max="100"/);
  });
});
