import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { KeyService } from '../../access/index.ts';
import type { RequestAuditWriter } from '../../compliance/index.ts';
import type { BudgetService } from '../../metering/budgets/index.ts';
import type { UsageLedger } from '../../metering/index.ts';
import type { PriceCatalog } from '../../metering/prices/index.ts';
import type { Store } from '../../state/index.ts';
import type { UpstreamClient } from '../../upstream/index.ts';
import { recordStage } from '../pipeline/record.ts';
import { BatchMeter } from './batch-metering.ts';
import { startBatchPoller } from './batch-poller.ts';
import { FilesBatchesGateway } from './files-batches-handler.ts';
import { ObjectRegistry } from './object-registry.ts';

export interface FilesBatchesSetup {
  store: Store;
  keys: KeyService;
  /** The default deployment's client: where files and batches live. */
  upstream: UpstreamClient;
  ledger: UsageLedger;
  catalog: PriceCatalog;
  /** undefined when metering is off: batches are recorded but not charged to budgets. */
  budgets: BudgetService | undefined;
  requestAudit?: RequestAuditWriter | undefined;
  log: Logger;
  uploadLimitBytes: number;
  bodyLimitBytes: number;
  pollIntervalMs: number;
  newRequestId: () => string;
  clientAddress: (req: IncomingMessage) => string;
}

/** Batch input files Tollgate reads to check (OpenAI accepts up to 200 MB); one line at a time. */
const MAX_INPUT_BYTES = 200 * 1024 * 1024;
/** Longest input or output line read: a line is held whole while it is checked or metered. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * The files and batches pass-through with its registry, batch meter and background poller.
 * @example const fb = createFilesBatchesGateway({ … }); server.on('request', fb.handle); await fb.close();
 */
export function createFilesBatchesGateway(s: FilesBatchesSetup): { handle: (req: IncomingMessage, res: ServerResponse) => void; close(): Promise<void> } {
  const registry = new ObjectRegistry(s.store);
  const meter = new BatchMeter({
    registry,
    ledger: s.ledger,
    catalog: s.catalog,
    budgets: s.budgets,
    log: s.log,
    maxLineBytes: MAX_LINE_BYTES,
    download: async (fileId) => {
      const res = await s.upstream.send({ method: 'GET', path: `/files/${encodeURIComponent(fileId)}/content` });
      if (res.statusCode >= 400) {
        await res.body.dump();
        throw new Error(`the upstream answered ${res.statusCode} for the output file`);
      }
      return res.body as AsyncIterable<Buffer>;
    },
  });
  const gateway = new FilesBatchesGateway({
    keys: s.keys,
    registry,
    upstream: s.upstream,
    meter,
    budgets: s.budgets,
    catalog: s.catalog,
    record: recordStage(s.ledger, s.log, s.requestAudit),
    log: s.log,
    uploadLimitBytes: s.uploadLimitBytes,
    bodyLimitBytes: s.bodyLimitBytes,
    batchInput: { maxTotalBytes: MAX_INPUT_BYTES, maxLineBytes: MAX_LINE_BYTES },
    newRequestId: s.newRequestId,
    clientAddress: s.clientAddress,
  });
  const poller = startBatchPoller(registry, (row) => gateway.refresh(row), s.pollIntervalMs, s.log);
  return { handle: gateway.handler(), close: () => poller.stop() };
}
