/**
 * The app of the beat tests, loaded by `tq beat --app` / `tq worker --beat` in several processes:
 * broker `TQ_BEAT_BROKER_URL` (default the Redis), results and schedules on `TQ_BEAT_REDIS_URL`,
 * one schedule `TQ_BEAT_SCHEDULE` every second sending `beat.count` to `TQ_BEAT_QUEUE`. Its ticks
 * expire after a minute, so a consumer slow to join (Kafka) still runs every one of them, and a
 * minute of ticks is backfilled: on a busy machine a scheduler may look a few seconds late, and the
 * default catch-up (`latest`) would then skip ticks by design, which is not what these tests count.
 */
import { createApp } from '@tq/core';

const redis = process.env.TQ_BEAT_REDIS_URL ?? '';
export const app = createApp({ broker: process.env.TQ_BEAT_BROKER_URL ?? redis, backend: redis });
export const count = app.task('beat.count', { queue: process.env.TQ_BEAT_QUEUE }, async () => 'counted');
app.schedule(process.env.TQ_BEAT_SCHEDULE ?? 'beat.every-second', { everyMs: 1000 }, count.s(), {
  expiresMs: 60_000,
  catchUp: { backfillMs: 60_000 },
});
