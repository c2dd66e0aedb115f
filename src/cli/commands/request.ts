import { Option, type Command } from 'commander';
import type { RequestSummary } from '../../app/request-list.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { requireCatalog } from '../catalog.js';
import type { CliContext } from '../context.js';
import { collect, formatOption } from '../options.js';
import type { DiffFormat } from '../render/request-diff.js';
import { withSpinner } from '../render/spinner.js';
import type { Delivery } from '../deliver.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

type Format = 'text' | 'json' | 'markdown';

/** `--set key=value` pairs; a key given twice is a usage error rather than a silent override. */
export function parseSets(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError('request/bad-set', `--set ${p}: expected input=value`, { hint: 'e.g. --set ip_package=small' });
    const key = p.slice(0, i);
    if (key in out) throw new UsageError('request/bad-set', `--set ${key} is given twice`);
    out[key] = p.slice(i + 1);
  }
  return out;
}

/** `-f request.yml`: a mapping of inputs (customer, description and the product's inputs). */
async function readRequestFile(cwd: string, file: string): Promise<Record<string, unknown>> {
  const { parseYaml } = await import('../../core/yaml/source.js');
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError('request/no-file', `-f ${file}: cannot read it (${(e as Error).message})`);
  }
  const src = parseYaml(text, file);
  if (src.diagnostics.some((d) => d.severity === 'error')) throw new UsageError('request/bad-file', `-f ${file} is not valid YAML`, { diagnostics: src.diagnostics });
  if (typeof src.value !== 'object' || src.value === null || Array.isArray(src.value)) {
    throw new UsageError('request/bad-file', `-f ${file} must be a mapping of inputs, e.g. "site: par01"`);
  }
  return src.value as Record<string, unknown>;
}

export function registerRequest(program: Command, ctx: Ctx, setExit: SetExit): void {
  const request = program.command('request').description('requests are branches: create, modify, terminate, list, show, abandon');

  const common = (cmd: Command) =>
    cmd
      .option('--base <ref>', 'the branch or commit to start from (default: the default branch)')
      .option('--push', 'push the branch to the remote (origin)')
      .option('--pr', 'open a pull request with the GitHub CLI (gh), or print the command to run')
      .option('--dry-run', 'show what the request would commit: no branch, no commit, nothing reserved')
      .addOption(formatOption<Format>(['text', 'json', 'markdown']));

  common(
    request
      .command('create <product>')
      .description('request a new subscription: a product name, or a variant such as "dedicated internet 1000"')
      .option('--customer <name>', 'the customer the subscription is for')
      .option('--description <text>', 'a free-text description')
      .option('--set <input=value>', 'an input of the product (repeatable)', collect, [])
      .option('-f, --file <request.yml>', 'read the inputs from a YAML file')
      .option('--id <id>', 'the subscription and request id (default: <tag>-NNNN)'),
  ).action(async (product: string, opts: { customer?: string; description?: string; set: string[]; file?: string; id?: string; base?: string; push?: boolean; pr?: boolean; dryRun?: boolean; format: Format }) => {
    const c = ctx();
    checkDryRun(opts);
    const catalog = requireCatalog(c);
    const { createRequest } = await import('../../app/request.js');
    let values = opts.file ? await readRequestFile(c.cwd, opts.file) : undefined;
    const set = parseSets(opts.set);
    if (!opts.file && opts.set.length === 0 && opts.customer === undefined && c.stdinTTY && c.isTTY && opts.format === 'text') {
      const { askForRequest } = await import('../request-form.js');
      values = await askForRequest(catalog, product, c.color, opts.description !== undefined ? { description: opts.description } : {});
    }
    const result = await withSpinner(c, opts.format, `requesting ${product}`, () =>
      createRequest(catalog, {
        product,
        ...(opts.customer !== undefined ? { customer: opts.customer } : {}),
        ...(opts.description !== undefined ? { description: opts.description } : {}),
        set,
        ...(values ? { values } : {}),
        ...(opts.id !== undefined ? { id: opts.id } : {}),
        ...(opts.base !== undefined ? { base: opts.base } : {}),
        dryRun: Boolean(opts.dryRun),
        clock: c.clock,
      }),
    );
    await showRequest(c, catalog, result, opts);
    setExit(0);
  });

  for (const action of ['modify', 'terminate'] as const) {
    const cmd = request
      .command(`${action} <subscription>`)
      .description(action === 'modify' ? 'change a subscription\'s inputs on a new branch; the generators converge' : 'terminate a subscription on a new branch: dependents are checked, resources released')
      .option('--id <id>', `the request id (default: <subscription>-${action}-N)`)
      .option('--resume', 'run even though a previous operation left the subscription out of sync');
    if (action === 'modify') cmd.option('--set <input=value>', 'the new value of an input (repeatable)', collect, []);
    common(cmd).action(async (subscription: string, opts: { set?: string[]; id?: string; resume?: boolean; base?: string; push?: boolean; pr?: boolean; dryRun?: boolean; format: Format }) => {
      const c = ctx();
      checkDryRun(opts);
      const catalog = requireCatalog(c);
      const { operateRequest } = await import('../../app/request.js');
      const result = await withSpinner(c, opts.format, `${action} ${subscription}`, () =>
        operateRequest(catalog, action, {
          subscription,
          set: parseSets(opts.set ?? []),
          ...(opts.id !== undefined ? { id: opts.id } : {}),
          ...(opts.base !== undefined ? { base: opts.base } : {}),
          ...(opts.resume ? { resume: true } : {}),
          dryRun: Boolean(opts.dryRun),
          clock: c.clock,
        }),
      );
      await showRequest(c, catalog, result, opts);
      setExit(0);
    });
  }

  common(
    request
      .command('rebase <request>')
      .description('make a request again on the current base with the same inputs, keeping the resources it reserved'),
  ).action(async (id: string, opts: { base?: string; push?: boolean; pr?: boolean; dryRun?: boolean; format: Format }) => {
    const c = ctx();
    checkDryRun(opts);
    const catalog = requireCatalog(c);
    const { rebaseRequest } = await import('../../app/request.js');
    const result = await withSpinner(c, opts.format, `rebasing ${id}`, () => rebaseRequest(catalog, id, { ...(opts.base !== undefined ? { base: opts.base } : {}), dryRun: Boolean(opts.dryRun), clock: c.clock }));
    await showRequest(c, catalog, result, opts);
    setExit(0);
  });

  request
    .command('list')
    .description('every request branch: product, customer, action, state (open, merged, abandoned)')
    .addOption(new Option('--state <state>', 'only the requests in this state').choices(['open', 'merged', 'abandoned']))
    .addOption(formatOption(['table', 'json'] as const))
    .action(async (opts: { state?: RequestSummary['state']; format: 'table' | 'json' }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { listRequests } = await import('../../app/request-list.js');
      const rows = (await listRequests(catalog)).filter((r) => opts.state === undefined || r.state === opts.state);
      if (opts.format === 'json') {
        c.out(jsonDocument(rows));
      } else {
        const { renderTable } = await import('../render/table.js');
        const none = opts.state === undefined ? 'no requests yet: `svc request create <product>` makes one\n' : `no ${opts.state} requests\n`;
        c.out(rows.length ? renderTable(['REQUEST', 'ACTION', 'SUBSCRIPTION', 'PRODUCT', 'CUSTOMER', 'STATE'], rows.map((r) => [r.requestId, r.action, r.subscription, r.product, r.customer, r.state])) : none);
      }
      setExit(0);
    });

  request
    .command('show [request]')
    .description("one request (default: the checked-out request branch's), open, merged or abandoned: what it is for and its commit's semantic diff (markdown: a pull request body)")
    .option('--all', "also show svc's bookkeeping objects (generator runs)")
    .addOption(formatOption<Format>(['text', 'json', 'markdown']))
    .action(async (id: string | undefined, opts: { all?: boolean; format: Format }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { describeRequest } = await import('../../app/request-show.js');
      const r = await describeRequest(catalog, id, { all: Boolean(opts.all) });
      const { renderRequestDetail } = await import('../render/request-show.js');
      if (r.diff.warnings.length) c.err((await import('../render/diagnostics.js')).renderDiagnosticsText(r.diff.warnings, c.color));
      c.out(renderRequestDetail(r, opts.format, c.color));
      setExit(0);
    });

  request
    .command('abandon <request>')
    .description('delete a request branch (its tip is kept under refs/svc/abandoned/), release what it held and give back what it let go of; its subscription id stays taken')
    .addOption(formatOption(['text', 'json'] as const))
    .action(async (id: string, opts: { format: 'text' | 'json' }) => {
      const c = ctx();
      const catalog = requireCatalog(c);
      const { abandonRequest } = await import('../../app/request.js');
      const r = await abandonRequest(catalog, id, { clock: c.clock });
      if (opts.format === 'json') c.out(jsonDocument(r));
      else {
        c.out(`${c.color.yellow('abandoned')} ${r.requestId}: branch ${r.branch} deleted (tip ${r.commit.slice(0, 12)} kept as refs/svc/abandoned/${r.requestId})\n`);
        if (r.released || r.restored) c.out(`  ${r.released} reservation(s) released, ${r.restored} given back to the subscription\n`);
        if (r.keptIds.length) c.out(`  id ${r.keptIds.join(', ')} stays taken: no other request will be given it\n`);
        if (r.notReleased) c.err(`${c.color.yellow('warning')}: the reservation ledger was not updated (${r.notReleased.split('\n')[0]}); \`svc pools gc\` releases what the request held once its grace period is over\n`);
      }
      setExit(0);
    });
}

/** A dry run makes no branch: there is nothing to push or open a pull request for. */
function checkDryRun(opts: { dryRun?: boolean; push?: boolean; pr?: boolean }): void {
  if (opts.dryRun && (opts.push || opts.pr)) {
    throw new UsageError('request/dry-run-delivery', `--dry-run makes no branch, so there is nothing to ${opts.push ? 'push' : 'open a pull request for'}`, { hint: 'drop --dry-run to make the request, or drop --push / --pr to preview it' });
  }
}

/** Render a request's outcome (and deliver it with --push / --pr). Shared with `svc demo`. */
export async function showRequest(c: CliContext, catalog: import('../../core/catalog/catalog.js').Catalog, result: import('../../app/request.js').RequestResult, opts: { push?: boolean; pr?: boolean; format: Format }): Promise<void> {
  const { requireModel } = await import('../../app/model.js');
  const { renderRequestDiff } = await import('../render/request-diff.js');
  const { deliver } = await import('../deliver.js');
  const schema = requireModel(catalog).schema;
  let undelivered: unknown;
  const delivery: Delivery | undefined = opts.push || opts.pr ? await deliver(catalog, result, schema, { push: Boolean(opts.push), pr: Boolean(opts.pr) }).catch((e: unknown) => void (undelivered = e)) ?? undefined : undefined;
  // The request is made even when delivering it failed: show it, then the failure.
  if (undelivered !== undefined) {
    await showRequest(c, catalog, result, { format: opts.format });
    throw undelivered;
  }
  if (opts.format === 'json') {
    const diff = renderRequestDiff(result.files, schema, 'json', c.color, diffExtra(result));
    c.out(jsonDocument({
      request: result.requestId,
      subscription: result.subscriptionId,
      action: result.action,
      product: result.product,
      customer: result.customer,
      status: result.status,
      branch: result.branch,
      base: result.base,
      commit: result.commit,
      dryRun: result.dryRun,
      targets: result.reports,
      diff: JSON.parse(diff),
      // A dry run reserves nothing, so nothing of it is shared.
      reservationsShared: !result.dryRun && result.notShared === undefined,
      ...(result.notShared !== undefined ? { notShared: result.notShared } : {}),
      ...(result.notReleased !== undefined ? { notReleased: result.notReleased } : {}),
      ...(result.adopted ? { ledgerRebuilt: result.adopted } : {}),
      ...(delivery ? { delivery } : {}),
    }));
    return;
  }
  if (opts.format === 'markdown') {
    c.out(renderRequestDiff(result.files, schema, 'markdown', c.color, diffExtra(result)));
    return;
  }
  const col = c.color;
  if (result.swept) c.err(`${col.yellow('note')}: removed ${result.swept} index cop${result.swept === 1 ? 'y' : 'ies'} left by an interrupted request\n`);
  if (result.commit === null) {
    c.out(`${col.yellow('dry run')}: ${result.action} ${col.bold(result.subscriptionId)} (${result.product}, ${result.customer}) would be ${result.status}\n`);
    c.out(`  request ${col.bold(result.requestId)} on branch ${col.cyan(result.branch)} from ${result.base.ref} (${result.base.commit.slice(0, 12)}): nothing was written, nothing reserved\n\n`);
  } else {
    c.out(`${col.green('✓')} ${result.action} ${col.bold(result.subscriptionId)} (${result.product}, ${result.customer}): ${result.status}\n`);
    // Both hashes, labelled: one bare hash beside the base's name was read as the base's.
    c.out(`  request ${col.bold(result.requestId)} on branch ${col.cyan(result.branch)}: commit ${result.commit.slice(0, 12)} on base ${result.base.ref} (${result.base.commit.slice(0, 12)})\n\n`);
  }
  c.out(renderRequestDiff(result.files, schema, 'text' as DiffFormat, col, diffExtra(result)));
  if (result.notShared) c.err(`${col.yellow('note')}: reservations are recorded in this repository only (${result.notShared}); they are shared when refs/svc/reservations reaches the remote (the next request with a reachable remote pushes it)\n`);
  if (result.adopted) c.err(`${col.yellow('note')}: the reservation ledger lacked ${result.adopted.branches.length ? `request branches ${result.adopted.branches.join(', ')}` : 'some request branches'}; their ${result.adopted.reservations} reservations were put back first${result.adopted.conflicts.length ? `; held twice: ${result.adopted.conflicts.join('; ')}` : ''}\n`);
  if (result.notReleased) c.err(`${col.yellow('warning')}: the resources ${result.subscriptionId} lets go of are not marked as let go of by this request (${result.notReleased.split('\n')[0]}), so its merge will not free them; \`svc request rebase ${result.requestId}\` marks them\n`);
  if (delivery) c.out(`\n${delivery.message}\n`);
}

function diffExtra(r: import('../../app/request.js').RequestResult) {
  return { labels: r.labels, range: { base: r.base.ref, head: r.branch } };
}
