/**
 * Recognises retransmissions after a reconnect. QoS 1 is at-least-once: a message committed just before its
 * PUBACK was lost (a crash between commit and ack, a dropped connection) is sent again on the next connection
 * with the same packet id and the same bytes. The guard holds, per packet id, the digest of the device's
 * latest message stored before this connection began; the first message on the connection with that packet id
 * and that digest is the retransmission: it is acknowledged and not stored again. Once a packet id has been
 * used on this connection it is a new message whatever it contains (a client reuses an id only after the
 * acknowledgement of its previous use arrived), so each id is checked at most once, and the guard retires
 * after `maxChecks` messages.
 */
export class ResendGuard {
  private digests: Map<number, string> | null = null;
  private readonly used = new Set<number>();
  private remaining: number;
  readonly ready: Promise<void>;

  constructor(load: () => Promise<Map<number, string>>, options: { maxChecks?: number; checkReusedIds?: boolean } = {}) {
    this.remaining = options.maxChecks ?? 5000;
    this.checkReused = options.checkReusedIds ?? false;
    this.ready = load().then(
      (map) => {
        this.digests = map.size ? map : null;
      },
      () => {
        // Without the lookup a retransmission may be stored twice: duplicates, never losses.
        this.digests = null;
      },
    );
  }

  private readonly checkReused: boolean;

  /** Whether this message is the retransmission of a stored one (call after `ready`). */
  isRetransmission(packetId: number | null, digest: string | null): boolean {
    if (!this.digests || packetId === null || digest === null) return false;
    if (!this.checkReused) {
      if (this.used.has(packetId)) return false;
      this.used.add(packetId);
    }
    if (--this.remaining <= 0) {
      const hit = this.digests.get(packetId) === digest;
      this.digests = null;
      return hit;
    }
    if (this.digests.get(packetId) === digest) {
      this.digests.delete(packetId);
      if (this.digests.size === 0) this.digests = null;
      return true;
    }
    return false;
  }
}
