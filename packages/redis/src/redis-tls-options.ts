import type { ConnectionOptions } from 'node:tls';
import { ConfigurationError, readTlsFiles } from '@tq/core';

/**
 * TLS parameters of a `rediss://` URL, named as redis-py and Celery name them so one URL serves
 * both: `ssl_cert_reqs` (`required`, the default, or `none`; `optional` acts as `required` on a
 * client, as in Python), `ssl_ca_certs` (PEM file of the CA), `ssl_certfile` and `ssl_keyfile`
 * (client certificate and key, for servers that ask for one).
 */
export const TLS_PARAMS = ['ssl_cert_reqs', 'ssl_ca_certs', 'ssl_certfile', 'ssl_keyfile'];

const CERT_REQS: Record<string, boolean> = {
  required: true,
  cert_required: true,
  optional: true,
  cert_optional: true,
  none: false,
  cert_none: false,
};

/**
 * The TLS options of the clients tq creates: `undefined` for `redis://`, else the URL's `ssl_*`
 * parameters under the `tls` config (which wins). TLS options with a `redis://` URL are refused:
 * the scheme says whether the port speaks TLS, and a silent upgrade would hide the mistake.
 */
export function redisTlsOptions(
  params: URLSearchParams,
  tls: boolean,
  configured: ConnectionOptions | undefined,
): ConnectionOptions | undefined {
  const url = { protocol: 'rediss:', searchParams: params };
  const given = TLS_PARAMS.filter((name) => params.has(name));
  if (!tls) {
    if (given.length > 0 || configured) {
      const what = configured ? "the 'tls' option" : `URL parameter ${given.join(', ')}`;
      throw new ConfigurationError(`${what} needs a rediss:// URL (the server's TLS port); this one is redis://`);
    }
    return undefined;
  }
  const options: ConnectionOptions = readTlsFiles(url, { ca: 'ssl_ca_certs', cert: 'ssl_certfile', key: 'ssl_keyfile' });
  const reqs = url.searchParams.get('ssl_cert_reqs');
  if (reqs !== null) {
    const verify = CERT_REQS[reqs.toLowerCase()];
    if (verify === undefined) {
      throw new ConfigurationError(`rediss:// URL parameter ssl_cert_reqs must be required, optional or none, got '${reqs}'`);
    }
    options.rejectUnauthorized = verify;
  }
  return { ...options, ...configured };
}
