// Progress of a long copy: one line rewritten in place on a terminal, plain log lines otherwise
// (at most one every `everyMs`, so a log file stays readable).

const RATE_WINDOW_MS = 10_000;

const duration = (seconds) => {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.ceil((seconds % 3600) / 60)} min`;
};

export class Progress {
  constructor({ stream = process.stdout, everyMs = 1000, unit = "versions" } = {}) {
    this.stream = stream;
    this.tty = Boolean(stream.isTTY);
    this.everyMs = everyMs;
    this.unit = unit;
    this.items = { done: 0, total: 0 };
    this.versions = { done: 0, total: 0 };
    this.samples = [];
    this.lastPrint = 0;
    this.timer = null;
  }

  start({ items, versions }) {
    this.items = { done: 0, total: items };
    this.versions = { done: 0, total: versions };
    this.samples = [{ at: Date.now(), done: 0 }];
    this.timer = setInterval(() => this.print(), this.tty ? 250 : this.everyMs);
    this.timer.unref();
  }

  item(n = 1) {
    this.items.done += n;
  }

  version(n = 1) {
    this.versions.done += n;
    const now = Date.now();
    this.samples.push({ at: now, done: this.versions.done });
    while (this.samples.length > 2 && now - this.samples[0].at > RATE_WINDOW_MS) this.samples.shift();
  }

  /** Versions per second over the last few seconds. */
  rate() {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? (last.done - first.done) / seconds : 0;
  }

  line() {
    const { items, versions } = this;
    const pct = versions.total ? ((100 * versions.done) / versions.total).toFixed(1) : "100.0";
    const rate = this.rate();
    const eta = rate > 0 ? duration((versions.total - versions.done) / rate) : "?";
    return `items ${items.done}/${items.total}, ${this.unit} ${versions.done}/${versions.total} (${pct}%), ${rate.toFixed(1)} ${this.unit}/s, ETA ${eta}`;
  }

  print() {
    if (this.tty) this.stream.write(`\r\x1b[2K${this.line()}`);
    else this.stream.write(`progress: ${this.line()}\n`);
    this.lastPrint = Date.now();
  }

  /** A message between progress lines (on a terminal the progress line is redrawn after it). */
  log(message) {
    if (this.tty) this.stream.write(`\r\x1b[2K${message}\n`);
    else this.stream.write(`${message}\n`);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.tty) this.stream.write(`\r\x1b[2K${this.line()}\n`);
    else this.print();
  }
}
