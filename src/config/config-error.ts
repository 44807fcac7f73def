/**
 * Thrown when the configuration is not valid, or the machine does not allow it (a busy port, a held
 * data directory). The message is for the operator: what is wrong, where it was set, what to do.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
