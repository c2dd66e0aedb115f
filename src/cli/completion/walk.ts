import { Help, type Command, type Option } from 'commander';
import type { ValueSource } from '../../app/complete.js';

/**
 * What the word under the cursor can be, read off the commander program itself, so completion
 * never lists a command or an option the program does not have. `words`: the command line after
 * `svc`, the last one being the (possibly empty) word being completed. Pure: no catalog, no I/O.
 */
export type Completion =
  | { type: 'words'; words: { value: string; description?: string }[] }
  | { type: 'values'; source: ValueSource; kind?: string }
  | { type: 'files' }
  | { type: 'dirs' }
  | { type: 'none' };

/** Arguments and option values, by name, that take names from the catalog or the file system. */
const ARGUMENT_SOURCES: Readonly<Record<string, ValueSource | 'files' | 'dirs'>> = {
  kind: 'kinds',
  product: 'products',
  subscription: 'subscriptions',
  request: 'requests',
  pool: 'pools',
  generator: 'generators',
  target: 'subscriptions',
  paths: 'files',
  path: 'files',
  file: 'files',
  dir: 'dirs',
  out: 'dirs',
};
/** `svc product show <name>` names a product or a variant. */
const COMMAND_ARGUMENTS: Readonly<Record<string, ValueSource>> = { 'product show name': 'products' };

const help = new Help();

export function complete(program: Command, words: readonly string[]): Completion {
  const current = words.length ? words[words.length - 1]! : '';
  let cmd = program;
  let path: string[] = [];
  let position = 0;
  const positionals: string[] = [];
  let pending: Option | undefined;
  let optionsEnded = false;
  for (const w of words.slice(0, -1)) {
    if (pending) {
      pending = undefined;
      continue;
    }
    if (!optionsEnded && w === '--') {
      optionsEnded = true;
      continue;
    }
    if (!optionsEnded && w.startsWith('-') && w !== '-') {
      const o = findOption(cmd, w.split('=')[0]!);
      if (o && (o.required || o.optional) && !w.includes('=') && !isClustered(o, w)) pending = o;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub && position === 0) {
      cmd = sub;
      path = [...path, sub.name()];
      continue;
    }
    position++;
    positionals.push(w);
  }
  if (pending) return optionValues(pending);
  if (!optionsEnded && current.startsWith('--') && current.includes('=')) return { type: 'none' };
  if (!optionsEnded && current.startsWith('-')) return { type: 'words', words: optionWords(cmd).filter((o) => o.value.startsWith(current)) };

  const out: { value: string; description?: string }[] = [];
  if (position === 0) for (const c of [...help.visibleCommands(cmd)].sort((a, b) => (a.name() < b.name() ? -1 : 1))) if (c.name() !== 'help' || cmd === program) out.push({ value: c.name(), description: c.description() });
  const arg = argumentAt(cmd, position);
  // `svc show <kind> <id-or-hfid...>`: the objects of the kind typed before.
  if (arg?.name() === 'id-or-hfid' && position === 1) return { type: 'values', source: 'objects', kind: positionals[0]! };
  if (arg) {
    const source = COMMAND_ARGUMENTS[`${path.join(' ')} ${arg.name()}`] ?? ARGUMENT_SOURCES[arg.name()];
    if (source && !out.length) return sourceCompletion(source);
    if (arg.argChoices) out.push(...arg.argChoices.map((value) => ({ value })));
  }
  const matching = out.filter((x) => x.value.startsWith(current));
  if (!matching.length && !arg) return { type: 'none' };
  return { type: 'words', words: matching };
}

function argumentAt(cmd: Command, position: number) {
  const args = cmd.registeredArguments;
  if (position < args.length) return args[position];
  const last = args[args.length - 1];
  return last?.variadic ? last : undefined;
}

/** The option a word names on this command or a parent (`-C` is the program's). */
function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag || (x.short !== undefined && flag.startsWith(x.short) && flag.length > 2 && x.short.length === 2));
    if (o) return o;
  }
  return undefined;
}

/** `-Cdir`: a short option with its value in the same word. */
const isClustered = (o: Option, w: string): boolean => o.short !== undefined && w.startsWith(o.short) && w.length > o.short.length && !w.startsWith('--');

function optionWords(cmd: Command): { value: string; description: string }[] {
  const out: { value: string; description: string }[] = [];
  const seen = new Set<string>();
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of [...help.visibleOptions(c)]) {
      const flag = o.long ?? o.short;
      if (!flag || seen.has(flag)) continue;
      // Inherited options are only the program's -C: subcommands' own options do not reach down.
      if (c !== cmd && c.parent) continue;
      if (c !== cmd && (flag === '--help' || flag === '--version' || flag === '-V')) continue;
      seen.add(flag);
      out.push({ value: flag, description: o.description });
    }
  }
  return out.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

function optionValues(o: Option): Completion {
  if (o.argChoices) return { type: 'words', words: o.argChoices.map((value) => ({ value })) };
  const name = /<([^>.]+)/.exec(o.flags)?.[1] ?? o.attributeName();
  const source = ARGUMENT_SOURCES[name] ?? ARGUMENT_SOURCES[o.attributeName()];
  return source ? sourceCompletion(source) : { type: 'none' };
}

function sourceCompletion(source: ValueSource | 'files' | 'dirs'): Completion {
  if (source === 'files') return { type: 'files' };
  if (source === 'dirs') return { type: 'dirs' };
  return { type: 'values', source };
}
