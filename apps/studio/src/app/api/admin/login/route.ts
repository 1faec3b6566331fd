import { env } from "@/env";
import { ADMIN_COOKIE, createSessionToken, LOGIN_PATH, safeNextPath, secretMatches, SESSION_TTL_SECONDS } from "@/server/admin-auth";

export const runtime = "nodejs";

/** Failed attempts wait this long: guessing a 16+ character secret online stays hopeless. */
const FAILURE_DELAY_MS = 400;

function isHttps(req: Request): boolean {
  return new URL(req.url).protocol === "https:" || (req.headers.get("x-forwarded-proto") ?? "").split(",")[0]?.trim() === "https";
}

/**
 * The login form's target (also usable from scripts with JSON `{ secret }`): compares the secret in
 * constant time and sets the httpOnly session cookie the proxy checks.
 */
export async function POST(req: Request): Promise<Response> {
  const json = (req.headers.get("content-type") ?? "").includes("application/json");
  let candidate = "";
  let next = "/";
  try {
    if (json) {
      const body = (await req.json()) as { secret?: unknown; next?: unknown };
      candidate = typeof body.secret === "string" ? body.secret : "";
      next = typeof body.next === "string" ? body.next : "/";
    } else {
      const form = await req.formData();
      candidate = String(form.get("secret") ?? "");
      next = String(form.get("next") ?? "/");
    }
  } catch {
    return Response.json({ error: { code: "BAD_REQUEST", message: "Send the secret as a form field or JSON { secret }." } }, { status: 400 });
  }
  next = safeNextPath(next);
  const secret = env.ATTUNE_ADMIN_SECRET;
  const ok = secret !== undefined && candidate.length > 0 && (await secretMatches(candidate, secret));
  if (!ok || !secret) {
    await new Promise((resolve) => setTimeout(resolve, FAILURE_DELAY_MS));
    if (json) return Response.json({ error: { code: "INVALID_SECRET", message: secret ? "That is not the admin secret." : "This studio has no admin secret configured." } }, { status: 401 });
    return new Response(null, { status: 303, headers: { location: `${LOGIN_PATH}?error=1&next=${encodeURIComponent(next)}` } });
  }
  const token = await createSessionToken(secret);
  const cookie = [
    `${ADMIN_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${SESSION_TTL_SECONDS}`,
    ...(isHttps(req) ? ["Secure"] : []),
  ].join("; ");
  const headers = new Headers({ "set-cookie": cookie, "cache-control": "no-store" });
  if (json) return Response.json({ ok: true }, { headers });
  headers.set("location", next);
  return new Response(null, { status: 303, headers });
}
