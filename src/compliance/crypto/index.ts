export { DecryptionError } from './aead.ts';
export { CIPHERTEXT_VERSION } from './ciphertext-format.ts';
export { UnknownMasterKeyError } from './data-key-wrap.ts';
export { DataKeyDestroyedError, Envelope, type EnvelopeOptions, type KeyScope } from './envelope.ts';
export { KeyFileError, newKey256Text, parseKey256, readPrivateFile, writePrivateFile } from './key-file.ts';
export { defaultMasterKeyFile, keyRing, loadMasterKey, masterKey, type MasterKey, type MasterKeyRing, type MasterKeySource } from './master-key.ts';
export { rotateMasterKey, type RotationResult } from './rotate-master.ts';
export { ERASED_TEXT, FieldCipher, isSealed, PLAINTEXT } from './field-cipher.ts';
export { setUpEncryption, type EncryptionSetup, type EncryptionStatus } from './encryption-setup.ts';
