import { parseMatrix, type PermissionMatrix } from './matrix-schema.ts';

/**
 * THE permission matrix: action × role → grant (see `Grant` for what each reaches). It is data,
 * validated when this module loads; docs/permissions.md shows it as a table.
 * @example PERMISSION_MATRIX['budgets.write'].admin; // 'team'
 */
export const PERMISSION_MATRIX: PermissionMatrix = parseMatrix({
  //                       owner         admin          member          viewer          auditor
  'gateway.call':        { owner: 'org', admin: 'team', member: 'team', viewer: 'none', auditor: 'none' },
  'keys.create':         { owner: 'org', admin: 'team', member: 'own',  viewer: 'none', auditor: 'none' },
  'keys.read':           { owner: 'org', admin: 'team', member: 'own',  viewer: 'own',  auditor: 'org' },
  'keys.update':         { owner: 'org', admin: 'team', member: 'own',  viewer: 'none', auditor: 'none' },
  'keys.revoke':         { owner: 'org', admin: 'team', member: 'own',  viewer: 'none', auditor: 'none' },
  'usage.read':          { owner: 'org', admin: 'team', member: 'team', viewer: 'team', auditor: 'org' },
  'budgets.read':        { owner: 'org', admin: 'team', member: 'team', viewer: 'team', auditor: 'org' },
  'budgets.write':       { owner: 'org', admin: 'team', member: 'none', viewer: 'none', auditor: 'none' },
  'prices.read':         { owner: 'org', admin: 'org',  member: 'org',  viewer: 'org',  auditor: 'org' },
  'prices.write':        { owner: 'org', admin: 'none', member: 'none', viewer: 'none', auditor: 'none' },
  'alerts.read':         { owner: 'org', admin: 'team', member: 'team', viewer: 'team', auditor: 'org' },
  'teams.read':          { owner: 'org', admin: 'team', member: 'team', viewer: 'team', auditor: 'org' },
  'teams.write':         { owner: 'org', admin: 'team', member: 'none', viewer: 'none', auditor: 'none' },
  'members.read':        { owner: 'org', admin: 'team', member: 'team', viewer: 'team', auditor: 'org' },
  'members.write':       { owner: 'org', admin: 'team', member: 'none', viewer: 'none', auditor: 'none' },
  'users.invite':        { owner: 'org', admin: 'team', member: 'none', viewer: 'none', auditor: 'none' },
  'org.read':            { owner: 'org', admin: 'org',  member: 'org',  viewer: 'org',  auditor: 'org' },
  'orgs.create':         { owner: 'org', admin: 'none', member: 'none', viewer: 'none', auditor: 'none' },
  'users.manage':        { owner: 'org', admin: 'none', member: 'none', viewer: 'none', auditor: 'none' },
  'org.settings.write':  { owner: 'org', admin: 'none', member: 'none', viewer: 'none', auditor: 'none' },
  'audit.read':          { owner: 'org', admin: 'team', member: 'none', viewer: 'none', auditor: 'org' },
  'reports.read':        { owner: 'org', admin: 'team', member: 'none', viewer: 'none', auditor: 'org' },
  'guardrails.read':     { owner: 'org', admin: 'team', member: 'none', viewer: 'none', auditor: 'org' },
  'guardrails.write':    { owner: 'org', admin: 'team', member: 'none', viewer: 'none', auditor: 'none' },
  'conversations.read':  { owner: 'own', admin: 'own',  member: 'own',  viewer: 'own',  auditor: 'none' },
  'conversations.write': { owner: 'own', admin: 'own',  member: 'own',  viewer: 'none', auditor: 'none' },
  'templates.read':      { owner: 'org', admin: 'team', member: 'team', viewer: 'team', auditor: 'none' },
  'templates.write':     { owner: 'org', admin: 'team', member: 'own',  viewer: 'none', auditor: 'none' },
});
