import { env } from "../env";
import { ADMIN_COOKIE, decideAccess, unauthorizedResponse } from "./admin-auth";

function readCookie(header: string | null, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * The proxy's check, for the route handlers the proxy skips because they stream large bodies
 * (Next buffers and truncates bodies of proxied requests at 10 MB). Returns the 401 to send, if any.
 */
export async function adminDenied(req: Request): Promise<Response | null> {
  const url = new URL(req.url);
  const decision = await decideAccess(
    { pathname: url.pathname, search: url.search, method: req.method, cookie: readCookie(req.headers.get("cookie"), ADMIN_COOKIE)},
    env.ATTUNE_ADMIN_SECRET,
  );
  return decision.kind === "allow" ? null : unauthorizedResponse();
}
