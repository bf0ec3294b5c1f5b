/**
 * Message header naming the schedule a task was sent by. Workers read a task with it as possibly
 * sent twice (a scheduler that died between send and record), so they skip it when its id already
 * has a final state, as they do for redeliveries.
 */
export const SCHEDULE_HEADER = 'tq_schedule';
