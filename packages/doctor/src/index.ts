export type { CheckResult, CheckStatus } from './check.js';
export { type DoctorEnv, doctorEnvSchema } from './doctor-env.js';
export { type DoctorReport, formatReport, summarize } from './report.js';
export { checklist, runDoctor } from './run-doctor.js';
