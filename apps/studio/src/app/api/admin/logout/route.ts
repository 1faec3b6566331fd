import { ADMIN_COOKIE, LOGIN_PATH } from "@/server/admin-auth";

export const runtime = "nodejs";

/** Clears the session cookie (POST only, so a link on another site cannot sign you out). */
export function POST(): Response {
  return new Response(null, {
    status: 303,
    headers: { location: LOGIN_PATH, "set-cookie": `${ADMIN_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`, "cache-control": "no-store" },
  });
}
