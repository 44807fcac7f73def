export { defineRoute, routeKeyOf, PUBLIC, type AnyRoute, type HttpMethod, type RouteInput, type RouteSpec } from './route.ts';
export { registerRoutes, type RegisterOptions } from './register-routes.ts';
export { validateInput } from './validate-input.ts';
