// The outbox's public surface: publish an event in the transaction of the change it reports;
// the composition root registers the sinks that deliver them.
export { publishEvent, outboxDelivery, logSink, DELIVER_OUTBOX_EVENT, type OutboxEventInput, type OutboxEvent, type OutboxSink, type DeliverPayload } from './outbox.ts'
export { attemptRows as outboxAttempts, type AttemptRow as OutboxAttempt } from './queries.ts'
