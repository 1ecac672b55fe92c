import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { PROBLEM_CONTENT_TYPE, toProblemDocument } from './problem-document.js';
import { ProblemError } from './problem-error.js';

/** The shape of errors raised by Express's body parsers (`http-errors` with a `type`). */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
}

const bodyParserCodes: Record<string, string> = {
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'entity.parse.failed': 'MALFORMED_JSON',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.aborted': 'BAD_REQUEST',
  'request.size.invalid': 'BAD_REQUEST',
};

/** Turns whatever was thrown into a ProblemError; the second value says whether it was unexpected. */
export function toProblemError(error: unknown): { problem: ProblemError; unexpected: boolean } {
  if (error instanceof ProblemError) return { problem: error, unexpected: false };
  if (error instanceof ZodError) {
    return {
      problem: new ProblemError('VALIDATION_FAILED', {
        detail: 'One or more fields are invalid.',
        extensions: {
          errors: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
        },
      }),
      unexpected: false,
    };
  }
  // Express's router could not percent-decode a path parameter (`/items/%E0%A4%A`): the client's URL.
  if (error instanceof URIError) {
    return {
      problem: new ProblemError('BAD_REQUEST', { detail: 'The URL contains an invalid percent-encoding.' }),
      unexpected: false,
    };
  }
  const httpError = (error ?? {}) as HttpLikeError;
  const code = httpError.type ? bodyParserCodes[httpError.type] : undefined;
  if (code) return { problem: new ProblemError(code), unexpected: false };
  const status = httpError.status ?? httpError.statusCode;
  // Only errors that declare themselves safe to show (http-errors' `expose`) keep their 4xx status.
  if (httpError.expose === true && status !== undefined && status >= 400 && status < 500) {
    return { problem: new ProblemError('BAD_REQUEST', { status }), unexpected: false };
  }
  return { problem: new ProblemError('INTERNAL'), unexpected: true };
}

/** The one place where errors become responses. */
export function problemErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    const log = (req as { log?: Logger }).log ?? logger;
    if (res.headersSent) {
      // Nothing sensible can be sent any more: log it and let Express close the connection.
      log.error({ err: error }, 'error after response started');
      next(error);
      return;
    }
    const { problem, unexpected } = toProblemError(error);
    if (unexpected) log.error({ err: error }, 'unhandled error');
    else if (problem.status >= 500)
      log.warn({ code: problem.code, detail: problem.detail }, 'request failed');
    sendProblem(res, problem, { requestId: String(req.id ?? ''), instance: req.originalUrl });
  };
}

export function sendProblem(
  res: Parameters<RequestHandler>[1],
  problem: ProblemError,
  context: { requestId?: string; instance?: string },
): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(toProblemDocument(problem, context)));
}

/** 404 for every route nobody claimed. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ProblemError('NOT_FOUND', { detail: `No route for ${req.method} ${req.path}` }));
};
