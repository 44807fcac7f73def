export { appendAuditEvent, type ChainReport, loadSigningKey, RequestAuditWriter, parseCheckpoint, parsePublicKey, signingKeyId, startAuditChainer, verifyAuditChain } from './audit/index.ts';
export { KeyFileError, keyRing, loadMasterKey, masterKey, newKey256Text, parseKey256, readPrivateFile, rotateMasterKey, writePrivateFile } from './crypto/index.ts';
