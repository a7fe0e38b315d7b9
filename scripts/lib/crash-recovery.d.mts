// Types of crash-recovery.mjs for the TypeScript end-to-end tests.
import type { LocalWorker } from "./local-worker.mjs";

export interface RoundFigures {
  round: number;
  runMs: number;
  acknowledged: number;
  inFlightAtKill: number;
  committedUnacknowledged: number;
  lost: number;
  gaps: number;
  phantoms: number;
  duplicates: number;
  errors: number;
  firstErrors: string[];
  problems: string[];
  recoverMs: number;
  verifiedRecords: number;
  verifyMs: number;
}

export function crashRounds(
  worker: LocalWorker,
  options: {
    rounds: number;
    writers: number;
    bins: number;
    minRunMs: number;
    maxRunMs: number;
    pad?: number;
    log?: (line: string) => void;
  },
): Promise<RoundFigures[]>;
