// Sends work to the worker process and prints what came back, as JSON on one line.
import { chain } from '@tq/core';
import { add, app } from './app.js';

const sum = await add.delay(2, 3);
const chained = await chain(add.s(2, 3), add.s(4)).delay();
const results = { sum: await sum.get({ timeoutMs: 30_000 }), chained: await chained.get({ timeoutMs: 30_000 }) };
console.log(JSON.stringify(results));
await app.close();
