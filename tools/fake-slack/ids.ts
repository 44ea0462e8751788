/** Identifier and timestamp generators shaped like Slack's (deterministic, so failures reproduce). */

export class IdSource {
  private counters = new Map<string, number>();
  private lastTsSeconds = 0;
  private lastTsMicros = 0;

  /** `prefix` + a base-36 counter, upper case, padded: V0000001A, like Slack's view/channel ids. */
  next(prefix: string, width = 9): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n.toString(36).toUpperCase().padStart(width, '0')}`;
  }

  /** A message ts (`1700000000.000100`): unique and strictly increasing even when many arrive in one second. */
  ts(nowMs: number): string {
    const seconds = Math.floor(nowMs / 1000);
    let micros = (nowMs % 1000) * 1000;
    if (seconds < this.lastTsSeconds || (seconds === this.lastTsSeconds && micros <= this.lastTsMicros)) {
      return this.bump();
    }
    this.lastTsSeconds = seconds;
    this.lastTsMicros = micros;
    micros = Math.floor(micros);
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  private bump(): string {
    this.lastTsMicros += 1;
    if (this.lastTsMicros > 999_999) {
      this.lastTsSeconds += 1;
      this.lastTsMicros = 0;
    }
    return `${this.lastTsSeconds}.${String(this.lastTsMicros).padStart(6, '0')}`;
  }

  /** A trigger_id like `13345224609.738474920.8088930838d88f008e0`. */
  trigger(nowMs: number): string {
    const n = (this.counters.get('trigger') ?? 0) + 1;
    this.counters.set('trigger', n);
    return `${Math.floor(nowMs / 1000)}.${String(n).padStart(9, '0')}.${hex(n * 2654435761, 20)}`;
  }

  /** A view hash like `1700000000.abcdef12`. */
  hash(nowMs: number): string {
    const n = (this.counters.get('hash') ?? 0) + 1;
    this.counters.set('hash', n);
    return `${Math.floor(nowMs / 1000)}.${hex(n * 40503, 8)}`;
  }

  /** A short unique opaque token (response_url ids, event ids, block ids). */
  token(prefix: string, width = 12): string {
    const n = (this.counters.get(`token:${prefix}`) ?? 0) + 1;
    this.counters.set(`token:${prefix}`, n);
    // The counter keeps tokens unique; the hex tail makes them look (and be treated) as opaque.
    return `${prefix}${n.toString(36)}${hex(n * 2246822519, width)}`;
  }
}

function hex(seed: number, width: number): string {
  let x = BigInt(Math.floor(seed)) & 0xffffffffn;
  let out = '';
  while (out.length < width) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    out += (x >> 33n).toString(16).padStart(8, '0');
  }
  return out.slice(0, width);
}
