export { BatchInputError, BatchOutput, BatchOutputError, progressDisplay, readBatchInput, runBatch } from './batch/index.ts';
export { configuredRateLimits, setUpLimits, type Limits } from './limits-setup.ts';
