import { type CheckResult, type CheckStatus, worst } from '../check.js';
import type { DoctorContext } from '../doctor-context.js';

export interface ReadyAnswer {
  app: string;
  url: string;
  status: number | string;
}

/** Every replica answers /ready with 200 (fail otherwise); an app with a single replica warns (no redundancy). */
export function evaluateReadiness(answers: readonly ReadyAnswer[]): CheckResult {
  const statuses: CheckStatus[] = [];
  const details: string[] = [];
  const perApp = new Map<string, number>();
  for (const answer of answers) {
    perApp.set(answer.app, (perApp.get(answer.app) ?? 0) + 1);
    if (answer.status !== 200) {
      statuses.push('fail');
      details.push(`${answer.app} ${answer.url}: /ready answered ${answer.status}`);
    }
  }
  if (answers.length === 0) {
    statuses.push('fail');
    details.push(
      'no replica listed (GATEWAY_URLS, USER_SERVICE_URLS, RESTAURANT_SERVICE_URLS, WORKER_URLS are empty)',
    );
  }
  for (const [app, count] of perApp)
    if (count < 2) {
      statuses.push('warn');
      details.push(`${app}: 1 replica, nothing to fail over to`);
    }
  const ready = answers.filter((answer) => answer.status === 200).length;
  details.unshift(
    `${ready} of ${answers.length} replicas ready (${[...perApp].map(([app, count]) => `${app} x${count}`).join(', ')})`,
  );
  return { id: 'replicas-ready', title: 'every replica ready', status: worst(statuses), details };
}

export async function checkReplicasReady(context: DoctorContext): Promise<CheckResult> {
  const answers = await Promise.all(
    context.replicas.map(async ({ app, url }) => {
      try {
        const response = await fetch(`${url}/ready`, {
          signal: AbortSignal.timeout(context.env.DOCTOR_HTTP_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        return { app, url, status: response.status };
      } catch (error) {
        return { app, url, status: (error as Error).message };
      }
    }),
  );
  return evaluateReadiness(answers);
}
