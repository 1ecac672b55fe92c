export { type CreateServiceOptions, createService, type Service } from './create-service.js';
export { type BaseEnv, baseEnvSchema, EnvError, exitOnEnvProblems, loadEnv, loadEnvOrExit } from './env.js';
export { type ErrorCode, errorCodes } from './error-codes.js';
export { notFoundHandler, problemErrorHandler, sendProblem, toProblemError } from './error-handler.js';
export { createHttpMetrics, type HttpMetrics } from './http-metrics.js';
export { Lifecycle } from './lifecycle.js';
export { createLogger, type Logger, type LoggerConfig, redactedPaths } from './logger.js';
export {
  PROBLEM_CONTENT_TYPE,
  type ProblemDocument,
  problemTypeUri,
  toProblemDocument,
} from './problem-document.js';
export { ProblemError, type ProblemErrorOptions } from './problem-error.js';
export {
  type CheckResult,
  type ReadinessCheck,
  type ReadinessReport,
  runReadinessChecks,
} from './readiness.js';
export { assignRequestId, REQUEST_ID_HEADER } from './request-id.js';
export { type RequestLoggerOptions, requestLogger } from './request-logger.js';
export { type Closer, type RunningService, type StartServiceOptions, startService } from './start-service.js';
