/**
 * Runs once when the server starts: loading env.ts here makes a bad environment (e.g. listening
 * beyond loopback without ATTUNE_ADMIN_SECRET) stop the server at boot, not at the first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./env");
}
