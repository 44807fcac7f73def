export { startAuditChainer, type AuditChainer, type AuditChainerOptions } from './audit-chainer.ts';
export { linkPending, type LinkOptions, type LinkResult } from './chain-linker.ts';
export { verifyAuditChain, type ChainProblem, type ChainReport, type VerifyOptions } from './chain-verifier.ts';
export { checkpointSignatureValid, formatCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.ts';
export { GENESIS_HASH, HASHED_FIELDS, fieldDigest, recordHash } from './record-hash.ts';
export { defaultSigningKeyFile, loadSigningKey, parsePublicKey, signingKeyId, type AuditSigningKey } from './signing-key.ts';
export { appendAuditEvent } from './audit-append.ts';
export { RequestAuditWriter, requestContentAad, type AuditedContent, type RequestAuditEvent, type RequestAuditLevel } from './request-audit.ts';
export { countAuditActions, guardBlocksByRule, guardHitsByRule } from './audit-counts.ts';
