import { NextResponse, type NextRequest } from "next/server";
import { env } from "./env";
import { ADMIN_COOKIE, decideAccess, unauthorizedResponse } from "./server/admin-auth";

/**
 * Admin gate: with ATTUNE_ADMIN_SECRET set (required off loopback), every studio page and internal
 * API needs the session cookie that /login sets. Pages redirect to /login, APIs answer 401.
 */
export async function proxy(request: NextRequest): Promise<Response> {
  const decision = await decideAccess(
    {
      pathname: request.nextUrl.pathname,
      search: request.nextUrl.search,
      method: request.method,
      cookie: request.cookies.get(ADMIN_COOKIE)?.value,
    },
    env.ATTUNE_ADMIN_SECRET,
  );
  if (decision.kind === "allow") return NextResponse.next();
  if (decision.kind === "redirect") return NextResponse.redirect(new URL(decision.location, request.url), 303);
  return unauthorizedResponse();
}

export const config = {
  // Skipped: static assets; /v1/* (public, keyed by API keys at the runner); and the two routes
  // that stream big bodies, because Next buffers a proxied body and cuts it at 10 MB. Those two
  // call adminDenied() themselves (src/server/admin-guard.ts).
  matcher: ["/((?!_next/static/|_next/image|v1/|api/models(?:/|$)|api/preview(?:/|$)|icon\\.svg$|favicon\\.ico$).*)"],
};
