import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fitWidth } from '../src/monitor/fit-width.js';
import { tableLines } from '../src/monitor/table-lines.js';
import { prettyReply } from '../src/remote/pretty-reply.js';
import { reportReplies } from '../src/remote/report-replies.js';
import { Terminal } from '../src/terminal.js';

function tty(hasColors: boolean, columns = 80) {
  let written = '';
  return {
    terminal: new Terminal({ write: (chunk: string) => (written += chunk), isTTY: true, columns, hasColors: () => hasColors }),
    written: () => written,
  };
}

describe('prettyReply (celery inspect layout)', () => {
  it('shows ok and error values indented, lists as * lines, mappings as sorted 4-space JSON', () => {
    expect(prettyReply({ ok: 'pong' })).toEqual({ ok: true, text: '    pong' });
    expect(prettyReply({ error: 'unknown task' })).toEqual({ ok: false, text: '    unknown task' });
    expect(prettyReply({ ok: ['a', { b: 1 }] })).toEqual({ ok: true, text: '    * a\n    * {"b":1}' });
    expect(prettyReply([])).toEqual({ ok: true, text: '- empty -' });
    expect(prettyReply({ z: 1, a: { y: 2, b: 3 } }).text).toBe('{\n    "a": {\n        "b": 3,\n        "y": 2\n    },\n    "z": 1\n}');
    expect(prettyReply(null)).toEqual({ ok: true, text: 'null' });
  });
});

describe('Terminal', () => {
  it('styles only on a terminal with colours (hasColors honours NO_COLOR, FORCE_COLOR, TERM)', () => {
    expect(tty(true).terminal.style('red', 'x')).toBe('\x1b[31mx\x1b[39m');
    expect(tty(false).terminal.style('red', 'x')).toBe('x');
    expect(new Terminal({ write: () => true }).style('red', 'x')).toBe('x');
  });

  it('replies in colour on a colour terminal, the same text without it', () => {
    const colour = tty(true);
    const io = { out: colour.terminal, err: colour.terminal };
    reportReplies(io, [{ node: 'tq@a', reply: { error: 'no' } }], { showReply: true, json: false, countNodes: true });
    expect(colour.written()).toContain('\x1b[36mtq@a:\x1b[39m');
    expect(colour.written()).toContain('\x1b[31mERROR\x1b[39m');
    expect(stripVTControlCharacters(colour.written())).toBe('->  tq@a: ERROR\n        no\n\n1 node online.\n');
  });
});

describe('fitting the screen', () => {
  it('fitWidth cuts visible characters only, keeps escape codes, and resets a cut style', () => {
    expect(fitWidth('abcdef', 6)).toBe('abcdef');
    expect(fitWidth('abcdefg', 6)).toBe('abcde…\x1b[0m');
    expect(fitWidth('\x1b[31mabcdef\x1b[39m', 6)).toBe('\x1b[31mabcdef\x1b[39m');
    expect(stripVTControlCharacters(fitWidth('\x1b[31mabc\x1b[39mdefgh', 6))).toBe('abcde…');
  });

  it('tableLines cuts the widest columns to the width and aligns numbers right', () => {
    const { terminal } = tty(false);
    const lines = tableLines(terminal, [{ title: 'NAME' }, { title: 'N', align: 'right' }], [['a-very-long-node-name@host', '7']], 20);
    expect(lines).toEqual(['  NAME             N', '  a-very-long-no…  7']);
  });
});
