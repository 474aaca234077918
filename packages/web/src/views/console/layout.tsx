import * as Paths from "@takedown/core/paths";
import type { Child } from "hono/jsx";
import { Layout } from "../layout";

/** Every console page inside the site's layout, with the operator's own links and a sign-out button. */
export function ConsoleLayout(props: { title: string; operator: string; children: Child }) {
  return (
    <Layout title={props.title}>
      <nav class="console" aria-label="Console">
        <a href={Paths.routes.console}>Queue</a> · <a href={Paths.routes.grounds}>Reason templates</a> · Signed in as{" "}
        <strong>{props.operator}</strong>{" "}
        <form method="post" action={Paths.routes.signOut} class="inline">
          <button type="submit">Sign out</button>
        </form>
      </nav>
      {props.children}
    </Layout>
  );
}
