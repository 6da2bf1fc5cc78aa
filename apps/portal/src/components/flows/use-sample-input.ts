'use client';
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPCClient } from '@/lib/trpc';
import { earlierSteps, type FlowDefinition, type Step } from './definition';
import type { ConnectorManifest } from './use-catalog';

/** The data an expression of a step sees: `trigger`, and `steps.<key>` for the steps that ran before it. */
export interface SampleInput {
  trigger: unknown;
  steps: Record<string, unknown>;
}

/**
 * Builds the input a step's expressions read, from samples: the trigger payload chosen in the builder (the
 * connector's sample or a real event), each earlier action's sample output from its manifest, and each
 * earlier map step's preview on the same samples (computed in order, since a map may read the one before).
 */
export function useSampleInput(params: { definition: FlowDefinition; stepKey: string | null; trigger: unknown; manifests: Map<string, ConnectorManifest> }): {
  input: SampleInput;
  loading: boolean;
} {
  const client = useTRPCClient();
  const before = useMemo(() => (params.stepKey === null ? [] : earlierSteps(params.definition.steps, params.stepKey)), [params.definition, params.stepKey]);
  const actionSample = (step: Extract<Step, { kind: 'action' }>) => params.manifests.get(step.connector)?.actions.find((a) => a.key === step.action)?.sample ?? null;
  // What the chain depends on: the earlier steps (with their action samples) and the trigger payload.
  const chain = before.map((s) => (s.kind === 'action' ? { ...s, sample: actionSample(s) } : s));
  const result = useQuery({
    queryKey: ['sample-input', params.trigger, chain],
    queryFn: async (): Promise<SampleInput> => {
      const input: SampleInput = { trigger: params.trigger, steps: {} };
      for (const step of chain) {
        switch (step.kind) {
          case 'action':
            input.steps[step.key] = (step as { sample: unknown }).sample;
            break;
          case 'map': {
            const preview = await client.mappings.preview.mutate({ expression: step.expression, sample: input }).catch(() => null);
            input.steps[step.key] = preview?.ok ? (preview.output ?? null) : null;
            break;
          }
          case 'filter':
            input.steps[step.key] = { passed: true };
            break;
          case 'branch':
            input.steps[step.key] = { branch: step.branches[0]?.name ?? 0 };
            break;
        }
      }
      return input;
    },
    staleTime: Infinity,
    placeholderData: (previous) => previous,
  });
  return { input: result.data ?? { trigger: params.trigger, steps: {} }, loading: result.isPending };
}
