import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors/configuration-error.js';

/** The PEM files of a TLS connection, by what they are. */
export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * For transports: the PEM files (CA, client certificate, key) that the URL parameters named in
 * `params` point to, read once at configuration time so a wrong path fails at start, naming the
 * parameter. Only the files given are present in the result.
 *
 * @example readTlsFiles(url, { ca: 'ssl_ca_certs', cert: 'ssl_certfile', key: 'ssl_keyfile' })
 * @throws ConfigurationError e.g. "rediss:// URL parameter ssl_ca_certs: cannot read '/etc/ca.pem' (ENOENT: no such file …)"
 */
export function readTlsFiles(url: { protocol: string; searchParams: URLSearchParams }, params: Record<keyof TlsFiles, string>): TlsFiles {
  const files: TlsFiles = {};
  for (const [what, param] of Object.entries(params) as [keyof TlsFiles, string][]) {
    const path = url.searchParams.get(param);
    if (path === null) continue;
    try {
      files[what] = readFileSync(path);
    } catch (cause) {
      throw new ConfigurationError(`${url.protocol}// URL parameter ${param}: cannot read '${path}' (${(cause as Error).message})`, {
        cause,
      });
    }
  }
  return files;
}
