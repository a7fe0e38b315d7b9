// One entry point for the tests' helpers: `import { … } from "../helpers"`.
export * from "./accounts";
export * from "./bins";
export * from "./collections";
export * from "./http";
export * from "./instrumented";
export * from "./legacy";
export * from "./messages";
export * from "./polling";
export * from "./storage";
export * from "./streams";
