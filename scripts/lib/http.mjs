// HTTP for the import and export scripts: JSON in and out, retries with backoff on 429 (honouring
// Retry-After), 5xx and network errors, and a clean stop when the account's requests are exhausted.

/** The source (or target) said `Requests exhausted`: nothing more can be done until its quota is reset. */
export class QuotaExhausted extends Error {}

/** A non-2xx answer that retrying will not change. */
export class HttpError extends Error {
  constructor(method, url, status, message) {
    super(`${method} ${url}: ${status} ${message}`);
    this.status = status;
    this.serverMessage = message;
  }
}

const MAX_ATTEMPTS = 8;
const MAX_WAIT_MS = 60_000;

/** Seconds (`Retry-After: 3`) or an HTTP date; null when absent or unreadable. */
function retryAfterMs(res) {
  const value = res.headers.get("Retry-After");
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

const backoffMs = (attempt) => Math.min(MAX_WAIT_MS, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function messageOf(res) {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text);
    if (typeof body?.message === "string") return body.message;
  } catch {}
  return text.slice(0, 200);
}

/**
 * One API, with a base URL and headers sent on every request. `stats` counts requests sent
 * (retries included) and the waits that 429s caused, so a run can say what it spent.
 */
export class Api {
  constructor(base, headers = {}, { log = () => {}, name = "server" } = {}) {
    this.base = base.replace(/\/+$/, "");
    this.headers = headers;
    this.log = log;
    this.name = name;
    this.stats = { requests: 0, throttled: 0, retried: 0, remaining: null };
  }

  /** The response of `method path`, after retries; throws QuotaExhausted or HttpError otherwise. */
  async request(method, path, { body, headers = {}, accept = [200] } = {}) {
    const url = `${this.base}${path}`;
    for (let attempt = 1; ; attempt++) {
      let res;
      try {
        this.stats.requests++;
        res = await fetch(url, {
          method,
          headers: {
            ...this.headers,
            ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
            ...headers,
          },
          body,
          signal: AbortSignal.timeout(120_000),
        });
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`${method} ${url}: ${err.message}`);
        this.stats.retried++;
        await sleep(backoffMs(attempt));
        continue;
      }
      const remaining = res.headers.get("X-Requests-Remaining");
      if (remaining !== null) this.stats.remaining = Number(remaining);
      if (accept.includes(res.status)) return res;
      if (res.status === 429 || res.status >= 500) {
        const wait = res.status === 429 ? (retryAfterMs(res) ?? backoffMs(attempt)) : backoffMs(attempt);
        const message = await messageOf(res);
        if (attempt >= MAX_ATTEMPTS) throw new HttpError(method, url, res.status, message);
        if (res.status === 429) this.stats.throttled++;
        this.stats.retried++;
        this.log(`${this.name} answered ${res.status} (${message}); retrying in ${(wait / 1000).toFixed(1)} s`);
        await sleep(Math.min(wait, MAX_WAIT_MS));
        continue;
      }
      const message = await messageOf(res);
      if (res.status === 403 && /requests exhausted/i.test(message)) throw new QuotaExhausted(message);
      throw new HttpError(method, url, res.status, message);
    }
  }

  async json(method, path, options) {
    return (await this.request(method, path, options)).json();
  }
}
