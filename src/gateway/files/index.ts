export { FILES_BATCHES_ROUTES, filesBatchesRouteDocs, isFilesOrBatchesPath } from './files-batches-endpoints.ts';
export { FilesBatchesGateway, UPLOAD_PURPOSES, type FilesBatchesDeps } from './files-batches-handler.ts';
export { BatchMeter, BATCH_LEDGER_ENDPOINT } from './batch-metering.ts';
export { ObjectRegistry } from './object-registry.ts';
export { startBatchPoller } from './batch-poller.ts';
export { createFilesBatchesGateway, type FilesBatchesSetup } from './files-batches-setup.ts';
