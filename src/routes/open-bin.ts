import type { Context } from "hono";
import type { Credentials } from "../auth/credentials";
import type { HonoEnv } from "../env";
import { type ErrorPayload, fromPayload } from "../errors";
import { type BinView, loadBinView } from "../storage/bins";
import { charge } from "../usage/charge";

/**
 * §1.6 steps 5 and 6 for a bin route: find the bin (the caller's not-found wording), authorise,
 * then charge its owner (anonymous bins are never charged).
 */
export async function openBin(
  c: Context<HonoEnv>,
  id: string,
  creds: Credentials,
  options: {
    notFound: ErrorPayload;
    version?: number | null;
    authorize: (view: BinView) => void;
    /** A read never validates: skip transferring the collection's schema text. */
    read?: boolean;
  },
): Promise<BinView> {
  const view = await loadBinView(c.env.DB, id, creds, options.version ?? null, !options.read);
  if (!view) throw fromPayload(options.notFound);
  options.authorize(view);
  if (view.owner) await charge(c, view.owner);
  return view;
}
