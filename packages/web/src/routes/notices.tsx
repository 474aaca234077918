import * as Notice from "@takedown/core/notice";
import * as Paths from "@takedown/core/paths";
import { Hono } from "hono";
import { PublicNoticePage } from "../views/notice";

/** A notice's public record (the Lumen-style page a 451 links to), without who sent it. */
export const notices = new Hono().get(Paths.routes.publicNotice, async (c) => {
  const notice = await Notice.get(c.req.param("id"));
  return c.html(<PublicNoticePage notice={notice} />);
});
