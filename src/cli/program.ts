import { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { describeControl, findControlCharacter } from '../core/text.js';
import { SVC_VERSION } from '../adapters/version.js';
import { loadColor } from './color.js';
import { processContext, type CliContext } from './context.js';
import { exitCodeFor } from './run.js';
import { installSignalHandlers, onSignal } from './signals.js';
import { wantsJson } from './json.js';
import { registerCommands } from './commands/index.js';
import { addExamples } from './examples.js';
import type { EarlyStatus } from './early-status.js';

/** Builds the program. `ctxFor` is called once the global options are parsed. */
export function buildProgram(ctxFor: (catalogDir: string | undefined) => CliContext, setExit: (code: number) => void, json = false): Command {
  const program = new Command('svc')
    .description('A service factory in a git repository: schemas, products, generators and an inventory as text, indexed in SQLite')
    .version(SVC_VERSION, '-V, --version')
    .option('-C <dir>', 'run as if svc was started in <dir> (the catalog root)')
    .option('--author <"Name <email>">', "who svc's commits are by (default: git's user.name and user.email)")
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureHelp({ sortSubcommands: true });
  // Under --format json a usage error is one JSON document on stderr (exitCodeFor), not commander's text.
  if (json) program.configureOutput({ outputError: () => undefined }).showHelpAfterError(false);
  const ctx = (): CliContext => ctxFor(program.opts<{ C?: string }>().C);
  program.hook('preAction', () => {
    const author = program.opts<{ author?: string }>().author;
    if (author !== undefined) useAuthor(ctx().env, author);
  });
  registerCommands(program, ctx, setExit);
  addExamples(program);
  return program;
}

/**
 * `--author "Name <email>"`: as git's environment variables, which is where svc's commits (and any
 * git it starts) look for who commits.
 */
function useAuthor(env: NodeJS.ProcessEnv, author: string): void {
  const m = /^([^<>]*[^<>\s])\s*<([^<>\s]+)>$/.exec(author.trim());
  const bad = findControlCharacter(author);
  if (!m || bad) throw new UsageError('cli/bad-author', `--author ${JSON.stringify(author)}: expected "Name <email>"${bad ? ` (it ${describeControl(bad)})` : ''}`, { hint: 'e.g. --author "Ada Lovelace <ada@example.com>"' });
  env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = m[1]!.trim();
  env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = m[2]!;
}

/** Runs svc in this process; `early`: git status started before this module was loaded (./main.ts). */
export async function main(early: EarlyStatus | undefined): Promise<void> {
  // A git status nobody waited for (an error came first, or output stopped) is stopped: svc leaves
  // no git running behind it.
  process.on('exit', () => early?.pending.cancel());
  installSignalHandlers((t) => void process.stderr.write(t));
  onSignal(() => early?.pending.cancel());
  // `svc list | head`: a reader that stops early is not an error (git and coreutils exit quietly too).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  let code = 0;
  let context: CliContext | undefined;
  const color = await loadColor(process.env, Boolean(process.stdout.isTTY));
  const ctxFor = (dir: string | undefined) => (context ??= processContext(dir, color, early));
  const json = wantsJson(process.argv.slice(2));
  const program = buildProgram(ctxFor, (c) => {
    code = c;
  }, json);
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    code = exitCodeFor(e, context ?? processContext(undefined, color), json);
  }
  early?.pending.cancel();
  process.exitCode = code;
}
