/**
 * svc's own bookkeeping kinds, resolved with every catalog's schema (see src/core/schema/builtin.ts).
 * Kept apart from the Infrahub built-ins: these exist because of how svc converges generators.
 */
export const SVC_BOOKKEEPING_YAML = `
version: "1.0"
nodes:
  - name: GeneratorRun
    namespace: Svc
    description: What one generator produced and holds for one target (svc bookkeeping)
    human_friendly_id: [generator__value, target__value]
    display_labels: [generator__value, target__value]
    uniqueness_constraints: [[generator__value, target__value]]
    attributes:
      - name: generator
        kind: Text
      - name: target
        kind: Text
        description: The target object's id
      - name: produced
        kind: JSON
        description: The objects the run produced, with the values it replaced on objects it did not create
      - name: allocations
        kind: JSON
        description: Pool allocations and claims held for the target
`;
