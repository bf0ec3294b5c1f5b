import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DashboardAuth } from './dashboard-auth.js';

/**
 * HTTP basic auth for the dashboard: `users` maps user names to passwords. Passwords are compared
 * in constant time (as hashes, so their lengths do not leak either). Use it behind HTTPS: basic
 * auth sends the password with every request.
 */
export function basicAuth(users: Readonly<Record<string, string>>): DashboardAuth {
  const digests = new Map(Object.entries(users).map(([user, password]) => [user, digest(password)]));
  const auth: DashboardAuth = (request: IncomingMessage) => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon);
    const expected = digests.get(user);
    // Compare even for an unknown user, so timing does not tell which users exist.
    const matches = timingSafeEqual(digest(decoded.slice(colon + 1)), expected ?? digest(''));
    return expected && matches ? user : undefined;
  };
  auth.challenge = 'Basic realm="tq dashboard", charset="UTF-8"';
  return auth;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
