import { chaosSuite } from './chaos-suite.js';

// tq's topics take records up to about 1 MiB (max.message.bytes), so the oversize ones are 1 MB
// against a worker limit of 512 KiB. SIGKILL run: the broker's minimum session timeout (6 s), as a
// killed member's partitions move only after it; the restart and cut runs keep the default (30 s).
chaosSuite('kafka', { maxPayloadBytes: 512 * 1024, oversizeBytes: 1_000_000, kafkaSessionTimeoutMs: 6000 });
