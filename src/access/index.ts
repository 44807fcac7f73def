export { accessDocs } from './access-docs.ts';
export { accessOf, changeContextOf, installAccessControl, userIdOf, type AccessContext, type AccessDeps } from './enforce.ts';
export { publicRateLimit } from './public-rate-limit.ts';
export { ACCOUNT, SELF, PUBLIC } from './permissions/route-permissions.ts';
export { accessRoutes } from './access-routes.ts';
export { BackgroundTasks } from './background-tasks.ts';
export type { AccessRouteDeps } from './route-deps.ts';
