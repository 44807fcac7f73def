export { BATCH_URLS, BatchInputError, batchLineSchema, parseBatchInput, readBatchInput, type BatchLine } from './batch-input.ts';
export { answerLine, BatchOutput, BatchOutputError, errorLine, type BatchOutputLine } from './batch-output.ts';
export { progressDisplay, rateAndEta, type ProgressDisplay } from './batch-progress.ts';
export { runBatch, type BatchProgress, type BatchRunOptions, type BatchSummary } from './batch-runner.ts';
