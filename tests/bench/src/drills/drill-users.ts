// Accounts the drills act as. Registered straight at the user-service (the gateway's public-write
// limit is 10 a minute per IP, and every local client is 127.0.0.1); their tokens are then used
// through nginx and the gateway like any client's. Reads with a token count against the user's
// authenticated-read limit (500/min), so light load spread over a few users is never refused.

import { randomUUID } from 'node:crypto';
import type { StackEnv } from '../lib/stack-env.js';

export interface DrillUser {
  email: string;
  userId: string;
  accessToken: string;
}

const password = 'Drill password 42';

interface TokenAnswer {
  accessToken: string;
  user: { id: string };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

export async function registerUser(stack: StackEnv, tag: string): Promise<DrillUser> {
  const email = `drill-${tag}-${randomUUID()}@example.test`;
  const userUrl = stack.userUrls[0]!;
  const answer = await postJson(`${userUrl}/auth/register`, { email, password, name: `Drill ${tag}` });
  if (answer.status !== 201) throw new Error(`registering a drill user answered ${answer.status}`);
  const tokens = answer.json as TokenAnswer;
  return { email, userId: tokens.user.id, accessToken: tokens.accessToken };
}

/** A fresh access token (they live ACCESS_TOKEN_EXPIRE_MINUTES; a drills run can outlast one). */
export async function refreshToken(stack: StackEnv, user: DrillUser): Promise<DrillUser> {
  // Any replica, a few tries: the one before may just have been restarted by a drill.
  let answer: { status: number; json: unknown } = { status: 0, json: null };
  for (let attempt = 0; attempt < 10 && answer.status !== 200; attempt++) {
    const url = stack.userUrls[attempt % stack.userUrls.length]!;
    answer = await postJson(`${url}/auth/login`, { email: user.email, password }).catch(() => ({
      status: 0,
      json: null,
    }));
    if (answer.status !== 200) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (answer.status !== 200) throw new Error(`logging a drill user in answered ${answer.status}`);
  return { ...user, accessToken: (answer.json as TokenAnswer).accessToken };
}

export async function registerUsers(stack: StackEnv, tag: string, count: number): Promise<DrillUser[]> {
  const users: DrillUser[] = [];
  // One at a time: argon2id hashing is the expensive part and the machine has two cores.
  for (let i = 0; i < count; i++) users.push(await registerUser(stack, tag));
  return users;
}

export const bearer = (user: DrillUser) => ({ authorization: `Bearer ${user.accessToken}` });
