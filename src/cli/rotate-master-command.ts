import { parseArgs } from 'node:util';
import { KeyFileError, keyRing, loadMasterKey, masterKey, newKey256Text, parseKey256, readPrivateFile, rotateMasterKey, writePrivateFile } from '../compliance/crypto/index.ts';
import type { Config } from '../config/index.ts';
import { openConfiguredStore } from '../state/index.ts';
import { existsSync } from 'node:fs';
import { fail } from './main.ts';

/**
 * `tollgate keys rotate-master --new-key-file FILE`: re-wraps every data key under a new master key
 * (read from FILE, or created there with mode 0600 when it does not exist; or TOLLGATE_NEW_MASTER_KEY).
 * Content is not re-encrypted. Afterwards the operator points TOLLGATE_MASTER_KEY(_FILE) at the new key.
 */
export async function rotateMasterCommand(config: Config, args: string[], out: Pick<NodeJS.WriteStream, 'write'> = process.stdout): Promise<void> {
  const { values } = parseArgs({ args, options: { 'new-key-file': { type: 'string' } } });
  let current;
  try {
    current = loadMasterKey({ keyText: config.compliance.master_key, keyFile: config.compliance.master_key_file, dataDir: config.store.data_dir });
  } catch (err) {
    if (err instanceof KeyFileError) fail(err.message);
    throw err;
  }
  if (!current) fail('no master key is configured (TOLLGATE_MASTER_KEY, TOLLGATE_MASTER_KEY_FILE or <data dir>/master.key): nothing to rotate');
  const file = values['new-key-file'];
  const envKey = process.env.TOLLGATE_NEW_MASTER_KEY;
  if (file === undefined && !envKey) fail('keys rotate-master needs --new-key-file FILE (created if absent) or TOLLGATE_NEW_MASTER_KEY');
  let next;
  try {
    if (file !== undefined) {
      if (!existsSync(file)) writePrivateFile(file, newKey256Text());
      next = masterKey(parseKey256(readPrivateFile(file), `the new master key file ${file}`));
    } else next = masterKey(parseKey256(envKey!, 'TOLLGATE_NEW_MASTER_KEY'));
  } catch (err) {
    if (err instanceof KeyFileError) fail(err.message);
    throw err;
  }
  const store = openConfiguredStore(config.store);
  try {
    await store.migrate();
    const r = await rotateMasterKey(store, keyRing(current), next);
    out.write(
      `re-wrapped ${r.rewrapped} data keys under master key ${next.id} (${r.unchanged} already were); content was not re-encrypted.\n` +
        `Now set ${file !== undefined ? `TOLLGATE_MASTER_KEY_FILE=${file}` : 'TOLLGATE_MASTER_KEY to the new key'} and restart every instance; keep the old key (${current.id}) until all have restarted.\n`,
    );
  } finally {
    await store.close();
  }
}
