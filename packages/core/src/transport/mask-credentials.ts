/**
 * `spec` (a broker or backend URL) fit to print: the password replaced by `***`
 * (`redis://user:***@host:6379/0`). Works on text that is not a valid URL too — the usual reason a
 * URL fails to parse is a password with an unencoded `#`, `/`, `?` or `@` — by taking everything
 * between `://` and the last `@` as the user info. A user name alone is kept (it is not a secret).
 */
export function maskCredentials(spec: string): string {
  const start = spec.indexOf('://');
  if (start < 0) return spec;
  const at = spec.lastIndexOf('@');
  if (at < start) return spec;
  const userInfo = spec.slice(start + 3, at);
  const colon = userInfo.indexOf(':');
  if (colon < 0) return spec;
  return `${spec.slice(0, start + 3)}${userInfo.slice(0, colon)}:***${spec.slice(at)}`;
}
