/** CHROMIUM_PATH if set, else the first Debian/Ubuntu location that exists; null when none does. */
export function chromiumPath(): string | null;
export const CHROMIUM_FLAGS: string[];
