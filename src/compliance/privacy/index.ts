export { privacyRoutes } from './privacy-routes.ts';
export { erasePerson, exportPersonData, type ErasureReport, type PrivacyDeps, type PrivacyPorts } from './privacy-service.ts';
