import { isIP, connect as plainConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

/** As kafkajs's own factory: TCP keep-alive after a minute of silence. */
const KEEP_ALIVE_DELAY_MS = 60_000;

/**
 * kafkajs's socket factory (same sockets), plus: an error before a TLS socket's handshake completes
 * goes to `onHandshakeError` with the broker's `host:port`. kafkajs treats it as a retriable
 * connection error and retries for seconds; tq fails `connect()` at once with its cause instead.
 */
export function tlsReportingSocketFactory(onHandshakeError: (error: Error, address: string) => void): ISocketFactory {
  return ({ host, port, ssl, onConnect }) => {
    if (!ssl) {
      const socket = plainConnect({ host, port }, onConnect);
      socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
      return socket;
    }
    const socket = tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    const report = (error: Error) => onHandshakeError(error, `${host}:${port}`);
    socket.once('error', report);
    socket.once('secureConnect', () => socket.off('error', report));
    return socket;
  };
}
