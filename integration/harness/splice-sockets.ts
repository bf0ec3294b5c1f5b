import type { Socket } from 'node:net';

/**
 * Join `client` and `upstream` both ways, tracked in `open` while they live: when either side ends
 * or fails, both are destroyed and forgotten (the proxies of the harness are built on it).
 */
export function spliceSockets(client: Socket, upstream: Socket, open: Set<Socket>): void {
  open.add(client).add(upstream);
  const drop = () => {
    open.delete(client);
    open.delete(upstream);
    client.destroy();
    upstream.destroy();
  };
  client.on('error', drop).on('close', drop);
  upstream.on('error', drop).on('close', drop);
  client.pipe(upstream).pipe(client);
}
