import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Argument, type Command } from 'commander';
import { nodeFileHost } from '../../adapters/fs.js';
import { openCatalog } from '../../core/catalog/catalog.js';
import { complete } from '../completion/walk.js';
import type { Ctx, SetExit } from './index.js';

/** The scripts are files (templates/completion/) so they can be read, and checked by the shells, as they are. */
const SCRIPTS = fileURLToPath(new URL('../../../templates/completion/', import.meta.url));
const SHELLS = { bash: 'svc.bash', zsh: 'svc.zsh', fish: 'svc.fish' } as const;

/**
 * `svc completion <shell>` prints a script; the script calls the hidden `svc __complete <words...>`
 * on each Tab, which answers from this very program and the catalog it runs in.
 */
export function registerCompletion(program: Command, ctx: Ctx, setExit: SetExit): void {
  program
    .command('completion')
    .description('print the shell completion script (commands, options, kinds, products, subscriptions, requests, pools)')
    .addArgument(new Argument('<shell>', 'the shell').choices(Object.keys(SHELLS)))
    .addHelpText('after', '\nExamples:\n  source <(svc completion bash)\n  svc completion zsh > "${fpath[1]}/_svc"\n  svc completion fish > ~/.config/fish/completions/svc.fish\n')
    .action((shell: keyof typeof SHELLS) => {
      ctx().out(readFileSync(`${SCRIPTS}${SHELLS[shell]}`, 'utf8'));
      setExit(0);
    });

  program
    .command('__complete', { hidden: true })
    .description('answer a completion script: the candidates for the last word')
    .argument('[words...]', 'the words after `svc`, the last being completed')
    .helpOption(false)
    .allowUnknownOption()
    .action(async (words: string[] = []) => {
      const c = ctx();
      // Whatever goes wrong (no catalog here, a broken schema), a Tab must never print an error.
      let lines = [':none'];
      try {
        const answer = complete(program, words.length ? words : ['']);
        if (answer.type === 'words') lines = [':words', ...answer.words.map(line)];
        else if (answer.type !== 'values') lines = [`:${answer.type}`];
        else {
          const current = words[words.length - 1] ?? '';
          const { catalog } = openCatalog(c.cwd, nodeFileHost, catalogDirIn(words));
          if (catalog) {
            const { completionValues } = await import('../../app/complete.js');
            lines = [':words', ...(await completionValues(catalog, answer.source, answer.kind)).filter((v) => v.value.startsWith(current)).map(line)];
          }
        }
      } catch {
        lines = [':none'];
      }
      c.out(`${lines.join('\n')}\n`);
      setExit(0);
    });
}

/** One candidate: `value<TAB>description`, on one line whatever the description holds. */
const line = (v: { value: string; description?: string }): string => (v.description ? `${v.value}\t${v.description.replace(/\s+/g, ' ').trim()}` : v.value);

/** The `-C <dir>` typed before the command, so names come from that catalog. */
function catalogDirIn(words: readonly string[]): string | undefined {
  for (let i = 0; i < words.length - 1; i++) {
    const w = words[i]!;
    if (w === '-C') return words[i + 1];
    if (w.startsWith('-C') && w.length > 2) return w.slice(2);
    if (!w.startsWith('-')) return undefined;
  }
  return undefined;
}
