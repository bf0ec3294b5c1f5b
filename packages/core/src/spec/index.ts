export type * from './broker.js';
export type * from './result-backend.js';
export { EXCEPTION_STATES, READY_STATES } from './result-backend.js';
export type * from './schedule-options.js';
export type * from './schedule-store.js';
export type * from './schedule-timing.js';
export type * from './task-message.js';
export type { TransportContext } from './transport-context.js';
export { TRANSPORT_PACKAGES, type TransportModule } from './transport-module.js';
