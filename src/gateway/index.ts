export { ENDPOINTS, gatewayRouteDocs } from './endpoints.ts';
export { createGatewayHandler } from './gateway-handler.ts';
export { createPipeline } from './pipeline/run-pipeline.ts';
export { createStages } from './pipeline/stages.ts';
export { StageProfile } from './pipeline/stage-profile.ts';
export { type Stage } from './pipeline/stage.ts';
export { inProcessChatCaller, type InProcessCall, type InProcessOutcome, type InProcessRequest } from './in-process-call.ts';
export { createFilesBatchesGateway, filesBatchesRouteDocs, FILES_BATCHES_ROUTES, isFilesOrBatchesPath } from './files/index.ts';
