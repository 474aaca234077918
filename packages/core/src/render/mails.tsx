/**
 * The emails of the workflow. Each is one JSX tree (render/mail.tsx makes
 * its HTML and its text part); what the pages also show comes from
 * render/notice.tsx.
 */
import { undelivered } from "../bounce";
import { config } from "../config";
import * as Links from "../links";
import * as Grounds from "../grounds";
import type { Context } from "../mail";
import type { Event } from "../moderation";
import { actionTaken, type Notice } from "../notice";
import * as Present from "../present";
import { Line, Link, renderMail, Section, type Email } from "./mail";
import { ArticleSummary, When } from "./notice";

function Summary(props: { notice: Notice; rows: Present.UrlRow[] }) {
  const { notice } = props;
  return (
    <Section heading="Your notice">
      <Line>Reference: {notice.id}</Line>
      <Line>
        Filed: <When at={notice.createdAt} />
      </Line>
      <Line>Covers: {Present.scopeLine(notice)}</Line>
      {props.rows.map((row) => (
        <Line>
          • {row.url}
          {"\n  → "}
          {Present.stateText(row)}
        </Line>
      ))}
    </Section>
  );
}

/**
 * The receipt goes to an address nobody has confirmed, so it carries nothing
 * the sender typed (name, URLs, text): whoever types someone else's address
 * cannot use it to mail them a message. The confirm page shows the notice.
 */
export function receipt(notice: Notice, now: number): Email {
  return renderMail(
    Present.mailTo(notice),
    `We received your takedown notice ${notice.id}`,
    <>
      <Section>
        <Line>Hello,</Line>
        <Line>
          We have received a takedown notice that gives this email address as its sender's. Please confirm that you sent
          it; our reviewers will see the notice once you do. The link opens a page showing the notice with a button, and
          works for 7 days.
        </Line>
      </Section>
      <Section>
        <Link href={Links.act(notice.id, "confirm", notice.requester.email, now)}>Review and confirm the notice</Link>
      </Section>
      <Section heading="The notice">
        <Line>Reference: {notice.id}</Line>
        <Line>
          Filed: <When at={notice.createdAt} />
        </Line>
      </Section>
      <Section>
        <Link href={Links.status(notice.id)}>Follow its status</Link>
      </Section>
      <Section>
        <Line>If you did not send this notice, ignore this email and nothing will happen.</Line>
      </Section>
    </>,
  );
}

export function review(notice: Notice, operator: string, context: Context, now: number): Email {
  const { requester } = notice;
  const { standing } = context;
  const rows = Present.urlRows(notice, context.articles);
  return renderMail(
    [operator],
    `Takedown notice ${notice.id}: ${requester.role} asks to remove ${Present.asks(notice)}`,
    <>
      <Section heading="Who asks">
        <Line>
          {requester.name} &lt;{requester.email}&gt;{requester.organization ? `, ${requester.organization}` : ""}
        </Line>
        {standing?.flagged && (
          <Line>
            WARNING: operators rejected {standing.unfounded} earlier notices from this address as manifestly unfounded.
          </Line>
        )}
        <Line>Role: {requester.role}</Line>
        {Present.checkLines(notice).map((line) => (
          <Line>{line.text}</Line>
        ))}
        {requester.address && <Line>Address: {requester.address}</Line>}
        {requester.phone && <Line>Phone: {requester.phone}</Line>}
        <Line>Signed: {notice.signature}</Line>
        {undelivered(notice).map((failure) => (
          <Line>
            Mail to the requester could not be delivered (<When at={failure.at} />
            ): {failure.reason}.
          </Line>
        ))}
        {notice.filedWith && <Line>{Present.keyLine(notice)}</Line>}
      </Section>
      <Section heading="What approving will do">
        <Line>Scope: {Present.scopeLine(notice)}</Line>
        {Present.approvalPlan(notice, rows, context.counts ?? new Map()).map((line) => (
          <Line>{line}</Line>
        ))}
      </Section>
      <Section heading="URLs">
        {rows.map(({ url, article, ...row }) => (
          <Line>
            • {url}
            {"\n  → "}
            {article && row.state !== "repeat" && (
              <>
                <ArticleSummary article={article} provenance />
                {"; "}
              </>
            )}
            {Present.stateText(row)}
          </Line>
        ))}
      </Section>
      <Section heading="The work">
        <Line>{notice.work}</Line>
      </Section>
      <Section heading="Why it is not authorised">
        <Line>{notice.explanation}</Line>
      </Section>
      <Section heading="Decide">
        <Line>Each link opens a page showing the notice; nothing changes until you press its button.</Line>
        <Link href={Links.act(notice.id, "approve", operator, now)}>Approve</Link>
        <Link href={Links.act(notice.id, "reject", operator, now)}>Reject, with a reason</Link>
      </Section>
    </>,
  );
}

/** The statement of reasons (DSA Art. 17): the ground's template, the operator's words, and who took the decision how. */
function Reasons(props: { ground?: string; reason?: string; by: string; via?: string; context: Context }) {
  const ground = Grounds.find(props.ground, props.context.grounds);
  const key = Present.keyOf(props.by);
  return (
    <>
      {ground && (
        <Line>
          Ground: {ground.label}.{ground.text ? ` ${ground.text}` : ""}
        </Line>
      )}
      {props.reason && <Line>Reason: {props.reason}</Line>}
      {key ? (
        <Line>
          The decision was made through our review API by {Present.actorName(props.by, props.context.keyNames)}, an
          integration acting for the desk's operators.
        </Line>
      ) : (
        <Line>The decision was taken by a person; no automated means were used.</Line>
      )}
    </>
  );
}

/** Where a requester who disagrees can turn: the appeal on their status page, then out-of-court bodies or courts. */
function Redress(props: { notice: Notice; appeal: boolean }) {
  const { noticeEmail } = config();
  return (
    <Section heading="If you disagree">
      <Line>
        {props.appeal
          ? `You may contest this decision free of charge within 6 months: press "Contest this decision" on your notice's page and say why. A person who did not take it will review it.`
          : "You may withdraw your notice at any time from its page."}
        {noticeEmail ? ` You may also write to ${noticeEmail}, quoting reference ${props.notice.id}.` : ""} You may also
        use out-of-court dispute settlement or the courts.
      </Line>
      {props.appeal ? (
        <Link href={`${Links.status(props.notice.id)}#contest`}>Contest this decision</Link>
      ) : (
        <Link href={Links.status(props.notice.id)}>Your notice's page</Link>
      )}
    </Section>
  );
}

const ACTION_TAKEN = { yes: "yes", no: "no", partial: "partly (some URLs hidden, others kept)" } as const;

export function decision(notice: Notice, context: Context): Email {
  const { decision: decided } = notice;
  if (!decided) throw new Error(`Notice ${notice.id} has no decision to announce.`);
  const rows = Present.urlRows(notice, context.articles);
  const partly = notice.status === "partially_approved";
  const verb = partly ? "partly approved" : decided.action;
  return renderMail(
    Present.mailTo(notice),
    `Your takedown notice ${notice.id} was ${verb}`,
    <>
      <Section>
        <Line>Hello {notice.requester.name},</Line>
        <Line>
          {Present.capitalised(Present.actorName(decided.by, context.keyNames))} {verb} your notice on{" "}
          <When at={decided.at} />. {Present.decisionOutcome(notice, rows)}
        </Line>
        <Line>Action taken: {ACTION_TAKEN[actionTaken(notice)]}.</Line>
      </Section>
      <Section heading="Statement of reasons">
        <Reasons ground={decided.ground} reason={decided.reason} by={decided.by} via={decided.via} context={context} />
        {decided.urls?.map((u) => (
          <Line>
            • {u.url}: {u.outcome === "hidden" ? "hidden" : "kept"}
            {u.reason ? ` (${u.reason})` : ""}
          </Line>
        ))}
      </Section>
      <Summary notice={notice} rows={rows} />
      <Redress notice={notice} appeal={decided.action === "rejected" || partly} />
    </>,
  );
}

/** The last event of these types: what a mail about it tells. */
function last<T extends Event["type"]>(notice: Notice, ...types: T[]): Extract<Event, { type: T }> | undefined {
  return [...notice.events]
    .reverse()
    .find((e): e is Extract<Event, { type: T }> => (types as string[]).includes(e.type));
}

/** Tells the requester that an approval was taken back (a reversal, or a restoration after a counter-notice), and why. */
export function reversal(notice: Notice, context: Context): Email {
  const event = last(notice, "reversed", "restored");
  if (!event) throw new Error(`Notice ${notice.id} has no reversal to announce.`);
  const rows = Present.urlRows(notice, context.articles);
  const urls = event.urls ?? notice.urls.map((u) => u.url);
  const still = rows.filter((r) => urls.includes(r.url) && r.others.length);
  const counter = event.type === "restored";
  return renderMail(
    Present.mailTo(notice),
    `Your takedown notice ${notice.id}: ${counter ? "articles restored after a counter-notice" : "approval reversed"}`,
    <>
      <Section>
        <Line>Hello {notice.requester.name},</Line>
        <Line>
          {Present.capitalised(Present.actorName(event.by, context.keyNames))}{" "}
          {counter
            ? "restored material your notice had removed, after its publisher disputed the removal,"
            : "reversed the approval of your notice"}{" "}
          on <When at={event.at} />
          {event.type === "reversed" && event.urls ? ` for ${Present.plural(event.urls.length, "URL")}` : ""}. What it
          hid is shown again, unless another notice still covers it.
        </Line>
        {still.length > 0 && (
          <Line>
            {Present.capitalised(Present.plural(still.length, "listed article"))} stay hidden under notice{" "}
            {[...new Set(still.flatMap((r) => r.others))].join(", ")}.
          </Line>
        )}
      </Section>
      <Section heading="Statement of reasons">
        <Reasons
          ground={event.type === "reversed" ? event.ground : undefined}
          reason={event.reason}
          by={event.by}
          context={context}
        />
        {urls.map((url) => (
          <Line>• {url}</Line>
        ))}
      </Section>
      <Redress notice={notice} appeal={false} />
    </>,
  );
}

/** Asks the requester a question; the review waits for their answer, which they give on their notice's page. */
export function infoRequest(notice: Notice): Email {
  const asked = last(notice, "info_requested");
  return renderMail(
    Present.mailTo(notice),
    `Your takedown notice ${notice.id}: we need more information`,
    <>
      <Section>
        <Line>Hello {notice.requester.name},</Line>
        <Line>Before we can decide on your notice, we need to know:</Line>
        {asked && <Line>{asked.question}</Line>}
        <Line>Answer on your notice's page. The review is paused until you do.</Line>
      </Section>
      <Link href={`${Links.status(notice.id)}#answer`}>Answer the question</Link>
    </>,
  );
}

/** What the requester did that operators must know of: an appeal, an answer, a withdrawal. */
export function toOperators(
  kind: "appeal" | "info_answer" | "withdrawal",
  notice: Notice,
  operator: string,
  now: number,
): Email {
  const { requester, decision: decided } = notice;
  const event =
    kind === "appeal"
      ? last(notice, "appealed", "contested")
      : kind === "info_answer"
        ? last(notice, "info_given")
        : last(notice, "withdrawn");
  const said =
    event?.type === "appealed" || event?.type === "withdrawn"
      ? event.reason
      : event?.type === "contested"
        ? event.objection
        : event?.answer;
  const subject = {
    appeal: `Takedown notice ${notice.id} appealed by its sender`,
    info_answer: `Takedown notice ${notice.id}: its sender answered`,
    withdrawal: `Takedown notice ${notice.id} withdrawn by its sender`,
  }[kind];
  const rejectedBy = kind === "appeal" ? decided?.by : undefined;
  return renderMail(
    [operator],
    subject,
    <>
      <Section>
        <Line>
          {requester.name} &lt;{requester.email}&gt;{" "}
          {
            { appeal: "appeals the decision on", info_answer: "answered your question on", withdrawal: "withdrew" }[
              kind
            ]
          }{" "}
          notice {notice.id}
          {kind === "appeal" && decided ? (
            <>
              : {decided.action} by {decided.by} on <When at={decided.at} />
              {decided.reason ? ` (reason: ${decided.reason})` : ""}.
            </>
          ) : (
            "."
          )}
        </Line>
        {event && (
          <Line>
            <When at={event.at} />: {said ?? "(no reason given)"}
          </Line>
        )}
        {kind === "appeal" && (
          <Line>
            An operator other than {rejectedBy ?? "the one who decided"} must decide the appeal (DSA Art. 20), and the
            sender is told the outcome.
          </Line>
        )}
        {kind === "withdrawal" && decided?.action === "approved" && (
          <Line>It had been approved: what it hid is being restored, unless another notice covers it.</Line>
        )}
      </Section>
      {kind !== "withdrawal" && operator !== rejectedBy && (
        <Section heading="Decide">
          <Link href={Links.act(notice.id, "approve", operator, now)}>Approve</Link>
          <Link href={Links.act(notice.id, "reject", operator, now)}>Reject, with a reason</Link>
        </Section>
      )}
      <Section>
        <Link href={Links.publicNotice(notice.id)}>The public notice</Link>
      </Section>
    </>,
  );
}

/**
 * Tells an operator that the dispatcher gave up on a notice (Dispatch.run).
 * Names the notice only: what failed may be the notice's own content.
 */
export function deadNotice(
  id: string,
  operator: string,
  error: string,
  failures: number,
  what: "notice" | "counter-notice" = "notice",
): Email {
  const name = what === "notice" ? "Takedown notice" : "Counter-notice";
  return renderMail(
    [operator],
    `${name} ${id} could not be processed`,
    <Section>
      <Line>
        The dispatcher failed on {what} {id} {failures} times in a row (last error: {error}) and has stopped trying, so
        its mail{what === "notice" ? " and updates are" : " is"} held. Other {what}s are not affected.
      </Line>
      <Line>Once the cause is dealt with, put it back in the queue:</Line>
      <Line>npm run dispatch -- retry {id}</Line>
      <Line>(npm run dispatch -- list shows everything waiting like this.)</Line>
    </Section>,
  );
}
