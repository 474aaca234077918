/**
 * The counter-notice's emails (core's counter-notice.ts queues them). The
 * receipt goes to an address nobody has confirmed, so, like a notice's, it
 * carries nothing its sender typed.
 */
import type * as Article from "../article";
import type { CounterNotice } from "../counter-notice";
import { links, STATEMENTS } from "../counter-notice";
import * as Links from "../links";
import type { Notice } from "../notice";
import { date } from "../text";
import { revealAll } from "../text";
import { Line, Link, renderMail, Section, type Email } from "./mail";
import { When } from "./notice";

export type Context = { article?: Article.Article; notices: Map<string, Notice> };

type Message = { kind: string; to: string; notice?: string };

const articleLine = (counter: CounterNotice, article?: Article.Article) =>
  article
    ? `"${article.title}" by ${article.author}, first published by ${article.sourceName}, at ${Links.article(article.id)}`
    : Links.article(counter.articleId);

/** The counter-notice as filed: what 512(g)(2)(B) says the requester gets a copy of. */
function AsFiled(props: { counter: CounterNotice; article?: Article.Article }) {
  const { counter } = props;
  const { sender } = counter;
  return (
    <>
      <Section heading="The counter-notice">
        <Line>Reference: {counter.id}</Line>
        <Line>
          Filed: <When at={counter.createdAt} />
        </Line>
        <Line>
          From: {sender.name} &lt;{sender.email}&gt;
        </Line>
        <Line>Address: {sender.address}</Line>
        <Line>Phone: {sender.phone}</Line>
        <Line>Where the material was: {articleLine(counter, props.article)}</Line>
      </Section>
      <Section heading="The material">
        <Line>{counter.material}</Line>
      </Section>
      <Section heading="Licence or authorship">
        <Line>{counter.evidence}</Line>
      </Section>
      <Section heading="Statements">
        <Line>• {STATEMENTS.mistake}</Line>
        <Line>• {STATEMENTS.jurisdiction}</Line>
        <Line>• {STATEMENTS.service}</Line>
        <Line>Signed: {counter.signature}</Line>
      </Section>
    </>
  );
}

function receipt(counter: CounterNotice, now: number): Email {
  return renderMail(
    [counter.sender.email],
    `Confirm your counter-notice ${counter.id}`,
    <>
      <Section>
        <Line>Hello,</Line>
        <Line>
          We have received a counter-notice that gives this email address as its sender's. Please confirm that you sent
          it; nothing happens until you do. The link opens a page showing the counter-notice with a button, and works
          for 7 days.
        </Line>
        <Link href={links.confirm(counter, now)}>Review and confirm the counter-notice</Link>
      </Section>
      <Section>
        <Line>If you did not send it, ignore this email and nothing will happen.</Line>
      </Section>
    </>,
  );
}

function confirmed(counter: CounterNotice): Email {
  return renderMail(
    [counter.sender.email],
    `Your counter-notice ${counter.id} is confirmed`,
    <Section>
      <Line>Hello {counter.sender.name},</Line>
      <Line>
        We have sent a copy of your counter-notice to whoever filed the takedown notice. Unless they tell us by{" "}
        {date(counter.closesAt!)} that they have filed a court action to stop the use of the material, our operators
        will decide about restoring it then, and we will email you.
      </Line>
    </Section>,
  );
}

function copy(counter: CounterNotice, notice: Notice | undefined, context: Context): Email {
  const id = notice?.id ?? "";
  return renderMail(
    [],
    `Counter-notice ${counter.id} disputes your takedown notice ${id}`,
    <>
      <Section>
        <Line>Hello{notice ? ` ${notice.requester.name}` : ""},</Line>
        <Line>
          The sender below says that the material your notice {id} had us remove was removed by mistake or
          misidentification. This is a copy of their counter-notice, with their contact details and their consent to be
          served.
        </Line>
        <Line>
          Unless you tell us by {date(counter.closesAt!)} that you have filed a court action seeking to restrain them
          from the infringing activity, the material may be put back after that date.
        </Line>
        <Link href={links.courtAction(id)}>I have filed a court action</Link>
      </Section>
      <AsFiled counter={counter} article={context.article} />
      <Section>
        <Link href={Links.status(id)}>Your notice's status</Link>
      </Section>
    </>,
  );
}

function operators(counter: CounterNotice, context: Context): Email {
  return renderMail(
    [],
    `Counter-notice ${counter.id} against notice ${counter.notices.join(", ")}`,
    <>
      <Section>
        <Line>
          A counter-notice disputes notice {counter.notices.join(", ")}. Its requester has been sent a copy, and has
          until {date(counter.closesAt!)} to report a court action. When the window closes the case returns to the
          queue, ready for a decision on restoring the material.
        </Line>
      </Section>
      <AsFiled counter={counter} article={context.article} />
      <Section>
        {counter.notices.map((id) => (
          <Link href={Links.publicNotice(id)}>{`The public notice ${id}`}</Link>
        ))}
      </Section>
    </>,
  );
}

function courtAction(counter: CounterNotice): Email {
  return renderMail(
    [],
    `A court action was reported on counter-notice ${counter.id}`,
    <Section>
      <Line>
        Whoever filed notice {counter.notices.join(", ")} reports that they have filed a court action about the material
        of counter-notice {counter.id}. The material stays removed while the court decides.
      </Line>
      <Line>What they told us:</Line>
      <Line>{counter.courtAction?.text ?? ""}</Line>
    </Section>,
  );
}

function closed(counter: CounterNotice, kind: "ready" | "restored", context: Context): Email {
  const what = articleLine(counter, context.article);
  // Restored before the window closed: an operator took the approval back without waiting for it.
  const early = kind === "restored" && counter.closedAt && counter.closesAt && counter.closedAt < counter.closesAt;
  return renderMail(
    [],
    kind === "restored"
      ? `The material of counter-notice ${counter.id} (notice ${counter.notices.join(", ")}) is restored`
      : `The window of counter-notice ${counter.id} (notice ${counter.notices.join(", ")}) has closed`,
    <Section>
      <Line>
        {early
          ? `Our operators restored ${what} before the window to report a court action closed. `
          : `No court action was reported by ${date(counter.closesAt!)} about ${what}. `}
        {kind === "restored"
          ? "As the counter-notice asked, it is shown again."
          : "The case is back with our operators, who will decide about restoring it and email you."}
      </Line>
    </Section>,
  );
}

export function compose(kind: string, stored: CounterNotice, message: Message, context: Context, now: number): Email {
  const counter = revealAll(stored);
  const email = ((): Email => {
    switch (kind) {
      case "receipt":
        return receipt(counter, now);
      case "confirmed":
        return confirmed(counter);
      case "copy":
        return copy(counter, context.notices.get(message.notice ?? ""), context);
      case "operators":
        return operators(counter, context);
      case "court_action":
        return courtAction(counter);
      case "ready":
      case "restored":
        return closed(counter, kind, context);
      default:
        throw new Error(`No counter-notice mail of kind ${kind}.`);
    }
  })();
  return { ...email, to: [message.to] };
}
