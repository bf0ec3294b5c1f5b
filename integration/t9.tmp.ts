import { createTaskMessage, toEnvelope, toPythonJson, encodeBody } from '@tq/core';
import { randomUUID } from 'node:crypto';
const N = 50_000;
const msgs = Array.from({ length: N }, () => createTaskMessage({ task: 'bench.noop', id: randomUUID() }));
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (const m of msgs) toEnvelope(m, { queue: 'q' }); const env = performance.now() - t;
  t = performance.now(); for (const m of msgs) toPythonJson(m.headers); const hdr = performance.now() - t;
  t = performance.now(); for (const m of msgs) JSON.stringify(m.headers); const js = performance.now() - t;
  t = performance.now(); for (const m of msgs) Buffer.from(encodeBody(m.body, undefined)).toString('base64'); const body = performance.now() - t;
  t = performance.now(); for (const m of msgs) randomUUID(); const uuid = performance.now() - t;
  const f = (x: number) => (x / N * 1000).toFixed(2) + 'µs';
  console.log('toEnvelope', f(env), 'toPythonJson(headers)', f(hdr), 'JSON.stringify(headers)', f(js), 'body base64', f(body), 'uuid', f(uuid), 'len', toEnvelope(msgs[0]!, { queue: 'q' }).length);
}
