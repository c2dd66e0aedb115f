import { PromptCancelled, type ConfirmQuestion, type InputQuestion, type Prompter, type SelectQuestion } from '../../src/cli/form/prompter.js';

/**
 * A prompter that answers from a script, the way a person at the terminal would: picks by the label
 * shown, types text (an empty answer takes the default, a rejected one is typed again), or presses
 * Ctrl-C. It records what it was asked and shown, so tests read like the session they stand for.
 */
export type Answer = { pick: string } | { type: string } | { confirm: boolean } | { cancel: true };

export interface Scripted extends Prompter {
  /** One line per question, answer and rejection. */
  transcript: string[];
  /** Answers the form did not ask for. */
  left(): Answer[];
}

export function scripted(answers: Answer[]): Scripted {
  const queue = [...answers];
  const transcript: string[] = [];
  const next = (what: string): Answer => {
    const a = queue.shift();
    if (!a) throw new Error(`the script ran out of answers at: ${what}`);
    if ('cancel' in a) throw new PromptCancelled('User force closed the prompt with SIGINT');
    return a;
  };
  const head = (q: { message: string; hint?: string }) => `${q.message}${q.hint ? ` (${q.hint})` : ''}`;
  return {
    transcript,
    left: () => [...queue],
    async select<T>(q: SelectQuestion<T>): Promise<T> {
      const labels = q.choices.map((c) => c.label);
      const def = q.choices.find((c) => q.default !== undefined && c.value === q.default)?.label;
      transcript.push(`select ${head(q)} [${labels.join(' | ')}]${def ? ` default ${def}` : ''}`);
      const a = next(q.message);
      if (!('pick' in a)) throw new Error(`${q.message}: a select, but the script says ${JSON.stringify(a)}`);
      const c = q.choices.find((x) => x.label === a.pick);
      if (!c) throw new Error(`${q.message}: no choice "${a.pick}" among ${labels.join(', ')}`);
      transcript.push(`  → ${c.label}`);
      return c.value;
    },
    async input(q: InputQuestion): Promise<string> {
      transcript.push(`input ${head(q)}${q.default !== undefined ? ` default ${q.default}` : ''}`);
      for (;;) {
        const a = next(q.message);
        if (!('type' in a)) throw new Error(`${q.message}: an input, but the script says ${JSON.stringify(a)}`);
        const text = a.type === '' && q.default !== undefined ? q.default : a.type;
        const ok = q.validate(text);
        transcript.push(ok === true ? `  → ${JSON.stringify(text)}` : `  ✗ ${JSON.stringify(text)}: ${ok}`);
        if (ok === true) return text;
      }
    },
    async confirm(q: ConfirmQuestion): Promise<boolean> {
      transcript.push(`confirm ${head(q)} default ${q.default ? 'yes' : 'no'}`);
      const a = next(q.message);
      if (!('confirm' in a)) throw new Error(`${q.message}: a confirm, but the script says ${JSON.stringify(a)}`);
      transcript.push(`  → ${a.confirm ? 'yes' : 'no'}`);
      return a.confirm;
    },
  };
}
