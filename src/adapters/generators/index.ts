/** Loading and running generator modules (TypeScript or JavaScript) without a build step. */
export { CACHE_DIR, displayPathOf, loadFunction, loadGenerator, type LoadedFunction, type LoadedGenerator } from './load.js';
export { generatorFailure, runGenerator } from './run.js';
export { locateError, type ErrorLocation } from './stack.js';
