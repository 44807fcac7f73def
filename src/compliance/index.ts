export { appendAuditEvent, type ChainReport, loadSigningKey, parseCheckpoint, parsePublicKey, signingKeyId, startAuditChainer, verifyAuditChain } from './audit/index.ts';
export { KeyFileError, keyRing, loadMasterKey, masterKey, newKey256Text, parseKey256, readPrivateFile, rotateMasterKey, writePrivateFile } from './crypto/index.ts';
