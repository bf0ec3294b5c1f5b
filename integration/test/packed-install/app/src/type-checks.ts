// Compiled, never run: every installed package's types resolve, and they are real types (an `any`
// would leave the @ts-expect-error lines without an error, which fails the compile).
import { AmqpBroker } from '@tq/amqp';
import { program } from '@tq/cli';
import { transportConformance } from '@tq/conformance';
import { chain, TqError } from '@tq/core';
import { KafkaBroker } from '@tq/kafka';
import { RedisBroker } from '@tq/redis';
import { SqsBroker } from '@tq/sqs';
import { add } from './app.js';

export const brokers = [AmqpBroker, KafkaBroker, RedisBroker, SqsBroker];
export const entryPoints = [program, transportConformance, TqError];

// @ts-expect-error a string is no number
add.delay('2', 3);
// @ts-expect-error the second step takes two numbers, the first gives one
chain(add.s(2, 3), add.s());
