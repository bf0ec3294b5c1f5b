import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Cluster, Command, type Redis } from 'ioredis';

/** A connected ioredis client: a single node or a cluster. */
export type RedisClient = Redis | Cluster;

/** An argument as ioredis sends it. */
export type ScriptArg = string | number | Buffer;

/**
 * One Lua script from `./lua/<name>.lua`, run with EVALSHA and re-sent with EVAL when the server
 * does not know it (first use, or after a restart emptied the script cache). Not registered on the
 * client with `defineCommand`, so clients passed in by users are left untouched.
 */
export class RedisScript {
  readonly lua: string;
  readonly sha: string;

  constructor(readonly name: string) {
    this.lua = readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
    this.sha = createHash('sha1').update(this.lua).digest('hex');
  }

  /** Run with string replies. */
  run(client: RedisClient, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    const scripting = client as unknown as Scripting;
    return this.withFallback((command, script) => scripting[command](script, keys.length, ...keys, ...args));
  }

  /**
   * Run with string replies, written at once rather than batched to the end of the event loop turn
   * (auto-pipelining): for a single call someone waits on, a publish or a result, where that
   * deferral is a good part of the round trip. Callers that issue many per turn keep `run`.
   */
  runNow(client: RedisClient, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    return this.withFallback((command, script) => sendNow(client, command, [script, keys.length, ...keys, ...args]));
  }

  /** Run with binary-safe replies (message bytes come back as Buffers, exactly as stored). */
  runBuffer(client: RedisClient, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    const scripting = client as unknown as Scripting;
    return this.withFallback((command, script) => scripting[`${command}Buffer`](script, keys.length, ...keys, ...args));
  }

  /** EVALSHA through `send`, and EVAL instead when the server does not know the script. */
  private withFallback(send: (command: 'evalsha' | 'eval', script: string) => Promise<unknown>): Promise<unknown> {
    return send('evalsha', this.sha).catch((error: unknown) => {
      if (!isNoScript(error)) throw error;
      return send('eval', this.lua);
    });
  }
}

/**
 * The scripting commands, untyped: ioredis types `evalsha`/`eval` with overloads and generates
 * `evalshaBuffer`/`evalBuffer` at run time without types (callBuffer would lose its command name
 * under auto-pipelining).
 */
interface Scripting {
  evalsha(...args: ScriptArg[]): Promise<unknown>;
  eval(...args: ScriptArg[]): Promise<unknown>;
  evalshaBuffer(...args: ScriptArg[]): Promise<unknown>;
  evalBuffer(...args: ScriptArg[]): Promise<unknown>;
}

/** Send one command past auto-pipelining (ioredis batches only the commands called by name). */
function sendNow(client: RedisClient, name: string, args: ScriptArg[]): Promise<unknown> {
  const command = new Command(name, args, { replyEncoding: 'utf8', keyPrefix: client.options.keyPrefix });
  client.sendCommand(command);
  return command.promise;
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Load every script on every master now, so the first EVALSHA of each finds it: a NOSCRIPT
 * fallback would re-send the script after commands issued later, reordering them.
 */
export async function preloadScripts(client: RedisClient): Promise<void> {
  const nodes = 'nodes' in client && typeof client.nodes === 'function' ? client.nodes('master') : [client as Redis];
  await Promise.all(nodes.flatMap((node) => Object.values(scripts).map((script) => node.script('LOAD', script.lua))));
}

/** The broker's and backend's scripts, loaded once per process. */
export const scripts = {
  claim: new RedisScript('claim'),
  push: new RedisScript('push'),
  ring: new RedisScript('ring'),
  leave: new RedisScript('leave'),
  settle: new RedisScript('settle'),
  ack: new RedisScript('ack'),
  extend: new RedisScript('extend'),
  delay: new RedisScript('delay'),
  size: new RedisScript('size'),
  purge: new RedisScript('purge'),
  setResult: new RedisScript('set-result'),
  releaseClaim: new RedisScript('release-claim'),
  addChordPart: new RedisScript('add-chord-part'),
  beatWrite: new RedisScript('beat-write'),
  mailboxOpen: new RedisScript('mailbox-open'),
  mailboxClose: new RedisScript('mailbox-close'),
  mailboxReply: new RedisScript('mailbox-reply'),
};
