import { Notice, reveal, revealAll, type Abuse, type Article, type Moderation } from "@takedown/core";
import type { Child } from "hono/jsx";
import { Layout } from "./layout";
import { Provenance } from "./provenance";

type NoticeT = Notice.Notice;

const STATUS_TEXT: Record<Notice.Status, string> = {
  awaiting_confirmation: "Waiting for the sender to confirm their email address",
  pending_review: "Waiting for an operator's decision",
  approved: "Approved",
  rejected: "Rejected",
};

const OUTCOME_TEXT: Record<Notice.UrlOutcome, string> = {
  matched: "Found; awaiting decision",
  not_found: "Not found on our site",
  duplicate: "Already hidden by an earlier notice",
  hidden: "Hidden",
  rejected: "Not removed",
};

const SCOPE_TEXT: Record<NoticeT["scope"], string> = {
  urls: "The listed articles",
  author: "Everything by the same author at the same source",
  source: "Everything from the same source",
};

const EVENT_TEXT: Record<Moderation.Event["type"], string> = {
  filed: "Notice filed",
  confirmed: "Sender's email address confirmed",
  decided: "Decision recorded",
  mail_sent: "Email sent",
  articles_hidden: "Articles hidden",
  rule_created: "Future articles blocked",
};

export function StatusBadge(props: { status: Notice.Status }) {
  return <span class={`status ${props.status}`}>{STATUS_TEXT[props.status]}</span>;
}

/** The notice as the people deciding on it see it. */
export function NoticeFacts(props: { notice: NoticeT; articles?: Map<string, Article.Article>; full?: boolean }) {
  const { articles } = props;
  const notice = revealAll(props.notice);
  const { requester } = notice;
  return (
    <>
      <dl class="facts">
        <dt>Reference</dt>
        <dd>{notice.id}</dd>
        <dt>Filed</dt>
        <dd>{notice.createdAt}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={notice.status} />
        </dd>
        <dt>From</dt>
        <dd>
          {requester.name} &lt;{requester.email}&gt;
          {requester.organization ? `, ${requester.organization}` : ""} ({requester.role})
        </dd>
        {props.full && requester.address && (
          <>
            <dt>Address</dt>
            <dd>{requester.address}</dd>
          </>
        )}
        {props.full && requester.phone && (
          <>
            <dt>Phone</dt>
            <dd>{requester.phone}</dd>
          </>
        )}
        <dt>Covers</dt>
        <dd>
          {SCOPE_TEXT[notice.scope]}
          {notice.future ? ", now and in the future" : ""}
        </dd>
        {props.full && (
          <>
            <dt>The work</dt>
            <dd>{notice.work}</dd>
            <dt>Why not authorised</dt>
            <dd>{notice.explanation}</dd>
            <dt>Signed</dt>
            <dd>{notice.signature}</dd>
          </>
        )}
      </dl>
      <h2>URLs</h2>
      <table>
        <thead>
          <tr>
            <th>URL</th>
            <th>Article</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {Notice.outcomes(notice).map((row) => {
            const article = row.articleId ? articles?.get(row.articleId) : undefined;
            return (
              <tr>
                <td>{row.url}</td>
                <td>
                  {article ? (
                    <>
                      {reveal(`“${article.title}”, ${article.sourceName} (${article.sourceDomain}), by ${article.author}`)}
                      {props.full && Notice.writesFromSource(notice, article.sourceDomain) && (
                        <strong> · sender writes from this source's domain</strong>
                      )}
                      {props.full && <Provenance article={article} />}
                    </>
                  ) : row.articleId ? (
                    row.articleId
                  ) : (
                    "—"
                  )}
                </td>
                <td>
                  <span class={`outcome ${row.outcome}`}>{OUTCOME_TEXT[row.outcome]}</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {notice.decision && <DecisionFacts decision={notice.decision} />}
    </>
  );
}

function DecisionFacts(props: { decision: NonNullable<NoticeT["decision"]> }) {
  const { action, by, at, reason } = props.decision;
  return (
    <>
      <h2>Decision</h2>
      <p class="notice-box" id="decision">
        {action === "approved" ? "Approved" : "Rejected"} by {by} on {at}.
        {reason && (
          <>
            <br />
            Reason: {reason}
          </>
        )}
      </p>
    </>
  );
}

export function StatusPage(props: { notice: NoticeT; articles: Map<string, Article.Article>; statusUrl: string; justFiled: boolean }) {
  const { notice } = props;
  return (
    <Layout title={`Notice ${notice.id}`}>
      {props.justFiled && (
        <p class="notice-box" id="received">
          <strong>We received your notice.</strong> We have emailed you a receipt with a link to confirm your
          address; our reviewers see the notice once you confirm.
        </p>
      )}
      <h1>Takedown notice {notice.id}</h1>
      <p>
        Keep this page's address: it is your private link to the notice (
        <a href={props.statusUrl} id="status-url">
          status link
        </a>
        ).
      </p>
      <NoticeFacts notice={notice} articles={props.articles} />
      {notice.decision && (
        <p>
          To contest the decision, reply to the decision email or write to us quoting {notice.id}, within 6 months.
          A person will review it.
        </p>
      )}
      <h2>History</h2>
      <ol class="trail">
        {notice.events
          .filter((event) => event.type !== "mail_sent" || event.kind !== "review")
          .map((event) => (
            <li>
              {event.at}: {EVENT_TEXT[event.type]}
            </li>
          ))}
      </ol>
    </Layout>
  );
}

/**
 * The page a link in an email opens. Opening it changes nothing, so a mail
 * scanner that follows every link is harmless; only its button acts.
 */
export function ActionPage(props: {
  notice: NoticeT;
  articles?: Map<string, Article.Article>;
  action: "confirm" | "approve" | "reject";
  token: string;
  standing?: Abuse.Standing;
}) {
  const { notice, action, token, standing } = props;
  const title = { confirm: "Confirm your notice", approve: "Approve this notice", reject: "Reject this notice" }[action];
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      {action === "approve" && <p>Approving hides every article this notice covers and tells the sender.</p>}
      {action === "reject" && <p>Rejecting leaves the articles up. The sender receives your reason.</p>}
      {action === "confirm" && <p>Confirm that you sent this notice; our reviewers will then see it.</p>}
      {standing?.flagged && (
        <div class="errors" role="alert" id="unfounded-warning">
          <strong>Warning:</strong> operators rejected {standing.unfounded} earlier notices from{" "}
          {notice.requester.email} as manifestly unfounded.
        </div>
      )}
      <form method="post" action={`/takedowns/${notice.id}/${action}`}>
        <input type="hidden" name="token" value={token} />
        {action === "reject" && (
          <div class="field">
            <label for="reason">Reason (sent to the requester)</label>
            <textarea id="reason" name="reason" rows={3} required></textarea>
          </div>
        )}
        {action === "reject" && (
          <div class="field choice">
            <input type="checkbox" id="unfounded" name="unfounded" value="on" />{" "}
            <label for="unfounded">
              Manifestly unfounded: this counts against the sender, and their later notices carry a warning.
            </label>
          </div>
        )}
        <button type="submit" class={action === "reject" ? "danger" : ""} id="act">
          {title}
        </button>
      </form>
      <h2>The notice</h2>
      <NoticeFacts notice={notice} articles={props.articles} full={action !== "confirm"} />
    </Layout>
  );
}

export function DonePage(props: { notice: NoticeT; heading: string; children?: Child }) {
  return (
    <Layout title={props.heading}>
      <h1 id="done">{props.heading}</h1>
      {props.children}
      <NoticeFacts notice={props.notice} />
    </Layout>
  );
}

/** What anyone may know of a notice: enough to see why content is gone. */
export function PublicNoticePage(props: { notice: NoticeT }) {
  const notice = revealAll(props.notice);
  return (
    <Layout title={`Notice ${notice.id}`}>
      <h1>Legal notice {notice.id}</h1>
      <dl class="facts">
        <dt>Received</dt>
        <dd>{notice.createdAt}</dd>
        <dt>Sent by</dt>
        <dd>
          {notice.requester.organization ?? "a rights holder"} ({notice.requester.role})
        </dd>
        <dt>Covers</dt>
        <dd>
          {SCOPE_TEXT[notice.scope]}
          {notice.future ? ", now and in the future" : ""}
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={notice.status} />
          {notice.decision ? ` on ${notice.decision.at}` : ""}
        </dd>
      </dl>
    </Layout>
  );
}
