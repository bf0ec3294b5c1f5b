import { describe, expect, it } from 'vitest';
import {
  ChordError,
  deserializeError,
  InvalidArgumentsError,
  RemoteTaskError,
  SoftTimeLimitExceededError,
  serializeError,
  TaskRevokedError,
  TimeLimitExceededError,
  UnknownTaskError,
} from '../../src/index.js';

describe('serializeError', () => {
  it.each([
    [new TypeError('bad'), { exc_type: 'TypeError', exc_message: ['bad'], exc_module: 'builtins' }],
    [
      Object.assign(new Error('kaboom'), { name: 'ValueError' }),
      { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' },
    ],
    [new Error('plain'), { exc_type: 'Error', exc_message: ['plain'], exc_module: 'tq' }],
    [new RangeError('r'), { exc_type: 'RangeError', exc_message: ['r'], exc_module: 'tq' }],
    [
      new TimeLimitExceededError(60_000),
      { exc_type: 'TimeLimitExceeded', exc_message: ['Task exceeded its hard time limit of 60000 ms'], exc_module: 'celery.exceptions' },
    ],
    [
      new SoftTimeLimitExceededError(50_000),
      {
        exc_type: 'SoftTimeLimitExceeded',
        exc_message: ['Task exceeded its soft time limit of 50000 ms'],
        exc_module: 'celery.exceptions',
      },
    ],
    [new TaskRevokedError('expired'), { exc_type: 'TaskRevokedError', exc_message: ['expired'], exc_module: 'celery.exceptions' }],
    [
      new UnknownTaskError('tasks.nonexistent'),
      { exc_type: 'NotRegistered', exc_message: ['tasks.nonexistent'], exc_module: 'celery.exceptions' },
    ],
    [
      new ChordError('Dependency x raised ValueError'),
      { exc_type: 'ChordError', exc_message: ['Dependency x raised ValueError'], exc_module: 'celery.exceptions' },
    ],
    [new InvalidArgumentsError('too few'), { exc_type: 'InvalidArgumentsError', exc_message: ['too few'], exc_module: 'tq' }],
  ])('%s', (error, expected) => {
    const { result, traceback } = serializeError(error);
    expect(result).toEqual(expected);
    expect(traceback).toBe(error.stack);
  });

  it('uses the class name of a subclass that does not set name', () => {
    class ValidationError extends Error {}
    expect(serializeError(new ValidationError('x')).result).toEqual({ exc_type: 'ValidationError', exc_message: ['x'], exc_module: 'tq' });
  });

  it('wraps non-Error throwables as builtin Exception', () => {
    expect(serializeError('boom')).toEqual({
      result: { exc_type: 'Exception', exc_message: ['boom'], exc_module: 'builtins' },
      traceback: null,
    });
    expect(serializeError({ code: 1 }).result.exc_message).toEqual(['{"code":1}']);
    expect(serializeError(undefined).result.exc_message).toEqual(['undefined']);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(serializeError(cyclic).result.exc_message).toEqual(['[object Object]']);
  });

  it('re-serializes a RemoteTaskError as the original remote error', () => {
    const stored = { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' };
    const remote = deserializeError('id', stored, 'Traceback ...');
    expect(serializeError(remote)).toEqual({ result: stored, traceback: 'Traceback ...' });
  });
});

describe('deserializeError', () => {
  it('reads a captured Celery FAILURE result', () => {
    const traceback = 'Traceback (most recent call last):\n ...\nValueError: kaboom\n';
    const error = deserializeError('fdc4aafc', { exc_type: 'ValueError', exc_message: ['kaboom'], exc_module: 'builtins' }, traceback);
    expect(error).toBeInstanceOf(RemoteTaskError);
    expect(error).toMatchObject({
      taskId: 'fdc4aafc',
      remoteType: 'ValueError',
      remoteModule: 'builtins',
      remoteStack: traceback,
      message: 'ValueError: kaboom',
    });
  });

  it('NotRegistered and revoked', () => {
    expect(
      deserializeError('a', { exc_type: 'NotRegistered', exc_message: ['tasks.nonexistent'], exc_module: 'celery.exceptions' }, null)
        .message,
    ).toBe('NotRegistered: tasks.nonexistent');
    expect(
      deserializeError('b', { exc_type: 'TaskRevokedError', exc_message: ['revoked'], exc_module: 'celery.exceptions' }, null).remoteStack,
    ).toBeNull();
  });

  it('joins several args and tolerates garbage', () => {
    expect(deserializeError('i', { exc_type: 'KeyError', exc_message: ['a', 2, { b: 1 }], exc_module: 'builtins' }, null).message).toBe(
      'KeyError: a, 2, {"b":1}',
    );
    expect(deserializeError('i', { exc_type: 'E', exc_message: 'scalar' }, null)).toMatchObject({
      message: 'E: scalar',
      remoteModule: 'builtins',
    });
    expect(deserializeError('i', null, null).message).toBe('Exception: ');
    expect(deserializeError('i', 'boom', null).message).toBe('Exception: boom');
    expect(deserializeError('i', { exc_type: 5 }, 7 as unknown as string)).toMatchObject({ remoteType: 'Exception', remoteStack: null });
  });

  it('round trips through JSON', () => {
    const original = new TypeError('wrong type');
    const { result, traceback } = JSON.parse(JSON.stringify(serializeError(original)));
    const error = deserializeError('id', result, traceback);
    expect(error).toMatchObject({ remoteType: 'TypeError', remoteModule: 'builtins', message: 'TypeError: wrong type' });
    expect(error.remoteStack).toBe(original.stack);
  });
});
