import type { Context } from "hono";
import type { Credentials } from "../auth/credentials";
import { authorizeUpdate, type UpdateAuthority } from "../bins/authority";
import type { HonoEnv } from "../env";
import { AppError } from "../errors/app-error";
import type { ErrorCode } from "../errors/codes";
import { type BinView, loadBinView } from "../storage/bin-reads";
import { charge } from "./charging";

/**
 * Steps 5 and 6 of an update of a bin's record, in any API: the bin, the update key rules of that
 * API, the charge. The authority (with the keys as found) goes on to the writer, which decides again.
 */
export async function openForUpdate(
  c: Context<HonoEnv>,
  id: string,
  asking: Omit<UpdateAuthority, "facts">,
  notFound?: ErrorCode,
): Promise<{ view: BinView; authority: UpdateAuthority }> {
  const view = await openBin(c, id, asking.creds, {
    notFound,
    authorize: (v) => authorizeUpdate({ ...asking, facts: v.keys }, v),
  });
  return { view, authority: { ...asking, facts: view.keys } };
}

/**
 * §1.6 steps 5 and 6 for a bin route: find the bin (404 with `notFound`, binNotFound unless the
 * route has its own wording), authorise, then charge its owner (anonymous bins are never charged).
 */
export async function openBin(
  c: Context<HonoEnv>,
  id: string,
  creds: Credentials,
  options: {
    notFound?: ErrorCode;
    version?: number | null;
    authorize: (view: BinView) => void;
    /** A read never validates: skip transferring the collection's schema text. */
    read?: boolean;
  },
): Promise<BinView> {
  const view = await loadBinView(c.env.DB, id, creds, options.version ?? null, !options.read);
  if (!view) throw new AppError(options.notFound ?? "binNotFound");
  options.authorize(view);
  if (view.owner) await charge(c, view.owner);
  return view;
}
