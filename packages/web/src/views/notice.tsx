import * as Bounce from "@takedown/core/bounce";
import * as CounterNotice from "@takedown/core/counter-notice";
import * as Notice from "@takedown/core/notice";
import * as Paths from "@takedown/core/paths";
import * as Present from "@takedown/core/present";
import type * as Abuse from "@takedown/core/abuse";
import type * as Article from "@takedown/core/article";
import type * as Moderation from "@takedown/core/moderation";
import { reveal, revealAll } from "@takedown/core/text";
import type { Child } from "hono/jsx";
import { ArticleSummary, When } from "@takedown/core/render/notice";
import { Layout } from "./layout";

type NoticeT = Notice.Notice;

const STATUS_TEXT: Record<Notice.Status, string> = {
  awaiting_confirmation: "Waiting for the sender to confirm their email address",
  pending_review: "Waiting for an operator's decision",
  awaiting_information: "Waiting for your answer to an operator's question",
  approved: "Approved",
  partially_approved: "Partly approved",
  rejected: "Rejected",
  withdrawn: "Withdrawn by the sender",
  reversed: "Approval reversed",
};

const MAIL_TEXT: Record<Moderation.MailKind, string> = {
  receipt: "Receipt emailed",
  decision: "Decision emailed",
  review: "Operators emailed",
  contest: "Operators emailed",
  appeal: "Operators emailed",
  withdrawal: "Operators emailed",
  info_answer: "Operators emailed",
  info_request: "Question emailed",
  reversal: "Reversal emailed",
  restoration: "Restoration emailed",
};

/** The mail to the requester that their history lists. */
const REQUESTER_MAIL = new Set<Moderation.MailKind>(["receipt", "decision", "reversal", "restoration", "info_request"]);

/** One line of the notice's history, as its sender reads it; nothing for what only operators see. */
function eventText(event: Moderation.Event, notice: NoticeT): string | undefined {
  switch (event.type) {
    case "filed":
      return "Notice filed";
    case "confirmed":
      return "Sender's email address confirmed";
    case "decided": {
      const partly = event.urls?.some((u) => u.outcome === "kept");
      return `${event.action === "approved" ? (partly ? "Partly approved" : "Approved") : "Rejected"} by ${Present.actorName(event.by)}`;
    }
    case "reversed":
      return `Approval reversed${event.urls ? ` for ${Present.plural(event.urls.length, "URL")}` : ""} by ${Present.actorName(event.by)}`;
    case "restored":
      return `${Present.capitalised(Present.plural(event.urls.length, "URL"))} restored after a counter-notice`;
    case "withdrawn":
      return "Withdrawn by the sender";
    case "appealed":
      return "Decision appealed by the sender";
    case "info_requested":
      return "An operator asked a question";
    case "info_given":
      return "The sender answered";
    case "counter_noticed":
      return "Counter-notice received";
    case "court_action_reported":
      return "Court action reported by the sender";
    case "counter_window_closed":
      return "The window to report a court action closed; an operator will decide whether to restore";
    case "rule_confirmed":
      return `Future ${Present.describeRuleId(event.rule, notice.subjects)} blocked, confirmed by a second operator`;
    case "rule_ended":
      return `${Present.capitalised(Present.describeRuleId(event.rule, notice.subjects))} no longer blocked`;
    case "articles_restored":
      return `${Present.capitalised(Present.plural(event.count, "article"))} shown again`;
    case "noted":
    case "assigned":
      return undefined;
    case "mail_sent":
      return MAIL_TEXT[event.kind];
    case "articles_hidden":
      return `${Present.capitalised(Present.plural(event.count, "article"))} hidden`;
    case "rule_created": {
      const rule = Present.describeRuleId(event.rule, notice.subjects);
      if (notice.scope === "urls") return `Future ${rule} blocked`;
      return `${Present.capitalised(rule)} hidden${notice.future ? ", and future ones blocked" : ""}`;
    }
    case "contested":
      return "Decision contested by the sender";
    case "mail_failed":
      return "Email could not be delivered";
    case "mail_bounced":
      return "Email bounced";
  }
}

/** Who reads the page: requesters never see operators' addresses. */
type Audience = "requester" | "operator";

function StatusBadge(props: { status: Notice.Status }) {
  return <span class={`status ${props.status}`}>{STATUS_TEXT[props.status]}</span>;
}

/** The notice as the people deciding on it, or its sender, see it. */
export function NoticeFacts(props: {
  notice: NoticeT;
  articles: Map<string, Article.Article>;
  audience: Audience;
  full?: boolean;
}) {
  const notice = revealAll(props.notice);
  const { requester } = notice;
  const rows = Present.urlRows(notice, props.articles);
  return (
    <>
      <dl class="facts">
        <dt>Reference</dt>
        <dd>{notice.id}</dd>
        <dt>Filed</dt>
        <dd>
          <When at={notice.createdAt} />
        </dd>
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
        <dd id="covers">{Present.capitalised(Present.scopeLine(notice))}</dd>
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
            <th>Now</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              <td>{row.url}</td>
              <td>
                {row.article && row.state !== "repeat" ? (
                  <ArticleSummary article={row.article} provenance={props.full} />
                ) : (
                  "—"
                )}
              </td>
              <td>
                <span class={`outcome ${row.state}`}>{Present.capitalised(Present.stateText(row))}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {notice.decision && <DecisionFacts notice={notice} decision={notice.decision} audience={props.audience} />}
    </>
  );
}

/**
 * Mail to the requester that did not arrive. The requester reads it on the
 * status page (`you`), operators on the pages their links open.
 */
function Undelivered(props: { notice: NoticeT; you?: boolean }) {
  const failures = Bounce.undelivered(props.notice);
  if (!failures.length) return null;
  const cannot = failures.some((failure) => failure.permanent);
  return (
    <div class="errors" role="alert" id="undelivered">
      <strong>
        {props.you
          ? cannot
            ? "We cannot email you at this address."
            : "Our last email to you could not be delivered."
          : cannot
            ? "The requester cannot be emailed: mail to their address could not be delivered."
            : "Mail to the requester could not be delivered."}
      </strong>
      <ul>
        {failures.map((failure) => (
          <li>
            <When at={failure.at} />: {failure.kind ? `the ${failure.kind} email` : "an email"} was not delivered;{" "}
            {failure.reason}.
          </li>
        ))}
      </ul>
      {props.you && cannot && <p>This page is the only place where the notice's progress is shown to you.</p>}
    </div>
  );
}

/** Offered on the status page when the receipt's link no longer works (Notice.mayResend). */
function ResendForm(props: { notice: NoticeT; statusUrl: string }) {
  if (!Notice.mayResend(props.notice)) return null;
  const token = new URL(props.statusUrl).searchParams.get("token") ?? "";
  return (
    <form method="post" action={Paths.resend(props.notice.id)} class="notice-box" id="resend">
      <p>The link to confirm this notice has expired or did not reach you.</p>
      <input type="hidden" name="token" value={token} />
      <button type="submit">Send me a new confirmation link</button>
    </form>
  );
}

const ACTION_TAKEN = { yes: "Yes", no: "No", partial: "Partly: some URLs hidden, others kept" } as const;

function DecisionFacts(props: { notice: NoticeT; decision: NonNullable<NoticeT["decision"]>; audience: Audience }) {
  const { action, by, at, reason } = props.decision;
  const partly = action === "approved" && props.decision.urls?.some((u) => u.outcome === "kept");
  return (
    <>
      <h2>Decision</h2>
      <p class="notice-box" id="decision">
        {action === "approved" ? (partly ? "Partly approved" : "Approved") : "Rejected"} by{" "}
        {props.audience === "operator" ? by : Present.actorName(by)} on <When at={at} />.
        <br />
        <span id="action-taken">Action taken: {ACTION_TAKEN[Notice.actionTaken(props.notice)]}.</span>
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

/** For operators before they decide: each source's check, and what approving would do. */
function BlastRadius(props: { notice: NoticeT; articles: Map<string, Article.Article>; counts: Map<string, number> }) {
  const notice = revealAll(props.notice);
  const checks = Present.checkLines(notice);
  const warnings = checks.filter((check) => check.warning);
  const plan = Present.approvalPlan(notice, Present.urlRows(notice, props.articles), props.counts);
  return (
    <>
      {warnings.length > 0 && (
        <div class="errors" role="alert" id="source-warnings">
          {warnings.map((check) => (
            <p>
              <strong>{check.text}</strong>
            </p>
          ))}
        </div>
      )}
      <h2>The sender and the sources</h2>
      <ul id="source-checks">
        {checks.map((check) => (
          <li>{check.warning ? <strong>{check.text}</strong> : check.text}</li>
        ))}
        {notice.filedWith && (
          <li id="filed-with">
            <strong>{Present.keyLine(notice)}</strong>
          </li>
        )}
      </ul>
      <h2>What approving will do</h2>
      <ul id="plan">
        {plan.map((line) => (
          <li>{line}</li>
        ))}
      </ul>
    </>
  );
}

export function StatusPage(props: {
  notice: NoticeT;
  articles: Map<string, Article.Article>;
  statusUrl: string;
  token: string;
  justFiled: boolean;
}) {
  const { notice } = props;
  const appealed = notice.events.find((event) => event.type === "appealed" || event.type === "contested");
  const appealable =
    (notice.status === "rejected" || notice.status === "partially_approved") &&
    notice.decision &&
    Date.now() - Date.parse(notice.decision.at) < Notice.CONTEST_WITHIN_MS;
  const question =
    notice.status === "awaiting_information" ? notice.events.findLast((e) => e.type === "info_requested") : undefined;
  return (
    <Layout title={`Notice ${notice.id}`}>
      {props.justFiled && (
        <p class="notice-box" id="received">
          <strong>We received your notice.</strong> We have emailed you a receipt with a link to confirm your address;
          our reviewers see the notice once you confirm.
        </p>
      )}
      <h1>Takedown notice {notice.id}</h1>
      {notice.replacedAt && (
        <p class="notice-box" id="replaced">
          This notice was replaced by a later notice filed with the same email address before it was confirmed. It will
          not be reviewed.
        </p>
      )}
      <Undelivered notice={notice} you />
      <ResendForm notice={notice} statusUrl={props.statusUrl} />
      <p>
        Keep this page's address: it is your private link to the notice (
        <a href={props.statusUrl} id="status-url">
          status link
        </a>
        ).
      </p>
      <NoticeFacts notice={notice} articles={props.articles} audience="requester" />
      {question?.type === "info_requested" && (
        <form method="post" action={Paths.answer(notice.id)} id="answer-form">
          <h2 id="answer">Our operators need more information</h2>
          <p>{question.question}</p>
          <p>The review is paused until you answer.</p>
          <input type="hidden" name="token" value={props.token} />
          <div class="field">
            <label for="answer-text">Your answer</label>
            <textarea id="answer-text" name="answer" rows={4} required></textarea>
          </div>
          <button type="submit" id="send-answer">
            Send the answer
          </button>
        </form>
      )}
      {appealed ? (
        <p class="notice-box" id="contested">
          You contested this decision on <When at={appealed.at} />.{" "}
          {notice.status === "pending_review" || notice.status === "awaiting_information"
            ? "A person who did not take it will review it and tell you the outcome."
            : "It was reviewed again; the outcome is above."}
        </p>
      ) : appealable ? (
        <form method="post" action={Paths.contest(notice.id)} id="contest-form">
          <h2>Contest this decision</h2>
          <p>
            If you disagree, say why, within 6 months of the decision. A person who did not take it will review it; this
            is free of charge. You can do this once.
          </p>
          <input type="hidden" name="token" value={props.token} />
          <div class="field">
            <label for="objection">Why the decision is wrong</label>
            <textarea id="objection" name="objection" rows={4} required></textarea>
          </div>
          <button type="submit" id="contest">
            Contest this decision
          </button>
        </form>
      ) : (
        (notice.status === "rejected" || notice.status === "partially_approved") && (
          <p id="contest-closed">The six months to contest this decision have passed.</p>
        )
      )}
      {notice.status !== "withdrawn" && !notice.replacedAt && (
        <form method="post" action={Paths.withdraw(notice.id)} id="withdraw-form">
          <h2>Withdraw this notice</h2>
          <p>
            {notice.status === "approved" || notice.status === "partially_approved"
              ? "What it hid will be shown again, unless another notice covers it."
              : "It will not be reviewed or acted on."}
          </p>
          <input type="hidden" name="token" value={props.token} />
          <div class="field">
            <label for="withdraw-reason">Why (optional)</label>
            <textarea id="withdraw-reason" name="reason" rows={2}></textarea>
          </div>
          <button type="submit" id="withdraw">
            Withdraw the notice
          </button>
        </form>
      )}
      {notice.events.some((event) => event.type === "counter_noticed") && (
        <p class="notice-box" id="counter-noticed">
          A counter-notice disputes this removal; we emailed you a copy.{" "}
          <a href={CounterNotice.links.courtAction(notice.id)} id="court-action">
            I have filed a court action
          </a>
        </p>
      )}
      <h2>History</h2>
      <ol class="trail">
        {notice.events
          .filter((event) => event.type !== "mail_sent" || REQUESTER_MAIL.has(event.kind))
          .flatMap((event) => {
            const text = eventText(event, notice);
            return text
              ? [
                  <li>
                    <When at={event.at} />: {text}
                  </li>,
                ]
              : [];
          })}
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
  articles: Map<string, Article.Article>;
  action: "confirm" | "approve" | "reject";
  token: string;
  standing?: Abuse.Standing;
  counts?: Map<string, number>;
}) {
  const { notice, action, token, standing } = props;
  const title = { confirm: "Confirm your notice", approve: "Approve this notice", reject: "Reject this notice" }[
    action
  ];
  const titles = [
    ...new Set(
      Present.urlRows(notice, props.articles).flatMap((row) => (row.article ? [`“${row.article.title}”`] : [])),
    ),
  ];
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      {action === "approve" && <p>Approving does what “What approving will do” lists, and tells the sender.</p>}
      {action === "reject" && <p>Rejecting leaves the articles as they are now. The sender receives your reason.</p>}
      {action === "confirm" && (
        <p id="confirm-about">
          Confirm that you sent this notice{titles.length ? ` about ${reveal(titles.join(", "))}` : ""}; our reviewers
          will then see it.
        </p>
      )}
      {action !== "confirm" && <Undelivered notice={notice} />}
      {standing?.flagged && (
        <div class="errors" role="alert" id="unfounded-warning">
          <strong>Warning:</strong> operators rejected {standing.unfounded} earlier notices from{" "}
          {notice.requester.email} as manifestly unfounded.
        </div>
      )}
      {action !== "confirm" && (
        <BlastRadius notice={notice} articles={props.articles} counts={props.counts ?? new Map()} />
      )}
      <form method="post" action={Paths.act(notice.id, action)}>
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
      <NoticeFacts
        notice={notice}
        articles={props.articles}
        audience={action === "confirm" ? "requester" : "operator"}
        full={action !== "confirm"}
      />
    </Layout>
  );
}

/** After an action; with `articles`, the notice as it now stands below what was done. */
export function DonePage(props: {
  notice: NoticeT;
  articles?: Map<string, Article.Article>;
  audience: Audience;
  heading: string;
  children?: Child;
}) {
  return (
    <Layout title={props.heading}>
      <h1 id="done">{props.heading}</h1>
      {props.children}
      {props.articles && <NoticeFacts notice={props.notice} articles={props.articles} audience={props.audience} />}
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
        <dd>
          <When at={notice.createdAt} />
        </dd>
        <dt>Sent by</dt>
        <dd>
          {notice.requester.organization ?? "a rights holder"} ({notice.requester.role})
        </dd>
        <dt>Covers</dt>
        <dd>{Present.capitalised(Present.scopeLine(notice))}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={notice.status} />
          {notice.decision && (
            <>
              {" "}
              on <When at={notice.decision.at} />
            </>
          )}
        </dd>
      </dl>
    </Layout>
  );
}
