import type { ControlRequest } from './control-request.js';

/**
 * Whether node `node` should act on `request` (kombu's `Node.handle_message`): a non-empty
 * `destination` must name it; else a `pattern` with a `matcher` must match it; else every node
 * acts. An unknown matcher or a pattern that does not compile matches nothing.
 */
export function addressedTo(request: Pick<ControlRequest, 'destination' | 'pattern' | 'matcher'>, node: string): boolean {
  if (request.destination?.length) return request.destination.includes(node);
  if (request.pattern && request.matcher) return patternMatches(request.matcher, request.pattern, node);
  return true;
}

function patternMatches(matcher: string, pattern: string, node: string): boolean {
  try {
    // pcre is Python's re.match: anchored at the start only. A sticky regex matches only at index 0.
    if (matcher === 'pcre') return new RegExp(pattern, 'y').test(node);
    if (matcher === 'glob') return globToRegExp(pattern).test(node);
  } catch {
    // A pattern JavaScript cannot compile addresses nobody here.
  }
  return false;
}

/** Python's `fnmatch` (case-sensitive, as on POSIX): `*`, `?`, `[seq]`, `[!seq]`; the whole name must match. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', glob[i + 1] === '!' || glob[i + 1] === ']' ? i + 2 : i + 1);
      if (end < 0) source += '\\[';
      else {
        let set = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        else if (set.startsWith('^')) set = `\\${set}`;
        source += `[${set}]`;
        i = end;
      }
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}
