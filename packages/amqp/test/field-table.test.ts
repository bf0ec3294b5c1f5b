import { describe, expect, it } from 'vitest';
import { toFieldTable } from '../src/message/field-table.js';

describe('toFieldTable', () => {
  it('types integers as py-amqp does (I / l), never b or s, which py-amqp misreads', () => {
    expect(toFieldTable({ group_index: 300, retries: 0, big: 2 ** 40 })).toEqual({
      group_index: { '!': 'int', value: 300 },
      retries: { '!': 'int', value: 0 },
      big: { '!': 'long', value: 2 ** 40 },
    });
  });

  it('recurses into lists and tables; keeps null (void), strings, floats and booleans', () => {
    expect(toFieldTable({ timelimit: [300, null], stamps: { n: 1, s: 'x' }, f: 1.5, t: true, n: null })).toEqual({
      timelimit: [{ '!': 'int', value: 300 }, null],
      stamps: { n: { '!': 'int', value: 1 }, s: 'x' },
      f: 1.5,
      t: true,
      n: null,
    });
  });

  it('drops undefined keys and turns undefined list items into null', () => {
    expect(toFieldTable({ a: undefined, b: [undefined] })).toEqual({ b: [null] });
  });
});
