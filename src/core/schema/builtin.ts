import { SVC_BOOKKEEPING_YAML } from '../generate/schema.js';
import { parseYaml } from '../yaml/source.js';
import type { RawSchemaDocument, SchemaFile } from './raw.js';

/**
 * Kinds that Infrahub itself provides and real schema files refer to (inherit from, point at, extend),
 * with Infrahub's names, attributes and relationship identifiers. They come with svc so that a catalog's
 * schema resolves without a server. Kept as YAML text so diagnostics (and `svc schema show`) can point
 * into it. `excluded_values` on CoreNumberPool is svc's addition.
 */
export const BUILTIN_FILE = '<builtin>';

const BUILTIN_YAML = `version: "1.0"
generics:
  - name: Node
    namespace: Core
    description: Any node; groups hold members of this kind
    include_in_menu: false
    relationships:
      - { name: member_of_groups, peer: CoreGroup, kind: Group, cardinality: many, optional: true, identifier: group_member, read_only: true }
      - { name: subscriber_of_groups, peer: CoreGroup, kind: Group, cardinality: many, optional: true, identifier: group_subscriber, read_only: true }
  - name: Owner
    namespace: Lineage
    description: Any entity that can own the value of an attribute
    include_in_menu: false
  - name: Source
    namespace: Lineage
    description: Any entity that can be the source of the value of an attribute
    include_in_menu: false
  - name: ArtifactTarget
    namespace: Core
    description: A node that artifacts are generated for (artifacts themselves are Infrahub-internal)
    include_in_menu: false
  - name: TaskTarget
    namespace: Core
    include_in_menu: false
  - name: FileObject
    namespace: Core
    description: A node that carries a file
    include_in_menu: false
    attributes:
      - { name: file_name, kind: Text, optional: true, read_only: true }
      - { name: file_type, kind: Text, optional: true, read_only: true }
      - { name: file_size, kind: Number, optional: true, read_only: true }
      - { name: checksum, kind: Text, optional: true, read_only: true }
      - { name: storage_id, kind: Text, optional: true, read_only: true }
  - name: Profile
    namespace: Core
    include_in_menu: false
    attributes:
      - { name: profile_name, kind: Text, min_length: 3, max_length: 32 }
      - { name: profile_priority, kind: Number, default_value: 1000, optional: true }
  - name: ObjectTemplate
    namespace: Core
    include_in_menu: false
    attributes:
      - { name: template_name, kind: Text, min_length: 3, max_length: 32 }
  - name: Menu
    namespace: Core
    include_in_menu: false
    attributes:
      - { name: namespace, kind: Text, regex: "^[A-Z][a-z0-9]+$" }
      - { name: name, kind: Text }
      - { name: label, kind: Text, optional: true }
      - { name: path, kind: Text, optional: true }
      - { name: description, kind: Text, optional: true }
      - { name: icon, kind: Text, optional: true }
      - { name: protected, kind: Boolean, default_value: false, read_only: true }
      - { name: order_weight, kind: Number, default_value: 2000 }
      - { name: section, kind: Text, enum: [object, internal], default_value: object }
    relationships:
      - { name: parent, peer: CoreMenu, kind: Hierarchy, cardinality: one, optional: true, identifier: menu_parent__child, direction: outbound }
      - { name: children, peer: CoreMenu, kind: Hierarchy, cardinality: many, optional: true, identifier: menu_parent__child, direction: inbound }
  - name: Group
    namespace: Core
    description: Generic group
    include_in_menu: false
    human_friendly_id: [name__value]
    display_labels: [label__value]
    order_by: [name__value]
    attributes:
      - { name: name, kind: Text, unique: true }
      - { name: label, kind: Text, optional: true }
      - { name: description, kind: Text, optional: true }
      - { name: group_type, kind: Text, enum: [default, internal], default_value: default, optional: false }
    relationships:
      - { name: members, peer: CoreNode, kind: Group, cardinality: many, optional: true, identifier: group_member }
      - { name: subscribers, peer: CoreNode, kind: Group, cardinality: many, optional: true, identifier: group_subscriber }
      - { name: parent, peer: CoreGroup, kind: Hierarchy, cardinality: one, optional: true, identifier: group_parent__child, direction: outbound }
      - { name: children, peer: CoreGroup, kind: Hierarchy, cardinality: many, optional: true, identifier: group_parent__child, direction: inbound }
  - name: GenericAccount
    namespace: Core
    include_in_menu: false
    human_friendly_id: [name__value]
    display_labels: [label__value]
    order_by: [name__value]
    attributes:
      - { name: name, kind: Text, unique: true }
      - { name: password, kind: HashedPassword, unique: false }
      - { name: label, kind: Text, optional: true }
      - { name: description, kind: Text, optional: true }
      - { name: account_type, kind: Text, enum: [User, Script, Bot, Git], default_value: User, optional: true }
      - name: status
        kind: Dropdown
        default_value: active
        optional: true
        choices:
          - { name: active, label: Active, color: "#52be80" }
          - { name: inactive, label: Inactive, color: "#e74c3c" }
  - name: ResourcePool
    namespace: Core
    description: The resource manager contains pools of resources to allow for automatic assignments
    include_in_menu: false
    human_friendly_id: [name__value]
    display_labels: [name__value]
    order_by: [name__value]
    attributes:
      - { name: name, kind: Text, unique: true, order_weight: 1000 }
      - { name: description, kind: Text, optional: true, order_weight: 2000 }
  - name: WeightedPoolResource
    namespace: Core
    description: Resource that a pool uses with a weight (higher first)
    include_in_menu: false
    attributes:
      - { name: allocation_weight, kind: Number, optional: true, order_weight: 10000 }
  - name: IPNamespace
    namespace: Builtin
    label: IP Namespace
    include_in_menu: false
    human_friendly_id: [name__value]
    display_labels: [name__value]
    order_by: [name__value]
    attributes:
      - { name: name, kind: Text, unique: true, order_weight: 1000 }
      - { name: description, kind: Text, optional: true, order_weight: 2000 }
    relationships:
      - { name: ip_prefixes, peer: BuiltinIPPrefix, kind: Generic, cardinality: many, optional: true, identifier: ip_namespace__ip_prefix, read_only: true }
      - { name: ip_addresses, peer: BuiltinIPAddress, kind: Generic, cardinality: many, optional: true, identifier: ip_namespace__ip_address, read_only: true }
  - name: IPPrefix
    namespace: Builtin
    label: IP Prefix
    include_in_menu: false
    default_filter: prefix__value
    order_by: [prefix__version, prefix__binary_address, prefix__prefixlen]
    display_labels: [prefix__value]
    attributes:
      - { name: prefix, kind: IPNetwork, order_weight: 1000 }
      - { name: description, kind: Text, optional: true, order_weight: 2000 }
      - name: member_type
        kind: Dropdown
        default_value: address
        optional: true
        order_weight: 3000
        choices:
          - { name: prefix, label: Prefix }
          - { name: address, label: Address }
      - { name: is_pool, kind: Boolean, default_value: false, optional: true, order_weight: 4000 }
      - { name: is_top_level, kind: Boolean, read_only: true, optional: true }
      - { name: utilization, kind: Number, read_only: true, optional: true }
      - { name: netmask, kind: Text, read_only: true, optional: true }
      - { name: hostmask, kind: Text, read_only: true, optional: true }
      - { name: network_address, kind: Text, read_only: true, optional: true }
      - { name: broadcast_address, kind: Text, read_only: true, optional: true }
    relationships:
      - { name: ip_namespace, peer: BuiltinIPNamespace, kind: Generic, cardinality: one, optional: true, identifier: ip_namespace__ip_prefix }
      - { name: ip_addresses, peer: BuiltinIPAddress, kind: Generic, cardinality: many, optional: true, identifier: ip_prefix__ip_address, read_only: true }
      - { name: parent, peer: BuiltinIPPrefix, kind: Hierarchy, cardinality: one, optional: true, identifier: parent__child, direction: outbound, read_only: true }
      - { name: children, peer: BuiltinIPPrefix, kind: Hierarchy, cardinality: many, optional: true, identifier: parent__child, direction: inbound, read_only: true }
  - name: IPAddress
    namespace: Builtin
    label: IP Address
    include_in_menu: false
    default_filter: address__value
    order_by: [address__version, address__binary_address]
    display_labels: [address__value]
    attributes:
      - { name: address, kind: IPHost, order_weight: 1000 }
      - { name: description, kind: Text, optional: true, order_weight: 2000 }
    relationships:
      - { name: ip_namespace, peer: BuiltinIPNamespace, kind: Generic, cardinality: one, optional: true, identifier: ip_namespace__ip_address }
      - { name: ip_prefix, peer: BuiltinIPPrefix, kind: Generic, cardinality: one, optional: true, identifier: ip_prefix__ip_address, read_only: true }
nodes:
  - name: Tag
    namespace: Builtin
    description: Standard Tag object to attach to other objects to provide some context
    label: Tag
    human_friendly_id: [name__value]
    display_labels: [name__value]
    order_by: [name__value]
    attributes:
      - { name: name, kind: Text, unique: true }
      - { name: description, kind: Text, optional: true }
  - name: Namespace
    namespace: Ipam
    description: A namespace that segments IPAM
    label: IP Namespace
    inherit_from: [BuiltinIPNamespace]
    human_friendly_id: [name__value]
    attributes:
      - { name: default, kind: Boolean, optional: true, read_only: true }
  - name: Account
    namespace: Core
    description: User Account for Infrahub
    label: Account
    inherit_from: [LineageOwner, LineageSource, CoreGenericAccount]
  - name: StandardGroup
    namespace: Core
    description: Group of nodes of any kind
    label: Standard Group
    inherit_from: [CoreGroup]
  - name: GeneratorGroup
    namespace: Core
    description: Group of nodes that are created by a generator
    label: Generator Group
    inherit_from: [CoreGroup]
  - name: MenuItem
    namespace: Core
    description: Menu Item
    inherit_from: [CoreMenu]
  - name: NumberPool
    namespace: Core
    description: A pool of number resources
    label: Number Pool
    inherit_from: [CoreResourcePool, LineageSource]
    attributes:
      - { name: node, kind: Text, description: The model of the object that requires integers to be allocated, order_weight: 3000 }
      - { name: node_attribute, kind: Text, description: The attribute of the selected model, order_weight: 3100 }
      - { name: start_range, kind: Number, description: The start range for the pool, order_weight: 4000 }
      - { name: end_range, kind: Number, description: The end range for the pool, order_weight: 5000 }
      - { name: excluded_values, kind: Text, optional: true, description: "Numbers never allocated, e.g. 1,5-10 (svc's addition)", order_weight: 6000 }
  - name: IPPrefixPool
    namespace: Core
    description: A pool of IP prefix resources
    label: IP Prefix Pool
    inherit_from: [CoreResourcePool, LineageSource]
    attributes:
      - { name: default_prefix_length, kind: Number, optional: true, description: The default prefix length as an integer for prefixes allocated from this pool., order_weight: 5000 }
      - { name: default_member_type, kind: Text, enum: [prefix, address], default_value: prefix, optional: true, order_weight: 3000 }
      - { name: default_prefix_type, kind: Text, optional: true, order_weight: 4000 }
    relationships:
      - { name: resources, peer: BuiltinIPPrefix, kind: Attribute, cardinality: many, optional: false, identifier: prefixpool__resource, order_weight: 6000 }
      - { name: ip_namespace, peer: BuiltinIPNamespace, kind: Attribute, cardinality: one, optional: false, identifier: prefixpool__ipnamespace, order_weight: 7000 }
  - name: IPAddressPool
    namespace: Core
    description: A pool of IP address resources
    label: IP Address Pool
    inherit_from: [CoreResourcePool, LineageSource]
    attributes:
      - { name: default_address_type, kind: Text, optional: false, description: The object type to create when reserving a resource in the pool, order_weight: 3000 }
      - { name: default_prefix_length, kind: Number, optional: true, description: The default prefix length as an integer for addresses allocated from this pool., order_weight: 4000 }
    relationships:
      - { name: resources, peer: BuiltinIPPrefix, kind: Attribute, cardinality: many, optional: false, identifier: ipaddresspool__resource, order_weight: 5000 }
      - { name: ip_namespace, peer: BuiltinIPNamespace, kind: Attribute, cardinality: one, optional: false, identifier: ipaddresspool__ipnamespace, order_weight: 6000 }
`;

/**
 * Infrahub-internal kinds that have no meaning in svc (a proposed change is a pull request; checks,
 * artifacts and repositories are CI's business). Extending one is accepted with a warning.
 */
export const INFRAHUB_INTERNAL_KINDS: ReadonlySet<string> = new Set([
  'CoreProposedChange', 'CoreArtifact', 'CoreArtifactDefinition', 'CoreArtifactCheck', 'CoreArtifactThread',
  'CoreArtifactValidator', 'CoreCheckDefinition', 'CoreCheck', 'CoreStandardCheck', 'CoreDataCheck', 'CoreFileCheck',
  'CoreSchemaCheck', 'CoreValidator', 'CoreDataValidator', 'CoreRepositoryValidator', 'CoreSchemaValidator',
  'CoreUserValidator', 'CoreGeneratorValidator', 'CoreGenericRepository', 'CoreRepository', 'CoreReadOnlyRepository',
  'CoreTransformation', 'CoreTransformJinja2', 'CoreTransformPython', 'CoreGraphQLQuery', 'CoreGraphQLQueryGroup',
  'CoreThread', 'CoreChangeThread', 'CoreFileThread', 'CoreObjectThread', 'CoreComment', 'CoreThreadComment',
  'CoreChangeComment', 'CoreWebhook', 'CoreStandardWebhook', 'CoreCustomWebhook', 'CoreGeneratorDefinition',
  'CoreGeneratorInstance', 'CoreGeneratorAction', 'CoreAccountGroup', 'CoreAccountRole', 'CoreBasePermission',
  'CoreGlobalPermission', 'CoreObjectPermission', 'CoreCredential', 'CorePasswordCredential', 'CoreAction',
  'CoreTriggerRule', 'CoreNodeTriggerRule', 'CoreGroupAction', 'CoreCustomAction', 'InternalAccountToken',
  'InternalRefreshToken', 'InternalIPPrefixAvailable', 'InternalIPRangeAvailable',
]);

let cache: SchemaFile[] | undefined;
export function builtinSchemaFiles(): SchemaFile[] {
  if (!cache) {
    const source = parseYaml(BUILTIN_YAML, BUILTIN_FILE);
    const svc = parseYaml(SVC_BOOKKEEPING_YAML, BUILTIN_FILE);
    cache = [
      { source, doc: source.value as RawSchemaDocument, builtin: true },
      { source: svc, doc: svc.value as RawSchemaDocument, builtin: true },
    ];
  }
  return cache;
}
