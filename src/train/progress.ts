// Progress of long work: a redrawn line with rate and ETA on a terminal, plain lines otherwise.
export interface ProgressSink {
  update(done: number, total: number, extra: string): void;
  done(line: string): void;
}

function fmtTime(sec: number): string {
  if (!Number.isFinite(sec)) return '--:--';
  const s = Math.round(sec);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** A bar for `label`; `unit` names what `done` counts (e.g. img). */
export function progressBar(
  label: string,
  o: { stream?: NodeJS.WriteStream; unitsPerItem?: number; unit?: string; plainEverySec?: number } = {},
): ProgressSink {
  const stream = o.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  let start = Date.now();
  let lastDone = 0;
  let lastPlain = 0;
  const every = (o.plainEverySec ?? 10) * 1000;
  return {
    update(done, total, extra) {
      if (done < lastDone) start = Date.now(); // a new pass (epoch): rate and ETA start over
      lastDone = done;
      const el = (Date.now() - start) / 1000;
      const rate = el > 0 ? (done * (o.unitsPerItem ?? 1)) / el : 0;
      const eta = done > 0 ? (el / done) * (total - done) : Infinity;
      const text = `${label} ${done}/${total} ${rate.toFixed(0)} ${o.unit ?? 'it'}/s eta ${fmtTime(eta)} ${extra}`;
      if (tty) {
        const width = 24;
        const filled = Math.round((width * done) / Math.max(total, 1));
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}\x1b[K`);
      } else if (Date.now() - lastPlain >= every || done === total) {
        lastPlain = Date.now();
        stream.write(`${text}\n`);
      }
    },
    done(line) {
      start = Date.now();
      lastDone = 0;
      stream.write(tty ? `\r${line}\x1b[K\n` : `${line}\n`);
    },
  };
}

/** Discards progress (tests, --quiet, --json). */
export const silentProgress: ProgressSink = { update() {}, done() {} };
