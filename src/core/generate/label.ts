import type { TargetReport } from './engine.js';

/** The generator of a report as people read it (a commit message, `svc generate`'s text). Apart from the engine, which the CLI loads only to generate. */
export const generatorLabel = (r: Pick<TargetReport, 'generator'>): string => r.generator ?? '(no generator)';
