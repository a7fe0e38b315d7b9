// Types of local-worker.mjs for the TypeScript end-to-end tests.
export const root: string;
export const wranglerVersion: string;
export function freePort(): Promise<number>;
export function endGroup(child: import("node:child_process").ChildProcess): Promise<void>;
export class LocalWorker {
  constructor(options?: {
    vars?: Record<string, string>;
    sourceDir?: string;
    config?: string | null;
    extra?: string[];
    label?: string | null;
  });
  dir: string;
  persistDir: string;
  /** wrangler dev's inspector (DevTools protocol) of the running instance. */
  inspectorPort?: number;
  adminKey: string;
  base: string | null;
  source: string | null;
  start(): Promise<string>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  cleanup(): Promise<void>;
  d1Execute(file: string): Promise<void>;
  logTail(): string;
  workerdPid(): number | null;
  rssKb(): number;
  workerdProcesses(): { pid: number; rssKb: number }[];
}
