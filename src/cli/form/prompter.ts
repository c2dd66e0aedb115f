/**
 * The questions a form asks, as an interface: the production implementation sits on @inquirer/prompts
 * (./inquirer.ts); tests drive the form with scripted answers. A prompter signals that the person gave up
 * (Ctrl-C, end of input) by rejecting with PromptCancelled, which the form turns into one clear error.
 */
export interface Choice<T> {
  label: string;
  value: T;
  hint?: string;
}

export interface SelectQuestion<T> {
  message: string;
  hint?: string;
  /** At least one. */
  choices: Choice<T>[];
  /** The value highlighted at first. */
  default?: T;
}

export interface InputQuestion {
  message: string;
  hint?: string;
  /** Offered: an empty answer takes it. */
  default?: string;
  /** `true`, or the message to show before asking again. Called with the default when the answer is empty. */
  validate: (text: string) => true | string;
}

export interface ConfirmQuestion {
  message: string;
  hint?: string;
  default: boolean;
}

export interface Prompter {
  select<T>(q: SelectQuestion<T>): Promise<T>;
  input(q: InputQuestion): Promise<string>;
  confirm(q: ConfirmQuestion): Promise<boolean>;
}

export class PromptCancelled extends Error {
  constructor(message = 'the form was cancelled') {
    super(message);
    this.name = 'PromptCancelled';
  }
}
