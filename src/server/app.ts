import { Hono, type Context } from 'hono';
import { openInventory } from '../app/inventory.js';
import { requireModel } from '../app/model.js';
import { poolsReport } from '../app/pools.js';
import { listRequests } from '../app/request-list.js';
import { describeRequest } from '../app/request-show.js';
import { createRequest } from '../app/request.js';
import type { Catalog } from '../core/catalog/catalog.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { SvcError, UsageError, ValidationError } from '../core/errors.js';
import { listProducts } from '../core/products/describe.js';
import { requestSchema, type JsonSchema } from '../core/products/inputs.js';
import type { ProductDef } from '../core/products/model.js';
import { findVariant } from '../core/products/variants.js';
import { checkRequestId } from '../core/request/names.js';
import { renderForm, type FormState } from './form.js';
import { html, page, type Html } from './html.js';
import { catalogView, errorView, poolsView, previewView, productPath, requestListView, requestPath, requestView, resultDiff } from './pages.js';
import { checkCsrf, csrfToken, CSRF_FIELD, requireToken } from './security.js';

export interface PortalOptions {
  catalog: Catalog;
  clock: () => Date;
  token?: string;
}

const STATES = ['open', 'merged', 'abandoned'] as const;

/**
 * The portal's routes. Every rule lives in app/ and core/, called exactly as the CLI calls them
 * (createRequest, listRequests, describeRequest, poolsReport): a request made here is the same
 * request `svc request create` makes, through the same reservation ledger.
 */
export function portalApp(opts: PortalOptions): Hono {
  const { catalog } = opts;
  const name = catalog.root.split(/[\\/]/).pop() ?? 'catalog';
  const app = new Hono();
  const send = (c: Context, title: string, body: Html, status: 200 | 400 | 404 | 422 | 500 = 200) => {
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    return c.html(page(title, body, name), status);
  };

  app.use('*', requireToken(opts.token));

  app.onError((e, c) => {
    if (e instanceof SvcError) return send(c, e instanceof ValidationError ? 'Invalid' : 'Not possible', errorView(e.message, e.hint), e.code.endsWith('unknown-request') ? 404 : 400);
    return send(c, 'Internal error', errorView(`internal error: ${e.message}`, 'this is a bug in svc; the server log has the details'), 500);
  });

  app.get('/', (c) => {
    const { products } = requireModel(catalog);
    return send(c, 'Products', catalogView(products ? listProducts(products) : []));
  });

  const productOf = (raw: string): ProductDef => {
    const products = requireModel(catalog).products;
    const p = products ? [...products.products.values()].find((x) => x.name === raw) : undefined;
    if (!p) throw new UsageError('serve/unknown-product', `no product named "${raw}"`, { hint: 'the Products page lists them' });
    return p;
  };

  const schemaFor = (product: ProductDef): JsonSchema => {
    const { schema, products } = requireModel(catalog);
    const inv = openInventory(catalog, schema);
    try {
      return requestSchema(product, products!, { reader: inv, schema });
    } finally {
      inv.close();
    }
  };

  const formPage = (c: Context, product: ProductDef, state: FormState, extra: Html | string = '', status: 200 | 422 = 200) =>
    send(c, `Request ${product.name}`, html`${product.description ? html`<p>${product.description}</p>` : ''}${renderForm(schemaFor(product), productPath(product.name), csrfToken(c), state)}${extra}`, status);

  app.get('/products/:name', (c) => {
    const product = productOf(c.req.param('name'));
    const values: Record<string, string> = {};
    const v = c.req.query('variant');
    const found = v ? findVariant([product], v) : undefined;
    if (found) for (const [k, x] of Object.entries(found.variant.fixedInputs)) values[k] = String(x);
    return formPage(c, product, { values, problems: [] });
  });

  app.post('/products/:name', async (c) => {
    const product = productOf(c.req.param('name'));
    const body = await c.req.parseBody();
    if (!checkCsrf(c, body[CSRF_FIELD])) return send(c, 'Refused', errorView('this form was not sent by a page of this portal (its CSRF token is missing or wrong)', 'reload the form and send it again'), 400);
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== CSRF_FIELD && k !== '_action') values[k] = v;
    // An empty field is an input left out: its default applies, or the CLI's "missing" message.
    const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
    const dryRun = body._action !== 'submit';
    let result;
    try {
      result = await createRequest(catalog, { product: product.name, set, dryRun, clock: opts.clock });
    } catch (e) {
      if (e instanceof SvcError && (e instanceof ValidationError || e.code === 'request/bad-set')) {
        const problems: Diagnostic[] = e.diagnostics.length ? e.diagnostics : [{ severity: 'error', code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }];
        return formPage(c, product, { values, problems }, '', 422);
      }
      throw e;
    }
    if (dryRun) return formPage(c, product, { values, problems: [] }, previewView(result, resultDiff(result, requireModel(catalog).schema)));
    return c.redirect(`${requestPath(result.requestId)}?created=1`, 303);
  });

  app.get('/requests', async (c) => {
    const raw = c.req.query('state');
    const state = STATES.find((s) => s === raw);
    if (raw !== undefined && !state) throw new UsageError('serve/bad-state', `"${raw}" is not a request state`, { hint: `one of ${STATES.join(', ')}` });
    const rows = (await listRequests(catalog)).filter((r) => state === undefined || r.state === state);
    return send(c, 'Requests', requestListView(rows, state));
  });

  app.get('/requests/:id', async (c) => {
    const id = c.req.param('id');
    // Checked before anything reaches git: a request id is the only part of a ref the browser names.
    checkRequestId(id);
    const r = await describeRequest(catalog, id);
    return send(c, `Request ${r.requestId}`, requestView(r, c.req.query('created') === '1'));
  });

  app.get('/pools', async (c) => send(c, 'Pools', poolsView(await poolsReport(catalog))));

  app.notFound((c) => send(c, 'Not found', errorView(`nothing at ${new URL(c.req.url).pathname}`, 'the Products page is the start'), 404));
  return app;
}
