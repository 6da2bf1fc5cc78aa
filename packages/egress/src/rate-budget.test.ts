import { describe, expect, it } from 'vitest';
import { EgressError } from './egress-error.ts';
import { RateBudget } from './rate-budget.ts';

function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function rateLimited(promise: Promise<void>): Promise<EgressError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EgressError);
  expect((error as EgressError).code).toBe('RATE_LIMITED');
  return error as EgressError;
}

describe('rate budget', () => {
  it('lets a burst through at once, then refills at the sustained rate', async () => {
    const clock = manualClock();
    const budget = new RateBudget({ perSecond: 10, burst: 3, maxQueueMs: 0, now: clock.now });
    await budget.take('c1');
    await budget.take('c1');
    await budget.take('c1');
    const error = await rateLimited(budget.take('c1'));
    expect(error.retryAfterMs).toBe(100);
    expect(error.retryable).toBe(true);
    clock.advance(100);
    await budget.take('c1');
    await rateLimited(budget.take('c1'));
  });

  it('keeps one budget per key', async () => {
    const clock = manualClock();
    const budget = new RateBudget({ perSecond: 1, burst: 1, maxQueueMs: 0, now: clock.now });
    await budget.take('a');
    await rateLimited(budget.take('a'));
    await budget.take('b');
  });

  it('never banks more than the burst', async () => {
    const clock = manualClock();
    const budget = new RateBudget({ perSecond: 10, burst: 2, maxQueueMs: 0, now: clock.now });
    await budget.take('c1');
    clock.advance(60_000);
    await budget.take('c1');
    await budget.take('c1');
    await rateLimited(budget.take('c1'));
  });

  it('queues within maxQueueMs in arrival order, and fails at once beyond it', async () => {
    const budget = new RateBudget({ perSecond: 20, burst: 1, maxQueueMs: 120 });
    const order: number[] = [];
    const started = performance.now();
    await budget.take('c1');
    const first = budget.take('c1').then(() => order.push(1));
    const second = budget.take('c1').then(() => order.push(2));
    // A third waiter would need ~150 ms: refused now, not after sleeping.
    const error = await rateLimited(budget.take('c1'));
    expect(performance.now() - started).toBeLessThan(40);
    expect(error.retryAfterMs).toBeGreaterThan(120);
    await Promise.all([first, second]);
    expect(order).toEqual([1, 2]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('gives the reserved token back when a waiter is aborted', async () => {
    const clock = manualClock();
    const budget = new RateBudget({ perSecond: 1, burst: 1, maxQueueMs: 5_000, now: clock.now });
    await budget.take('c1');
    const controller = new AbortController();
    const waiting = budget.take('c1', controller.signal);
    controller.abort(new Error('caller gave up'));
    await expect(waiting).rejects.toThrow('caller gave up');
    clock.advance(1_000);
    // Had the aborted waiter kept its token, this would have to wait another second.
    const next = budget.take('c1', AbortSignal.timeout(50));
    await expect(next).resolves.toBeUndefined();
  });

  it.each([{ perSecond: 0 }, { perSecond: -1 }, { burst: 0 }, { maxQueueMs: -1 }, { perSecond: Number.NaN }])('rejects the setting %j', (options) => {
    expect(() => new RateBudget(options)).toThrow(TypeError);
  });
});
