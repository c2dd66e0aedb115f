/** The products module's public surface: what commands, validate and other modules use. */
export { productFileJsonSchema } from './file-schema.js';
export type * from './model.js';
export { LIFECYCLE_STATES, isLifecycleState, type LifecycleState } from './states.js';
export { loadCatalogProducts, loadProductTexts, type ProductLoad } from './load.js';
export { requireProducts, type LoadedProducts } from './catalog-products.js';
export { variantsOf, findVariant } from './variants.js';
export { compileProducts, mergeProductKinds, blockKind, subscriptionKind, SUBSCRIPTION_GENERIC, BLOCK_GENERIC, OWNER_RELATIONSHIP } from './compile.js';
export { TRANSITIONS, transition, type TransitionContext, type TransitionResult } from './lifecycle.js';
export { SAFE_USED_BY_TRANSITIONS, blockingDependencies, blockingDependents, findDependencies, findDependents, statesAllowing } from './dependencies.js';
export { STATE_LEVEL, requiredAt, requirementsByState, missingFields } from './requirements.js';
export { startOperation, finishOperation, failOperation, OPERATION_STATES } from './operations.js';
export { formFields, requestSchema, validateRequest, assertValidRequest, referenceChoices, type InputProblem, type JsonSchema } from './inputs.js';
export { subscriptionFromObject, subscriptionToObject, type Subscription } from './subscription.js';
export { checkSubscriptions } from './check-subscriptions.js';
export { listProducts, describeProduct, summarize, type ProductSummary, type ProductDetail } from './describe.js';
