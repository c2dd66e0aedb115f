import { describe, expect, expectTypeOf, it } from 'vitest';
import type { GenerateFunction, GeneratorSdk, ObjectOf, PeerRef, SvcObject } from '../../src/sdk/index.js';

// The sdk is a public contract of types: these checks run under `tsc --noEmit` (and vitest's typecheck).
type Interface = SvcObject<'DcimInterface', { name: string; speed?: number; mode: 'access' | 'trunk' }, { device: PeerRef }>;
type Service = SvcObject<'OtterDedicatedInternet', { service_identifier: string; ip_package: 'small' | 'medium' | 'large' }>;
type Kinds = { DcimInterface: Interface };

const generate = async (sdk: GeneratorSdk<Service, { site: string }, Kinds>): Promise<void> => {
  const ports = await sdk.list('DcimInterface', { attributes: { mode: 'access' } });
  expectTypeOf(ports).toEqualTypeOf<Interface[]>();
  const port = await sdk.claim('DcimInterface', ports, 'port');
  expectTypeOf(port.attributes.speed).toEqualTypeOf<number | undefined>();
  expectTypeOf(sdk.target.attributes.ip_package).toEqualTypeOf<'small' | 'medium' | 'large'>();
  expectTypeOf(sdk.parameters.site).toEqualTypeOf<string>();
  const vlan = await sdk.allocateNumber('Customer vlan pool', 'vlan');
  expectTypeOf(vlan).toEqualTypeOf<number>();
  const prefix = await sdk.allocatePrefix({ id: 'pool-1' }, 'prefix', { length: 29 });
  expectTypeOf(prefix).toEqualTypeOf<string>();
  await sdk.upsert('DcimInterface', { attributes: { name: port.attributes.name, mode: 'access', speed: 1000 }, relationships: { device: { kind: 'DcimDevice', hfid: ['core-1'] } } });
  // kinds outside the map still work, untyped
  expectTypeOf(await sdk.getByHfid('IpamVLAN', 'vlan-1')).toEqualTypeOf<SvcObject<'IpamVLAN'> | undefined>();
  expectTypeOf(sdk.now()).toEqualTypeOf<Date>();
};

describe('the generator sdk types', () => {
  it('type a generator against its target, parameters and kinds', () => {
    expectTypeOf<ObjectOf<Kinds, 'DcimInterface'>>().toEqualTypeOf<Interface>();
    expectTypeOf(generate).parameter(0).toHaveProperty('claim');
    const plain: GenerateFunction = async (sdk) => {
      sdk.log.info(sdk.target.id);
    };
    expect(typeof plain).toBe('function');
  });
});
