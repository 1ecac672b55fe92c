export { type EnqueueOptions, enqueueOutbox, type OutboxTransaction } from './enqueue-outbox.js';
export { InvalidJobError } from './invalid-job-error.js';
export { type JobName, type JobPayload, type JobSchemas, jobNamesOf, jobSchemas } from './job-schemas.js';
export { isKnownJob, MAX_PAYLOAD_BYTES, parseJob } from './parse-job.js';
export { isQueueName, type QueueName, queueNames } from './queue-names.js';
export { VERIFICATION_CODE_DIGITS, verificationCode } from './verification-code.js';
