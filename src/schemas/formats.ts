/**
 * The `format` checks: cfworker's, except `url`.
 *
 * cfworker's `url` regex (dperini's) repeats `(?:[a-z…0-9]+-?)*` before `[a-z…0-9]+`, which V8
 * backtracks exponentially: "http://" and 24 letters and a "!" took 150 ms, each letter more doubles
 * it. The same expression runs here through the linear-time engine. That engine has no `i` flag, so
 * the letters are spelt out as Unicode's simple case folding matches them under `iu`: ASCII letters
 * in both cases, "s" also as U+017F; every other member of the classes folds within the class.
 * The other formats' expressions were measured linear on long hostile inputs.
 */
import { format as cfworkerFormats } from "@cfworker/json-schema";
import { compilePattern } from "./linear-regex";

const LABEL = "[a-zA-Z0-9\\u00a1-\\uffff]";
const TOP_LEVEL = "[a-zA-Z\\u00a1-\\uffff]";
const PRIVATE_OR_LOCAL = [
  "(?!10(?:\\.\\d{1,3}){3})",
  "(?!127(?:\\.\\d{1,3}){3})",
  "(?!169\\.254(?:\\.\\d{1,3}){2})",
  "(?!192\\.168(?:\\.\\d{1,3}){2})",
  "(?!172\\.(?:1[6-9]|2\\d|3[0-1])(?:\\.\\d{1,3}){2})",
].join("");
const IPV4 =
  "(?:[1-9]\\d?|1\\d\\d|2[01]\\d|22[0-3])(?:\\.(?:1?\\d{1,2}|2[0-4]\\d|25[0-5])){2}(?:\\.(?:[1-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-4]))";
const HOST = `(?:(?:${LABEL}+-?)*${LABEL}+)(?:\\.(?:${LABEL}+-?)*${LABEL}+)*(?:\\.(?:${TOP_LEVEL}{2,}))`;

/** cfworker's URL_ without its `i` flag (see above). */
export const URL_PATTERN = [
  "^(?:(?:[hH][tT][tT][pP][sS\\u017f]?|[fF][tT][pP]):\\/\\/)",
  "(?:\\S+(?::\\S*)?@)?",
  `(?:${PRIVATE_OR_LOCAL}${IPV4}|${HOST})`,
  "(?::\\d{2,5})?(?:\\/[^\\s]*)?$",
].join("");

const url = compilePattern(URL_PATTERN);

export const formats: Readonly<Record<string, (text: string) => boolean>> = {
  ...cfworkerFormats,
  url: (text) => url.test(text),
};
