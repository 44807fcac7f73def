import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { NodeServerOptions } from './node-server.ts';

export interface TransportSettings {
  /** PEM certificate chain and private key files; both or neither. */
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** Strict-Transport-Security max-age in seconds; 0: never sent. */
  hstsMaxAgeSeconds: number;
  /** Where users reach Tollgate: an https:// address means HSTS even when a proxy terminates TLS. */
  publicUrl?: string | undefined;
}

/**
 * What the HTTP server needs for HTTPS and HSTS, read once at start. Throws an Error whose message
 * names the file and what is wrong (unreadable, not PEM, key not matching the certificate).
 */
export function readTransport(s: TransportSettings): Pick<NodeServerOptions, 'tls' | 'strictTransportSecurity'> {
  let tls: NodeServerOptions['tls'];
  if (s.certFile !== undefined && s.keyFile !== undefined) {
    const cert = readPem(s.certFile, 'certificate');
    const key = readPem(s.keyFile, 'private key');
    try {
      createSecureContext({ cert, key });
    } catch (err) {
      throw new Error(`the TLS certificate ${s.certFile} and key ${s.keyFile} cannot be used together: ${(err as Error).message}`);
    }
    tls = { cert, key };
  }
  // Browsers ignore the header over plain HTTP; it is sent when users reach Tollgate over HTTPS.
  const https = tls !== undefined || (s.publicUrl?.startsWith('https://') ?? false);
  const strictTransportSecurity = https && s.hstsMaxAgeSeconds > 0 ? `max-age=${s.hstsMaxAgeSeconds}; includeSubDomains` : undefined;
  return { tls, strictTransportSecurity };
}

function readPem(file: string, what: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read the TLS ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!pem.includes('-----BEGIN ')) throw new Error(`the TLS ${what} file ${file} is not PEM (no "-----BEGIN" line)`);
  return pem;
}
