import type { ConnectionOptions } from 'node:tls';
import { ConfigurationError, readTlsFiles } from '@tq/core';

/**
 * TLS parameters of an `amqps://` URL, as RabbitMQ's URI spec names them: `cacertfile` (PEM of the
 * CA), `certfile` and `keyfile` (client certificate and key), `verify` (`verify_peer`, the default,
 * or `verify_none`), `server_name_indication` (the name to send and check the certificate against).
 */
export const AMQP_TLS_PARAMS = ['cacertfile', 'certfile', 'keyfile', 'verify', 'server_name_indication'];

/**
 * The URL amqplib dials, without the TLS parameters (amqplib does not read them), and the socket
 * options they stand for under `configured` (which wins); `undefined` options when neither gives
 * any. Refused on `amqp://`: the scheme says whether the port speaks TLS.
 */
export function amqpTlsOf(url: string, configured?: ConnectionOptions): { url: string; tls: ConnectionOptions | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, tls: configured }; // amqplib names a malformed URL itself
  }
  const given = AMQP_TLS_PARAMS.filter((name) => parsed.searchParams.has(name));
  if (given.length === 0) return { url, tls: configured };
  if (parsed.protocol !== 'amqps:') {
    throw new ConfigurationError(`URL parameter ${given.join(', ')} needs an amqps:// URL (the server's TLS port)`);
  }
  const options: ConnectionOptions = readTlsFiles(parsed, { ca: 'cacertfile', cert: 'certfile', key: 'keyfile' });
  const verify = parsed.searchParams.get('verify');
  if (verify !== null) {
    if (verify !== 'verify_peer' && verify !== 'verify_none') {
      throw new ConfigurationError(`amqps:// URL parameter verify must be verify_peer or verify_none, got '${verify}'`);
    }
    options.rejectUnauthorized = verify === 'verify_peer';
  }
  const servername = parsed.searchParams.get('server_name_indication');
  if (servername !== null) options.servername = servername;
  for (const name of given) parsed.searchParams.delete(name);
  return { url: parsed.href, tls: { ...options, ...configured } };
}
