/** Resource pools: pure allocation arithmetic over BigInt intervals (numbers, IP prefixes, IP addresses). */
export { PoolAllocator, allocate, release, type AllocationRequest } from './allocator.js';
export {
  checkPool,
  compilePool,
  parseExcluded,
  type AddressPoolDefinition,
  type AddressSource,
  type CompiledPool,
  type NumberPoolDefinition,
  type PoolDefinition,
  type PoolType,
  type PrefixPoolDefinition,
} from './model.js';
export { claimItem, releaseClaim, type ClaimResult } from './claims.js';
export {
  compareRecords,
  findHeldTwice,
  parseRecords,
  recordHoldings,
  serialiseRecords,
  sortRecords,
  type AllocationRecord,
  type Holding,
  type RecordType,
} from './records.js';
export {
  formatCount,
  formatPercent,
  utilisationJson,
  type PoolUtilisation,
  type PoolUtilisationJson,
} from './utilisation.js';
export { POOL_KINDS, poolFromObject, type PoolFromObject } from './from-inventory.js';
export { inventoryValues, poolObjects, poolUsage, poolUsageJson, type PoolSource, type PoolUsage, type PoolUsageJson } from './usage.js';
export { parseDuration } from './duration.js';
