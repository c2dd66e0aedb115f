import { confirm, input, select } from '@inquirer/prompts';
import { PromptCancelled, type Prompter } from './prompter.js';

export interface InquirerOptions {
  input?: NodeJS.ReadableStream;
  /** Where the form is drawn; stderr keeps stdout clean for `--format json`. */
  output?: NodeJS.WritableStream;
  /** Styles a question's hint (pass the command's chalk `dim`, which honours NO_COLOR). */
  dim?: (text: string) => string;
}

/** The production prompter: real terminal prompts, arrow keys and Enter. */
export function inquirerPrompter(opts: InquirerOptions = {}): Prompter {
  const context = { ...(opts.input ? { input: opts.input } : {}), ...(opts.output ? { output: opts.output } : {}) };
  const dim = opts.dim ?? ((t: string) => t);
  const message = (m: string, hint: string | undefined) => (hint ? `${m} ${dim(`(${hint})`)}` : m);
  return {
    select: (q) =>
      cancellable(
        select(
          {
            message: message(q.message, q.hint),
            choices: q.choices.map((c) => ({ name: c.label, value: c.value, ...(c.hint ? { description: c.hint } : {}) })),
            ...(q.default !== undefined ? { default: q.default } : {}),
            pageSize: 12,
            loop: false,
          },
          context,
        ),
      ),
    input: (q) => cancellable(input({ message: message(q.message, q.hint), ...(q.default !== undefined ? { default: q.default } : {}), validate: q.validate }, context)),
    confirm: (q) => cancellable(confirm({ message: message(q.message, q.hint), default: q.default }, context)),
  };
}

/** Inquirer rejects with ExitPromptError on Ctrl-C or closed input, AbortPromptError on a signal. */
async function cancellable<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof Error && (e.name === 'ExitPromptError' || e.name === 'AbortPromptError' || e.name === 'CancelPromptError')) throw new PromptCancelled(e.message);
    throw e;
  }
}
