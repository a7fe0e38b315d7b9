import { DurableObject } from "cloudflare:workers";
import { AppError } from "../errors/app-error";
import { type Settled, settle } from "../errors/rpc";
import { flushDelayMs } from "./tally";

/** What the Worker read about the account with the request: D1's counter and its epoch. */
export interface Observed {
  epoch: number;
  /**
   * `requests_used` as read (every increment that had landed in D1 by then) plus the reading
   * isolate's own requests not yet flushed to D1: a lower bound of what D1 will hold.
   */
  used: number;
}

export interface MeterCharge extends Observed {
  /** null = no quota (the meter is here for the rate limit). */
  quota: number | null;
  rate: { limit: number; now: number } | null;
}

export interface MeterCharged {
  used: number;
  rate?: { limit: number; remaining: number; resetSeconds: number };
}

interface MeterState {
  epoch: number;
  /** D1's counter as last known (read by a request or returned by this meter's own flush), or the observed lower bound. */
  base: number;
  /** Counted here and sent to D1 by the flush under way (not in `base` until it returns). */
  inFlight: number;
  /** Counted here, not yet sent. */
  pending: number;
  /** Epoch minute of the rate window and the requests it has let through. */
  window: number;
  windowCount: number;
}

const STATE = "state";

/**
 * One per account that has a quota or a rate limit (named by the account id): the exact check of
 * §1.6 step 6, in memory, without a D1 write per request. Its count is D1's counter plus what it
 * has counted since; the state is kept in the object's own storage on every change, so an eviction
 * or a restart loses nothing, and an alarm adds what it counted to `requests_used` in D1 one
 * statement per interval.
 *
 * A Durable Object handles one event at a time up to its first await, so a charge (no await)
 * checks and counts atomically: under a quota of 50, exactly 50 of 80 parallel requests pass.
 */
export class AccountMeter extends DurableObject<Env> {
  #state: MeterState;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#state = ctx.storage.kv.get<MeterState>(STATE) ?? {
      epoch: -1,
      base: 0,
      inFlight: 0,
      pending: 0,
      window: 0,
      windowCount: 0,
    };
  }

  /** Rate limit (429), then quota (403), then the request counts: one event, no await in between. */
  async charge(accountId: string, req: MeterCharge): Promise<Settled<MeterCharged>> {
    return settle(async () => {
      const s = this.#observe(req);
      let rate: MeterCharged["rate"];
      if (req.rate) {
        const { limit, now } = req.rate;
        const window = Math.floor(now / 60_000);
        const resetSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
        if (s.window !== window) {
          s.window = window;
          s.windowCount = 0;
        }
        if (s.windowCount >= limit) {
          this.#save();
          throw new AppError("rateLimited", { limit, resetSeconds });
        }
        s.windowCount++;
        rate = { limit, remaining: limit - s.windowCount, resetSeconds };
      }
      if (req.quota !== null && this.#used() >= req.quota) {
        // A request refused by the quota has still used its slot of the rate window (decision 4).
        this.#save();
        throw new AppError("quotaExhausted");
      }
      s.pending++;
      this.#save();
      if (s.pending === 1 && s.inFlight === 0) await this.#flushLater(accountId);
      return { used: this.#used(), ...(rate ? { rate } : {}) };
    });
  }

  /** The account's requests used as this meter knows them (for the uncounted usage routes). */
  async usage(observed: Observed): Promise<number> {
    this.#observe(observed);
    this.#save();
    return this.#used();
  }

  override async alarm(): Promise<void> {
    const accountId = this.ctx.storage.kv.get<string>("account");
    const s = this.#state;
    if (!accountId || s.pending === 0) return;
    const epoch = s.epoch;
    s.inFlight = s.pending;
    s.pending = 0;
    this.#save();
    let row: { requests_used: number } | null;
    try {
      row = await this.env.DB.prepare(
        "UPDATE accounts SET requests_used = requests_used + ?1 WHERE id = ?2 AND requests_epoch = ?3 RETURNING requests_used",
      )
        .bind(s.inFlight, accountId, epoch)
        .first<{ requests_used: number }>();
    } catch (err) {
      // Unknown whether it landed: counting it again can only over-count, never let a request past the quota.
      if (s.epoch === epoch) s.pending += s.inFlight;
      s.inFlight = 0;
      this.#save();
      throw err; // the alarm is retried
    }
    if (s.epoch === epoch) {
      // No row: the account was reset (its epoch moved) or deleted; those counts belong to no one now.
      // D1 may not hold yet the isolate counts an observation included: keep the larger.
      if (row) s.base = Math.max(row.requests_used, s.base + s.inFlight);
      s.inFlight = 0;
    }
    this.#save();
    if (s.pending > 0) await this.#flushLater(accountId);
  }

  /**
   * Takes in what the Worker read from D1. A newer epoch means an admin reset: start over from the
   * counter read after it, dropping what was counted before. Within the epoch D1's counter only
   * grows, so the larger of the two known values is the closer; while this meter's own flush is
   * under way a read cannot tell whether it includes that flush, so it is not used.
   */
  #observe(o: Observed): MeterState {
    const s = this.#state;
    if (o.epoch > s.epoch) {
      Object.assign(s, { epoch: o.epoch, base: o.used, inFlight: 0, pending: 0 });
    } else if (o.epoch === s.epoch && s.inFlight === 0 && o.used > s.base) {
      s.base = o.used;
    }
    return s;
  }

  #used(): number {
    const s = this.#state;
    return s.base + s.inFlight + s.pending;
  }

  #save(): void {
    this.ctx.storage.kv.put(STATE, this.#state);
  }

  async #flushLater(accountId: string): Promise<void> {
    this.ctx.storage.kv.put("account", accountId);
    await this.ctx.storage.setAlarm(Date.now() + flushDelayMs(this.env));
  }
}
