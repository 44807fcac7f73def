export { BatchInputError, BatchOutput, BatchOutputError, progressDisplay, readBatchInput, runBatch } from './batch/index.ts';
