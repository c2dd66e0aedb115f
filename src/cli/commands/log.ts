import type { Command } from 'commander';
import type { CommitInfo, ObjectLog, SubscriptionLog } from '../../app/log.js';
import type { ObjectChange } from '../../core/diff/index.js';
import { UsageError } from '../../core/errors.js';
import { requireCatalog } from '../catalog.js';
import type { CliContext } from '../context.js';
import { formatOption } from '../options.js';
import type { Ctx, SetExit } from './index.js';
import { jsonDocument } from '../json.js';

/** `svc log <Kind> <id-or-hfid...>` and `svc log --subscription <id>`: history from git, newest first. */
export function registerLog(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('log')
    .description("history from git: every commit that changed an object (or a subscription and what its requests touched), with svc's request trailers, author, date and the field-level change")
    .argument('[kind]', 'a kind, e.g. DcimInterfaceL2')
    .argument('[id-or-hfid...]', 'the object id, or its human-friendly id (one argument per component)')
    .option('--subscription <subscription>', 'the history of a subscription: its requests and everything they touched')
    .option('--rev <rev>', 'the history of this branch or commit (default: HEAD); a request that is not merged is on request/<id>')
    .option('--all', "--subscription: also show svc's bookkeeping objects (generator runs)")
    .addOption(formatOption(['text', 'json'] as const))
    .addHelpText('after', '\nExamples:\n  svc log DcimInterfaceL2 sw01-par01 Ethernet1/1\n  svc log --subscription dia-0001\n  svc log --subscription dia-0001 --format json\n')
    .action(async (kind: string | undefined, ref: string[], opts: { subscription?: string; rev?: string; all?: boolean; format: 'text' | 'json' }) => {
      const c = ctx();
      if ((opts.subscription === undefined) === (kind === undefined) || (kind !== undefined && !ref.length)) {
        throw new UsageError('log/usage', opts.subscription !== undefined ? 'give either --subscription or a kind and an object, not both' : 'name what to show the history of', { hint: 'svc log <Kind> <id-or-hfid...>, or svc log --subscription <id>' });
      }
      const catalog = requireCatalog(c);
      const app = await import('../../app/log.js');
      const rev = opts.rev !== undefined ? { rev: opts.rev } : {};
      if (opts.subscription !== undefined) {
        const log = await app.subscriptionLog(catalog, opts.subscription, { ...rev, all: Boolean(opts.all) });
        if (opts.format === 'json') {
          const { diffToJson } = await import('../../core/diff/index.js');
          c.out(jsonDocument({ format_version: app.LOG_JSON_FORMAT, subscription: log.subscription, commits: log.entries.map(({ diff, ...e }) => ({ ...commitJson(e), diff: diffToJson(diff) })) }));
        } else await subscriptionText(c, log);
      } else {
        const log = await app.objectLog(catalog, kind!, ref, rev);
        if (opts.format === 'json') {
          c.out(jsonDocument({ format_version: app.LOG_JSON_FORMAT, kind: log.kind, id: log.id, label: log.label, commits: log.entries.map(({ change, ...e }) => ({ ...commitJson(e), change: objectJson(change) })) }));
        } else await objectText(c, log);
      }
      setExit(0);
    });
}

const commitJson = (e: CommitInfo) => ({ commit: e.commit, parent: e.parent, author: e.author, date: e.date, subject: e.subject, trailers: e.trailers });

function objectJson(o: ObjectChange) {
  return { change: o.change, path: o.path, previousPath: o.previousPath ?? null, attributes: o.attributes.map((a) => ({ name: a.name, before: a.before ?? null, after: a.after ?? null })), relationships: o.relationships.map((r) => ({ name: r.name, added: r.added.map((p) => p.label), removed: r.removed.map((p) => p.label) })) };
}

function header(c: CliContext, e: CommitInfo): string {
  const svcTrailers = Object.entries(e.trailers).filter(([k]) => k.startsWith('Svc-'));
  const lines = [`${c.color.yellow(`commit ${e.commit}`)}`, `Author: ${e.author.name} <${e.author.email}>`, `Date:   ${e.date}`, '', `    ${e.subject}`];
  if (svcTrailers.length) lines.push(`    ${svcTrailers.map(([k, v]) => `${k}: ${v}`).join(' · ')}`);
  return `${lines.join('\n')}\n\n`;
}

async function objectText(c: CliContext, log: ObjectLog): Promise<void> {
  const { renderText } = await import('../../core/diff/index.js');
  c.out(`${c.color.bold(`${log.kind} ${log.label}`)} (${log.id}): ${log.entries.length} ${log.entries.length === 1 ? 'commit' : 'commits'}\n\n`);
  for (const e of log.entries) {
    const o = e.change;
    const one = { summary: { added: 0, changed: 0, removed: 0 }, lifecycle: [], allocations: [], kinds: [{ kind: o.kind, added: 0, changed: 0, removed: 0, objects: [o] }], hidden: [], files: [] };
    // The object's own block of the diff, without the summary lines made for a whole change.
    const body = renderText(one, { colours: c.color }).split('\n').slice(3).join('\n');
    c.out(header(c, e) + body.replace(/^(?=.)/gm, '  ').replace(/\n*$/, '\n\n'));
  }
}

async function subscriptionText(c: CliContext, log: SubscriptionLog): Promise<void> {
  const { renderText } = await import('../../core/diff/index.js');
  c.out(`${c.color.bold(`subscription ${log.subscription}`)}: ${log.entries.length} ${log.entries.length === 1 ? 'commit' : 'commits'}\n\n`);
  for (const e of log.entries) c.out(header(c, e) + renderText(e.diff, { colours: c.color }).replace(/^(?=.)/gm, '  ').replace(/\n*$/, '\n\n'));
}
