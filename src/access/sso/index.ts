export { createOidcSso, type OidcSso, type OidcSsoOptions, type SsoExpectation, type SsoStart } from './oidc-client.ts';
export { identityFromClaims, type SsoIdentity } from './sso-identity.ts';
export { SsoError, type SsoErrorCode } from './sso-error.ts';
export { toSsoError } from './oidc-error-mapping.ts';
export { mapGroups, type GroupRule, type TeamMembership } from './group-mapping.ts';
export { groupRuleSchema, groupRulesSchema, parseGroupRules } from './group-rules-schema.ts';
export { TEAM_ROLES, roleRank, type Role, type TeamRole } from './team-role.ts';
