// The outbox's public surface: publish an event in the transaction of the change it reports;
// the composition root registers the sinks that deliver them.
export { publishEvent, publishEvents, publishEventsFrom, type EventSource, outboxDelivery, logSink, DELIVER_OUTBOX_EVENT, EVENTS_PER_JOB, type OutboxEventInput, type OutboxEvent, type OutboxSink, type DeliverPayload, type EventRef } from './outbox.ts'
export { attemptRows as outboxAttempts, type AttemptRow as OutboxAttempt } from './queries.ts'
