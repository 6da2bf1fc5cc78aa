/**
 * Mosquitto's dynamic-security plugin, driven over MQTT: commands are published to
 * `$CONTROL/dynamic-security/v1` as `{"commands": [...]}` and the plugin answers every command of a message
 * on `…/v1/response`, in one message, each answer carrying the command's correlationData. The account that
 * sends them needs the plugin's admin ACLs (see the README).
 */
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';

export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;

/** One command, e.g. `{ command: 'createClient', username, password }`. */
export type DynsecCommand = { command: string } & Record<string, unknown>;

/** The plugin's answer to one command: `error` is set when it failed (e.g. "Client already exists"). */
export interface DynsecAnswer {
  command: string;
  error?: string;
  data?: unknown;
}

interface Waiting {
  resolve(answer: DynsecAnswer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class DynsecControl {
  private readonly waiting = new Map<string, Waiting>();
  private readonly prefix = randomUUID().slice(0, 8);
  private seq = 0;

  constructor(
    private readonly client: MqttClient,
    private readonly options: { timeoutMs?: number } = {},
  ) {}

  /** Subscribes to the plugin's answers; call on every (re)connect, the session may be new. */
  subscribe(): Promise<void> {
    const refused = (why: string) => new Error(`The broker refused the subscription to ${RESPONSE_TOPIC} (${why}): the ingest's account needs the dynamic-security admin ACLs`);
    return this.client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 }).then(
      (grants) => {
        if (grants.some((g) => g.qos > 2)) throw refused(`reason ${grants[0]!.qos}`);
      },
      (error: Error) => {
        throw refused(error.message);
      },
    );
  }

  /** Takes an answer message; answers to other processes' commands (they share the topic) are ignored. */
  receive(topic: string, payload: Buffer): void {
    if (topic !== RESPONSE_TOPIC) return;
    let body: { responses?: (DynsecAnswer & { correlationData?: string })[] };
    try {
      body = JSON.parse(payload.toString('utf8')) as typeof body;
    } catch {
      return;
    }
    for (const answer of body.responses ?? []) {
      const entry = answer.correlationData ? this.waiting.get(answer.correlationData) : undefined;
      if (!entry) continue;
      this.waiting.delete(answer.correlationData!);
      clearTimeout(entry.timer);
      entry.resolve({ command: answer.command, error: answer.error, data: answer.data });
    }
  }

  /** Sends commands in one message (the plugin runs them in order) and resolves with one answer each. */
  async run(commands: DynsecCommand[]): Promise<DynsecAnswer[]> {
    if (commands.length === 0) return [];
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    const tagged = commands.map((c) => ({ ...c, correlationData: `${this.prefix}-${++this.seq}` }));
    const answers = tagged.map(
      (c) =>
        new Promise<DynsecAnswer>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.waiting.delete(c.correlationData);
            reject(new Error(`The broker's dynamic-security plugin did not answer ${c.command} within ${timeoutMs} ms`));
          }, timeoutMs);
          this.waiting.set(c.correlationData, { resolve, reject, timer });
        }),
    );
    try {
      await this.client.publishAsync(DYNSEC_TOPIC, JSON.stringify({ commands: tagged }), { qos: 1 });
    } catch (error) {
      for (const c of tagged) this.fail(c.correlationData, error as Error);
    }
    return Promise.all(answers);
  }

  /** Fails every command still waiting (the connection is closing). */
  close(): void {
    for (const id of [...this.waiting.keys()]) this.fail(id, new Error('The MQTT connection closed'));
  }

  private fail(id: string, error: Error): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    this.waiting.delete(id);
    clearTimeout(entry.timer);
    entry.reject(error);
  }
}
