import type { ProblemError } from './problem-error.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The RFC 9457 body we send: the standard members plus our stable `code` and the `requestId`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId?: string;
  [extension: string]: unknown;
}

/** Problem types are documented per code; the URI is stable and need not resolve. */
export function problemTypeUri(code: string): string {
  return `https://tablestack.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`;
}

export function toProblemDocument(
  error: ProblemError,
  context: { requestId?: string; instance?: string },
): ProblemDocument {
  return {
    ...error.extensions,
    type: problemTypeUri(error.code),
    title: error.title,
    status: error.status,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(context.instance === undefined ? {} : { instance: context.instance }),
    code: error.code,
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
  };
}
