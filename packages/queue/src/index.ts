import { z } from 'zod';

/** Payload schemas of every background task, by task name: the worker parses each job with these. */
export const taskPayloads = {
  'send-email': z.object({
    to: z.email(),
    subject: z.string().min(1).max(300),
    text: z.string().max(100_000),
    html: z.string().max(300_000).optional(),
  }),
  /** Work out a scheduled flow's next tick and queue it (after publish or enable). */
  'schedule-plan': z.object({ tenantId: z.uuid(), flowId: z.uuid() }),
  /** Fire a scheduled flow at `at` and queue its next tick. */
  'schedule-tick': z.object({ tenantId: z.uuid(), flowId: z.uuid(), at: z.iso.datetime() }),
  /** Delete device telemetry past its retention: every tenant's (hourly, from the crontab), or one tenant's. */
  'device-retention': z.object({ tenantId: z.uuid().optional() }),
  /** Mail a tenant's owners that its monthly run quota is used up (queued by claim_runs, once a month). */
  'quota-exceeded': z.object({ tenantId: z.uuid() }),
  /** Release runs parked over a quota where the tenant has headroom again (hourly, from the crontab). */
  'quota-release': z.object({}).loose(),
  /** Delete finished runs past their plan's retention: every tenant's (hourly, from the crontab), or one tenant's. */
  'run-retention': z.object({ tenantId: z.uuid().optional() }),
  /** Run one pass of a sync flow (its polling trigger), unless one is running already. */
  'sync-flow': z.object({ tenantId: z.uuid(), flowId: z.uuid(), reason: z.enum(['schedule', 'manual']).default('schedule') }),
} as const;

/** A task the worker knows. */
export type TaskName = keyof typeof taskPayloads;
/** The payload a task takes. */
export type TaskPayload<T extends TaskName> = z.input<(typeof taskPayloads)[T]>;

/** Options of one job (graphile-worker's add_job). */
export interface EnqueueOptions {
  /** Replaces a pending job with the same key instead of adding a second one. */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

/**
 * Anything that can run SQL: a Prisma (tenant-gated or system) client, or a pg client/pool. Enqueueing
 * through the caller's transaction makes the job appear if, and only if, the transaction commits.
 */
export type SqlExecutor =
  | { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> }
  | { query(text: string, values?: unknown[]): Promise<unknown> };

// app_enqueue (SECURITY DEFINER, see the migrations) is the app role's only door into the queue.
const ADD_JOB = `SELECT app_enqueue($1::text, $2::json, $3::timestamptz, $4::int, $5::text, $6::int)`;

/** Validates the payload against its task's schema and adds the job in the caller's transaction. */
export async function enqueue<T extends TaskName>(
  db: SqlExecutor,
  task: T,
  payload: TaskPayload<T>,
  options: EnqueueOptions = {},
): Promise<void> {
  const parsed = taskPayloads[task].parse(payload);
  const values = [
    task,
    JSON.stringify(parsed),
    options.runAt?.toISOString() ?? null,
    options.maxAttempts ?? 25,
    options.jobKey ?? null,
    options.priority ?? 0,
  ];
  if ('$executeRawUnsafe' in db) await db.$executeRawUnsafe(ADD_JOB, ...values);
  else await db.query(ADD_JOB, values);
}

/** Parses a job's payload; throws a readable error naming the task when it does not match. */
export function parsePayload<T extends TaskName>(task: T, payload: unknown): z.output<(typeof taskPayloads)[T]> {
  const result = taskPayloads[task].safeParse(payload);
  if (!result.success) throw new Error(`Invalid payload for task ${task}: ${z.prettifyError(result.error)}`);
  return result.data as z.output<(typeof taskPayloads)[T]>;
}
