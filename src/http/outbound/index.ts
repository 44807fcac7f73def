export { AddressPolicy, parseAllowance, type OutboundAllowance } from './address-policy.ts';
export { guardedConnector, type Resolver } from './guarded-connector.ts';
export { OutboundRefusedError } from './outbound-error.ts';
export { createOutboundFetch, type OutboundFetch, type OutboundInit, type OutboundOptions } from './outbound-fetch.ts';
