/**
 * The emails of the workflow. Each is one JSX tree (render/mail.tsx makes
 * its HTML and its text part); what the pages also show comes from
 * render/notice.tsx.
 */
import type * as Article from "../article";
import { undelivered } from "../bounce";
import { config } from "../config";
import * as Links from "../links";
import type { Context } from "../mail";
import type { Notice } from "../notice";
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
          <Line>WARNING: operators rejected {standing.unfounded} earlier notices from this address as manifestly unfounded.</Line>
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

export function decision(notice: Notice, articles: Map<string, Article.Article>): Email {
  const { decision: decided } = notice;
  if (!decided) throw new Error(`Notice ${notice.id} has no decision to announce.`);
  const rows = Present.urlRows(notice, articles);
  const { noticeEmail } = config();
  return renderMail(
    Present.mailTo(notice),
    `Your takedown notice ${notice.id} was ${decided.action}`,
    <>
      <Section>
        <Line>Hello {notice.requester.name},</Line>
        <Line>
          {Present.capitalised(Present.operatorName(decided.by))} {decided.action} your notice on <When at={decided.at} />.{" "}
          {Present.decisionOutcome(notice, rows)}
        </Line>
        {decided.reason && <Line>Reason: {decided.reason}</Line>}
        <Line>The decision was taken by a person; no automated means were used.</Line>
      </Section>
      <Summary notice={notice} rows={rows} />
      <Section heading="If you disagree">
        <Line>
          You may contest this decision free of charge within 6 months: press "Contest this decision" on your notice's
          page and say why. A person who did not take it will review it.
          {noticeEmail ? ` You may also write to ${noticeEmail}, quoting reference ${notice.id}.` : ""} You may also use
          out-of-court dispute settlement or the courts.
        </Line>
        <Link href={`${Links.status(notice.id)}#contest`}>Contest this decision</Link>
      </Section>
    </>,
  );
}

export function contested(notice: Notice, operator: string): Email {
  const objection = [...notice.events].reverse().find((e) => e.type === "contested");
  const { decision: decided } = notice;
  return renderMail(
    [operator],
    `Takedown notice ${notice.id} contested by its sender`,
    <>
      <Section>
        <Line>
          {notice.requester.name} &lt;{notice.requester.email}&gt; contests the decision on notice {notice.id}
          {decided ? (
            <>
              : {decided.action} by {decided.by} on <When at={decided.at} />
              {decided.reason ? ` (reason: ${decided.reason})` : ""}.
            </>
          ) : (
            "."
          )}
        </Line>
        <Line>
          Their objection
          {objection && (
            <>
              , sent <When at={objection.at} />
            </>
          )}
          :
        </Line>
        {objection?.type === "contested" && <Line>{objection.objection}</Line>}
        <Line>A person other than the one who decided must review it (DSA Art. 20), and tell the sender the outcome.</Line>
      </Section>
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
export function deadNotice(id: string, operator: string, error: string, failures: number): Email {
  return renderMail(
    [operator],
    `Takedown notice ${id} could not be processed`,
    <Section>
      <Line>
        The dispatcher failed on notice {id} {failures} times in a row (last error: {error}) and has stopped trying, so its
        mail and updates are held. Other notices are not affected.
      </Line>
      <Line>Once the cause is dealt with, put it back in the queue:</Line>
      <Line>npm run dispatch -- retry {id}</Line>
      <Line>(npm run dispatch -- list shows every notice waiting like this.)</Line>
    </Section>,
  );
}
