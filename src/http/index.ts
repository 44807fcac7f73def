// http's face for the modules: errors, input parsing, route declaration and documentation. The
// server itself (server.ts, transport.ts, system-routes.ts, openapi/document.ts) is built by the composition root
// only and stays out of this file, so that importing an error helper (as every CLI command does)
// does not load Fastify; the outbound client (undici) has its own face, outbound/index.ts.
export { clientAddress } from './client-address.ts';
export { requestTimedOut } from './client-error.ts';
export { checkHumanName, HUMAN_NAME_MAX_LENGTH, humanName, parseHumanName } from './human-name.ts';
export { isJsonContentType, parseJsonBody } from './json-body.ts';
export type { DocumentOptions } from './openapi/document.ts';
export { parseAllowance } from './outbound/address-policy.ts';
export type { AddressPolicy, OutboundFetch, OutboundInit } from './outbound/index.ts';
export { type AnyRoute, defineRoute, routeKeyOf } from './routes/index.ts';
export { webApp } from './web-app.ts';
