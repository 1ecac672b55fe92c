// Thousands of generated malformed and hostile requests (hostile-requests.ts), sent straight to the
// services and through nginx and the gateway: zero 5xx, zero crashes (every app process that was
// running before still runs, and answers /health), no stack trace in any answer. 4xx answers that are
// not problem+json are counted too (nginx's own 4xx pages, for example).

import { check, type Drill } from './drill.js';
import { bearer } from './drill-users.js';
import { generateHostileRequests, type HostileRequest } from './hostile-requests.js';
import { StackControl } from './stack-control.js';
import { type Outcome, send } from './traffic.js';

type Route = 'nginx' | 'direct';

function specFor(context: Parameters<Drill>[0], request: HostileRequest, route: Route, i: number) {
  const { stack, users } = context;
  const base =
    route === 'nginx'
      ? `${stack.publicUrl}/api/v1`
      : request.path.startsWith('/auth')
        ? stack.userUrls[i % stack.userUrls.length]!
        : stack.restaurantUrls[i % stack.restaurantUrls.length]!;
  const headers: Record<string, string> = {};
  if (request.contentType) headers['content-type'] = request.contentType;
  // Directly at a service a token means nothing (identity comes from the gateway), so only via nginx.
  if (request.auth && route === 'nginx') Object.assign(headers, bearer(users[i % users.length]!));
  return {
    label: `${route} ${request.category}`,
    url: `${base}${request.path}`,
    init: { method: request.method, headers, ...(request.body !== undefined ? { body: request.body } : {}) },
    keepBody: true,
  };
}

export const hostileInputs: Drill = async (context) => {
  const { control, options, restaurantIds } = context;
  const apps = ['gateway', 'user-service', 'restaurant-service'];
  const replicas = context.stack.restaurantUrls.length;
  const pidsBefore = apps.flatMap((app) =>
    Array.from({ length: replicas }, (_, i) => [`${app}-${i}`, control.appPid(app, i)] as const),
  );
  const requests = generateHostileRequests({ count: options.hostileCount, seed: 20261203, restaurantIds });
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < requests.length) {
        const i = next++;
        // Two in five through nginx and the gateway (whose limits refuse many: 429 is an answer too).
        const route: Route = i % 5 < 2 ? 'nginx' : 'direct';
        const outcome = await send(specFor(context, requests[i]!, route, i));
        outcomes.push({ ...outcome, body: outcome.body?.slice(0, 2000) });
      }
    }),
  );
  const fiveXx = outcomes.filter((outcome) => outcome.status >= 500);
  const noAnswer = outcomes.filter((outcome) => outcome.status === 0);
  const stackTraces = outcomes.filter((outcome) =>
    /\n\s+at .+\(.+:\d+:\d+\)|node_modules\//.test(outcome.body ?? ''),
  );
  const fourXx = outcomes.filter((outcome) => outcome.status >= 400 && outcome.status < 500);
  const notProblem = fourXx.filter(
    (outcome) => !(outcome.headers?.get('content-type') ?? '').includes('application/problem+json'),
  );
  const dead = pidsBefore.filter(([, pid]) => !StackControl.alive(pid)).map(([name]) => name);
  const healthy = await Promise.all(
    [...context.stack.userUrls, ...context.stack.restaurantUrls, ...context.stack.gatewayUrls].map(
      async (url) => (await send({ label: 'health', url: `${url}/health` })).status === 200,
    ),
  );
  const byCategory: Record<string, number> = {};
  for (const outcome of fiveXx) byCategory[outcome.label] = (byCategory[outcome.label] ?? 0) + 1;
  const status = (predicate: (s: number) => boolean) =>
    outcomes.filter((outcome) => predicate(outcome.status)).length;
  return {
    counts: {
      requests: outcomes.length,
      viaNginx: outcomes.filter((outcome) => outcome.label.startsWith('nginx')).length,
      status2xx: status((s) => s >= 200 && s < 300),
      status4xx: fourXx.length,
      status429: status((s) => s === 429),
      status413: status((s) => s === 413),
      status5xx: fiveXx.length,
      noAnswer: noAnswer.length,
      fourXxNotProblemJson: notProblem.length,
      stackTraces: stackTraces.length,
      processesDied: dead.length,
    },
    checks: [
      check(
        'zero 5xx',
        fiveXx.length === 0,
        fiveXx.length === 0
          ? 'none'
          : `${fiveXx.length}: ${Object.entries(byCategory)
              .map(([k, v]) => `${k} ${v}`)
              .join(
                ', ',
              )}; first: ${fiveXx[0]?.url.slice(0, 120)} → ${fiveXx[0]?.status} ${fiveXx[0]?.body?.slice(0, 160)}`,
      ),
      check(
        'every request answered',
        noAnswer.length === 0,
        `${noAnswer.length} unanswered${noAnswer[0] ? ` (first: ${noAnswer[0].label} ${noAnswer[0].url.slice(0, 100)})` : ''}`,
      ),
      check(
        'zero crashes',
        dead.length === 0 && healthy.every(Boolean),
        `died: ${dead.join(', ') || 'none'}; /health 200 on ${healthy.filter(Boolean).length}/${healthy.length}`,
      ),
      check('no stack trace in an answer', stackTraces.length === 0, `${stackTraces.length}`),
    ],
    restored: 'nothing to restore',
    notes: [
      ...(fiveXx.length > 0
        ? [
            `5xx examples: ${[
              ...new Set(
                fiveXx.map(
                  (o) => `${o.label} ${o.url.replace(/^http:\/\/[^/]+/, '').slice(0, 90)} → ${o.status}`,
                ),
              ),
            ]
              .slice(0, 8)
              .join('; ')}`,
          ]
        : []),
      ...(notProblem.length > 0
        ? [
            `${notProblem.length} of ${fourXx.length} 4xx were not problem+json, e.g. ${notProblem
              .slice(0, 3)
              .map((o) => `${o.label} → ${o.status} ${o.headers?.get('content-type') ?? 'no content-type'}`)
              .join('; ')}`,
          ]
        : []),
    ],
  };
};
