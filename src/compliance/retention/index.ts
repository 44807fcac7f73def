export { purgeExpired, type PurgeResult, type RetentionPorts } from './retention-purge.ts';
export { retentionRoutes, type RetentionRouteDeps } from './retention-routes.ts';
export { scheduleRetentionPurge } from './retention-schedule.ts';
export { retentionOf, type RetentionSettings } from './retention-policy.ts';
