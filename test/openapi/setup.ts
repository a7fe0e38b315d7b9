import { afterEach } from "vitest";
import { drainValidated } from "./validate";

// Each test reports the responses validated while it ran; test/openapi/reporter.ts adds them up.
afterEach(({ task }) => {
  task.meta.openapi = drainValidated();
});

declare module "vitest" {
  interface TaskMeta {
    openapi?: string[];
  }
}
