import { connect, createServer, type Server, type Socket } from 'node:net';
import { spliceSockets } from './splice-sockets.js';

/** A running {@link tcpProxy}. */
export interface TcpProxy {
  /** `127.0.0.1`: where clients connect instead of the target. */
  readonly host: string;
  /** The proxy's own port (stays the same across `cut()` and `restore()`). */
  readonly port: number;
  /** Destroy every open connection and refuse (reset) new ones until `restore()`. */
  cut(): void;
  /** Accept and forward connections again. */
  restore(): void;
  /**
   * Stop forwarding bytes without closing anything: connections stay open and silent (a hung
   * link or a stalled peer, which clients notice only by their own timeouts) until `thaw()`.
   */
  freeze(): void;
  /** Forward again what froze, and everything after it. */
  thaw(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy to `target` (`host:port`) that can cut the network: the chaos suite puts it
 * between a worker and its broker. While cut, accepted connections are reset at once, as when a
 * firewall or a dead link drops them; the listening port stays, so clients keep retrying the same
 * address (as they would a real host) and reconnect by themselves once it is restored.
 */
export async function tcpProxy(target: string): Promise<TcpProxy> {
  const [targetHost = '127.0.0.1', targetPort] = splitHostPort(target);
  const open = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let cut = false;
  let frozen = false;
  const hold = ([client, upstream]: [Socket, Socket]) => {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  };
  const server: Server = createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const pair: [Socket, Socket] = [client, connect(targetPort, targetHost)];
    spliceSockets(pair[0], pair[1], open);
    pairs.add(pair);
    client.once('close', () => pairs.delete(pair));
    if (frozen) hold(pair);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the TCP proxy has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    cut() {
      cut = true;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      cut = false;
    },
    freeze() {
      frozen = true;
      for (const pair of pairs) hold(pair);
    },
    thaw() {
      frozen = false;
      for (const [client, upstream] of pairs) client.pipe(upstream).pipe(client);
    },
    close() {
      cut = true;
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  if (at < 0 || !Number.isInteger(port)) throw new Error(`not a host:port address: ${address}`);
  return [address.slice(0, at), port];
}
