import Link from "next/link";
import { env } from "@/env";
import { LOGIN_API_PATH, safeNextPath } from "@/server/admin-auth";
import "@/components/publish/publish.css";

export const metadata = { title: "Sign in · Attune Studio" };
export const dynamic = "force-dynamic";

/** A plain form (works without JavaScript): the route handler sets the cookie and redirects back. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = safeNextPath(typeof params.next === "string" ? params.next : "/");
  const failed = params.error !== undefined;
  return (
    <main className="list-page login-page">
      <h1>Attune Studio</h1>
      {env.ATTUNE_ADMIN_SECRET ? (
        <form method="post" action={LOGIN_API_PATH} className="login-form" data-testid="login-form">
          <p className="muted">This studio is reachable from the network, so it asks for the admin secret (<code>ATTUNE_ADMIN_SECRET</code>).</p>
          {failed && <div className="banner error" role="alert" data-testid="login-error">That is not the admin secret.</div>}
          <input type="hidden" name="next" value={next} />
          <label className="field">
            <span>Admin secret</span>
            <input type="password" name="secret" autoComplete="current-password" required autoFocus data-testid="login-secret" />
          </label>
          <button type="submit" className="primary" data-testid="login-submit">Sign in</button>
        </form>
      ) : (
        <p className="muted" data-testid="login-not-needed">
          This studio listens on loopback only and has no admin secret, so there is nothing to sign in to. <Link href="/">Open the studio</Link>.
        </p>
      )}
    </main>
  );
}
