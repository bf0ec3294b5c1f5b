import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * For transports: the contents of a PEM file a URL parameter names (a CA, client certificate or
 * key), read once at configuration time so a wrong path fails at start, naming the parameter.
 *
 * @throws ConfigurationError e.g. "rediss:// URL parameter ssl_ca_certs: cannot read '/etc/ca.pem' (ENOENT: no such file …)"
 */
export function readTlsFile(url: { protocol: string; searchParams: URLSearchParams }, param: string): Buffer | undefined {
  const path = url.searchParams.get(param);
  if (path === null) return undefined;
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ConfigurationError(`${url.protocol}// URL parameter ${param}: cannot read '${path}' (${(cause as Error).message})`, {
      cause,
    });
  }
}
