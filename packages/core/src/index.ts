export type { Logger } from 'pino';
export { Beat, type BeatEvents, type TickEvent } from './beat/beat.js';
export type { BeatOptions } from './beat/beat-options.js';
export { nextTick } from './beat/next-tick.js';
export { scheduleEntryOf } from './beat/schedule-entry-of.js';
export { tickId } from './beat/tick-id.js';
export type { ApplyOptions } from './canvas/apply-options.js';
export type { CanvasNode } from './canvas/canvas-node.js';
export { Chain, chain } from './canvas/chain.js';
export { Chord, chord } from './canvas/chord.js';
export { Group, group } from './canvas/group.js';
export { Signature } from './canvas/signature.js';
export type { TaskApplyOptions } from './canvas/task-apply-options.js';
export { App, type AppConfig, AppEventStream, type AppEvents, createApp } from './client/app.js';
export { Control, type ControlHost } from './control/control.js';
export type { ControlReply, ControlRequestOptions, ControlTarget } from './control/control-target.js';
export type { LogicalClock } from './control/logical-clock.js';
export { expandNodeName } from './control/node-name.js';
export * from './errors/index.js';
export type { CeleryEvent } from './events/celery-event.js';
export {
  ClusterState,
  type ClusterStateOptions,
  type EventRates,
  type TaskSnapshot,
  type WorkerSnapshot,
} from './events/cluster-state.js';
export { CORE_VERSION } from './events/core-version.js';
export { type EventSubscribeOptions, Events, type EventsHost } from './events/events.js';
export { LamportClock } from './events/lamport-clock.js';
export { mergedTaskState, type TaskEventState, taskStateOfEvent, taskStatePrecedence } from './events/task-event-states.js';
export { topicMatches } from './events/topic-matches.js';
export {
  WorkerEventPublisher,
  type WorkerEventPublisherOptions,
  type WorkerEventSource,
} from './events/worker-event-publisher.js';
export * from './memory/index.js';
export * from './protocol/index.js';
export { AsyncResult, type GetOptions } from './result/async-result.js';
export { GroupResult } from './result/group-result.js';
export { defaultLogger } from './runtime/default-logger.js';
export { RuntimeBackend } from './runtime/runtime-backend.js';
export { RuntimeBroker, type RuntimeContext } from './runtime/runtime-broker.js';
export {
  type AttemptEvent,
  type OperationEvent,
  type RuntimeHookEvents,
  RuntimeHooks,
  type SentEvent,
  type TaskOutcomeEvent,
} from './runtime/runtime-hooks.js';
export type { SigningConfig, SigningKey } from './signing/signing-config.js';
export * from './spec/index.js';
export type { PoolKind } from './task/pool-kind.js';
export type { ErrorClass, RetryPolicy } from './task/retry-policy.js';
export { Task, type TaskFunction } from './task/task.js';
export { currentTask, type TaskContext } from './task/task-context.js';
export { taskLogFields } from './task/task-log-fields.js';
export type { TaskOptions } from './task/task-options.js';
export type { TaskRegistry } from './task/task-registry.js';
export type { TaskResult, WireChecked, WireSafe, WireSafeResult } from './task/wire-safe.js';
export { Tracing } from './tracing/tracing.js';
export type { TracingConfig } from './tracing/tracing-config.js';
export { Backoff } from './transport/backoff.js';
export { checkUrlParams } from './transport/check-url-params.js';
export { handOff } from './transport/hand-off.js';
export { maskCredentials } from './transport/mask-credentials.js';
export { numberParam } from './transport/number-param.js';
export { positiveNumber } from './transport/positive-number.js';
export { readTlsFiles, type TlsFiles } from './transport/read-tls-files.js';
export { scheduleEntryChanges } from './transport/schedule-entry-changes.js';
export { type TlsAdvice, tlsFailure } from './transport/tls-failure.js';
export { Worker } from './worker/worker.js';
export type { TaskEvent, WorkerEvents } from './worker/worker-events.js';
export type { WorkerHealth } from './worker/worker-health.js';
export type { WorkerHost } from './worker/worker-host.js';
export type { WorkerMonitor, WorkerMonitorOptions, WorkerMonitorSource } from './worker/worker-monitor.js';
export type { WorkerOptions } from './worker/worker-options.js';
