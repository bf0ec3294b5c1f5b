import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTaskMessage,
  fromEnvelope,
  MAX_CANVAS_DEPTH,
  MAX_CANVAS_NODES,
  MAX_JSON_DEPTH,
  MessageDecodeError,
  type SignatureJson,
  toEnvelope,
} from '../../src/index.js';

/** A valid `add(1)` envelope, as an object to patch. */
function envelopeObject(): Record<string, unknown> & { headers: Record<string, unknown> } {
  return JSON.parse(toEnvelope(createTaskMessage({ task: 'add', id: randomUUID(), args: [1] }), { queue: 'q' }));
}

/** The `add(1)` envelope with `bodyText` as its (base64) body. */
function withBody(bodyText: string): string {
  const envelope = envelopeObject();
  envelope.body = Buffer.from(bodyText).toString('base64');
  return JSON.stringify(envelope);
}

function refusal(raw: string): MessageDecodeError {
  try {
    fromEnvelope(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(MessageDecodeError);
    return error as MessageDecodeError;
  }
  throw new Error('expected the message to be refused');
}

/** `[[[…]]]`, `depth` levels deep. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const prototypeIsClean = () => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
  expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
};

afterEach(prototypeIsClean);

describe("prototype pollution: a '__proto__' key is refused wherever it is", () => {
  const hostile = '{"__proto__": {"polluted": "yes"}}';
  const cases: [string, string, RegExp][] = [
    ['kwargs', withBody(`[[], ${hostile}, null]`), /Body has a '__proto__' key \(in Body\[1\]\)/],
    ['an object inside args', withBody(`[[{"user": ${hostile}}], {}, null]`), /in Body\[0\]\[0\]\.user\)/],
    [
      'a callback signature in embed',
      withBody(`[[], {}, {"callbacks": [{"task": "t", "options": ${hostile}}]}]`),
      /in Body\[2\]\.callbacks\[0\]\.options\)/,
    ],
    [
      'a key spelled with \\u escapes',
      withBody('[[], {"\\u005f\\u005fproto\\u005f\\u005f": {"polluted": "yes"}}, null]'),
      /'__proto__' key/,
    ],
    [
      'a body with kombu tagged values (the reviving path)',
      withBody(`[[{"__type__": "uuid", "__value__": "${'a'.repeat(32)}"}], ${hostile}, null]`),
      /'__proto__' key \(in Body\[1\]\)/,
    ],
    [
      'the headers',
      JSON.stringify(envelopeObject()).replace('"headers":{', `"headers":{"__proto__":{"polluted":"yes"},`),
      /Headers has a '__proto__' key/,
    ],
    [
      'the properties',
      JSON.stringify(envelopeObject()).replace('"properties":{', `"properties":{"__proto__":{"polluted":"yes"},`),
      /Properties has a '__proto__' key/,
    ],
  ];
  for (const [where, raw, says] of cases) {
    it(`in ${where}`, () => {
      const error = refusal(raw);
      expect(error.message).toMatch(says);
      expect(error.message).toContain('prototype pollution');
      prototypeIsClean();
    });
  }

  it('the refusal names the task, so its caller gets a FAILURE', () => {
    const envelope = envelopeObject();
    envelope.body = Buffer.from(`[[], ${hostile}, null]`).toString('base64');
    const error = refusal(JSON.stringify(envelope));
    expect(error.taskId).toBe(envelope.headers.id);
    expect(error.taskName).toBe('add');
  });
});

describe("'constructor' and 'prototype' keys are data, handed to the task as they came", () => {
  it('in kwargs, args and a signature', () => {
    const hostile = '{"constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}}';
    const message = fromEnvelope(withBody(`[[${hostile}], ${hostile}, {"callbacks": [{"task": "t", "constructor": 1}]}]`));
    const [args, kwargs, embed] = message.body;
    expect(Object.hasOwn(kwargs, 'constructor')).toBe(true);
    expect(kwargs.constructor).toEqual({ prototype: { polluted: 'yes' } });
    expect(kwargs.prototype).toEqual({ polluted: 'yes' });
    expect((args[0] as Record<string, unknown>).constructor).toEqual({ prototype: { polluted: 'yes' } });
    expect(embed.callbacks?.[0]).toMatchObject({ task: 't', constructor: 1 });
    prototypeIsClean();
  });
});

describe(`nesting depth: at most ${MAX_JSON_DEPTH} levels`, () => {
  it('a body exactly at the limit is decoded', () => {
    // The body array is one level; args bring the rest.
    const message = fromEnvelope(withBody(`[${nested(MAX_JSON_DEPTH - 1)}, {}, null]`));
    expect(Array.isArray(message.body[0])).toBe(true);
  });

  it('one level more is refused, naming the limit and where', () => {
    const error = refusal(withBody(`[${nested(MAX_JSON_DEPTH)}, {}, null]`));
    expect(error.message).toMatch(
      /Body nests deeper than 512 levels of arrays and objects \(at Body\[0\]\[0\]\[0\]\[0\]…\(\d+ more\)…\[0\]\[0\]\[0\]\[0\]\)/,
    );
    expect(error.message).toContain('overflows the stack');
  });

  it('a million levels are refused with the same reason, not a stack overflow (with and without kombu tags)', () => {
    for (const tag of ['', '{"__type__": "decimal", "__value__": "1.5"}']) {
      const started = performance.now();
      const error = refusal(withBody(`[[${tag}], {"deep": ${nested(1_000_000)}}, null]`));
      expect(error.message).toMatch(/Body nests deeper than 512 levels .*\(at Body\[1\]\.deep/);
      expect(error).not.toBeInstanceOf(RangeError);
      // Linear work, not a crash: generous for a loaded machine.
      expect(performance.now() - started).toBeLessThan(10_000);
    }
  });

  it('deep headers are refused too, naming the task', () => {
    const envelope = envelopeObject();
    const text = JSON.stringify(envelope).replace('"headers":{', `"headers":{"x-deep":{"x":${nested(100_000)}},`);
    const error = refusal(text);
    expect(error.message).toMatch(/Headers nests deeper than 512 levels .*\(at Headers\.x-deep\.x/);
    expect(error.taskId).toBe(envelope.headers.id);
  });
});

describe('serializers that run code are refused, saying why and what to change', () => {
  const withContentType = (type: string) => {
    const envelope = envelopeObject();
    envelope['content-type'] = type;
    return JSON.stringify(envelope);
  };

  it('pickle', () => {
    expect(refusal(withContentType('application/x-python-serialize')).message).toMatch(
      /Refused content type 'application\/x-python-serialize': pickle can execute code while it is decoded; tq accepts json only — set task_serializer='json'/,
    );
  });

  it('yaml', () => {
    expect(refusal(withContentType('application/x-yaml')).message).toMatch(
      /Refused content type 'application\/x-yaml': YAML's Python loaders can build arbitrary objects; tq accepts json only — set task_serializer='json'/,
    );
  });

  it('other serializers are unsupported, with the same fix', () => {
    expect(refusal(withContentType('application/x-msgpack')).message).toMatch(
      /Unsupported content type 'application\/x-msgpack': tq accepts only application\/json — set task_serializer='json'/,
    );
    // A name that is also an Object.prototype member is just an unknown type.
    expect(refusal(withContentType('constructor')).message).toMatch(/^Task .*Unsupported content type 'constructor'/);
  });
});

describe(`canvas limits on receipt: ${MAX_CANVAS_NODES} signatures, ${MAX_CANVAS_DEPTH} levels`, () => {
  const sig = (task: string, options: Record<string, unknown> = {}): SignatureJson => ({
    task,
    args: [],
    kwargs: {},
    options,
    subtask_type: null,
    immutable: false,
  });
  /** A callback whose callback's callback ... is `depth` signatures deep. */
  const linked = (depth: number): SignatureJson => {
    let node = sig('leaf');
    for (let i = 1; i < depth; i++) node = sig(`level-${i}`, { link: [node] });
    return node;
  };
  const bodyWith = (embed: Record<string, unknown>) => withBody(JSON.stringify([[], {}, embed]));

  it('a canvas at both limits is decoded', () => {
    const callbacks = Array.from({ length: MAX_CANVAS_NODES - MAX_CANVAS_DEPTH }, (_, i) => sig(`t${i}`));
    const message = fromEnvelope(bodyWith({ callbacks, chord: linked(MAX_CANVAS_DEPTH) }));
    expect(message.body[2].callbacks).toHaveLength(MAX_CANVAS_NODES - MAX_CANVAS_DEPTH);
  });

  it('one signature too many is refused', () => {
    const chain = Array.from({ length: MAX_CANVAS_NODES + 1 }, (_, i) => sig(`t${i}`));
    expect(refusal(bodyWith({ chain })).message).toMatch(/Body embed refused: its canvas has more than 10000 signatures/);
  });

  it('signatures nested in composites count too', () => {
    const group = sig('celery.group');
    group.subtask_type = 'group';
    group.kwargs = { tasks: Array.from({ length: MAX_CANVAS_NODES }, (_, i) => sig(`t${i}`)) };
    expect(refusal(bodyWith({ callbacks: [group] })).message).toMatch(/more than 10000 signatures/);
  });

  it('one level too deep is refused', () => {
    expect(refusal(bodyWith({ errbacks: [linked(MAX_CANVAS_DEPTH + 1)] })).message).toMatch(
      /Body embed refused: its canvas nests signatures deeper than 100 levels/,
    );
  });
});
