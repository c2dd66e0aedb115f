/** The interactive request form: what `svc request create` uses when no inputs are given on a terminal. */
export { askRequest, type AskInput, type AskResult, type ReferenceChoice } from './ask.js';
export { referenceKinds, referenceChoicesFor } from './choices.js';
export { inquirerPrompter, type InquirerOptions } from './inquirer.js';
export { PromptCancelled, type Prompter, type Choice, type SelectQuestion, type InputQuestion, type ConfirmQuestion } from './prompter.js';
export { coerceAnswer } from './answers.js';
