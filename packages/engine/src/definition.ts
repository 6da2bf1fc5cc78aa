import { z } from 'zod';

const STEP_KEY = /^[a-z][a-zA-Z0-9_]{0,39}$/;
const stepKey = z.string().regex(STEP_KEY, 'Step keys are camelCase letters, digits and underscores (start with a letter, at most 40)');
const expression = z.string().min(1, 'Write an expression').max(20_000, 'Expressions can be at most 20,000 characters');

/** A prop value in a step: a literal JSON value, or `{ expr }` — a JSONata expression over the run's data. */
export const propValueSchema = z.union([z.strictObject({ expr: expression }), z.json()]);
/** A prop value: literal or expression. */
export type PropValue = z.infer<typeof propValueSchema>;

const base = { key: stepKey, name: z.string().max(120).optional() };

/** A step of a flow. Branch steps nest steps. */
export type Step =
  | { kind: 'action'; key: string; name?: string; connector: string; action: string; connectionId?: string | null; props: Record<string, PropValue> }
  | { kind: 'map'; key: string; name?: string; expression: string }
  | { kind: 'filter'; key: string; name?: string; expression: string }
  | { kind: 'branch'; key: string; name?: string; branches: { name?: string; when: string; steps: Step[] }[]; otherwise: Step[] };

export const stepSchema: z.ZodType<Step> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('action'),
      ...base,
      connector: z.string().min(1).max(40),
      action: z.string().min(1).max(60),
      connectionId: z.uuid().nullable().optional(),
      props: z.record(z.string().max(100), propValueSchema),
    }),
    z.strictObject({ kind: z.literal('map'), ...base, expression }),
    z.strictObject({ kind: z.literal('filter'), ...base, expression }),
    z.strictObject({
      kind: z.literal('branch'),
      ...base,
      branches: z.array(z.strictObject({ name: z.string().max(120).optional(), when: expression, steps: z.array(stepSchema).max(100) })).min(1).max(20),
      otherwise: z.array(stepSchema).max(100).default([]),
    }),
  ]),
) as z.ZodType<Step>;

/** What starts a flow. */
export const triggerSchema = z.strictObject({
  connector: z.string().min(1).max(40),
  trigger: z.string().min(1).max(60),
  connectionId: z.uuid().nullable().optional(),
  props: z.record(z.string().max(100), z.json()).default({}),
  /** When a polling trigger polls: every N minutes, or at the times of a cron expression in a time zone. */
  schedule: z
    .strictObject({
      everyMinutes: z.int().min(1).max(1440).optional(),
      cron: z.string().max(100).optional(),
      timezone: z.string().max(60).optional(),
    })
    .optional(),
});
/** A flow's trigger. */
export type TriggerSpec = z.infer<typeof triggerSchema>;

/** A flow definition: trigger, steps, and an optional business key for searching runs (e.g. an order id). */
export const flowDefinitionSchema = z
  .strictObject({
    trigger: triggerSchema,
    steps: z.array(stepSchema).max(100),
    businessKey: expression.optional(),
    /**
     * How the flow's runs are ordered: `parallel` (default) starts them as workers are free; `flow` starts
     * one at a time in arrival order; `key` keeps arrival order per business key (per record for syncs) and
     * runs different keys in parallel.
     */
    ordering: z.enum(['parallel', 'flow', 'key']).optional(),
  })
  .superRefine((definition, ctx) => {
    const seen = new Set<string>();
    let count = 0;
    const walk = (steps: Step[], path: (string | number)[]) => {
      steps.forEach((step, index) => {
        count++;
        if (seen.has(step.key)) ctx.addIssue({ code: 'custom', message: `Step key "${step.key}" is used twice`, path: [...path, index, 'key'] });
        seen.add(step.key);
        if (step.kind === 'branch') {
          step.branches.forEach((b, bi) => walk(b.steps, [...path, index, 'branches', bi, 'steps']));
          walk(step.otherwise, [...path, index, 'otherwise']);
        }
      });
    };
    walk(definition.steps, ['steps']);
    if (count > 200) ctx.addIssue({ code: 'custom', message: 'A flow can have at most 200 steps', path: ['steps'] });
  });
/** A validated flow definition. */
export type FlowDefinition = z.infer<typeof flowDefinitionSchema>;

/** Every step of a definition in execution order, nested ones included, with the path to reach it. */
export function allSteps(steps: Step[]): Step[] {
  return steps.flatMap((s) => (s.kind === 'branch' ? [s, ...s.branches.flatMap((b) => allSteps(b.steps)), ...allSteps(s.otherwise)] : [s]));
}

/** Every JSONata expression of a definition with where it sits, for validation on save and publish. */
export function expressionsOf(definition: FlowDefinition): { path: string; expression: string }[] {
  const out: { path: string; expression: string }[] = [];
  if (definition.businessKey) out.push({ path: 'businessKey', expression: definition.businessKey });
  for (const step of allSteps(definition.steps)) {
    if (step.kind === 'map' || step.kind === 'filter') out.push({ path: `${step.key}.expression`, expression: step.expression });
    if (step.kind === 'branch') step.branches.forEach((b, i) => out.push({ path: `${step.key}.branches[${i}].when`, expression: b.when }));
    if (step.kind === 'action') {
      for (const [prop, value] of Object.entries(step.props)) {
        if (value && typeof value === 'object' && !Array.isArray(value) && 'expr' in value && typeof value.expr === 'string') {
          out.push({ path: `${step.key}.props.${prop}`, expression: value.expr });
        }
      }
    }
  }
  return out;
}
