import * as Notice from "@takedown/core/notice";
import type * as CounterNotice from "@takedown/core/counter-notice";
import * as Paths from "@takedown/core/paths";
import * as Present from "@takedown/core/present";
import type * as Article from "@takedown/core/article";
import type * as Grounds from "@takedown/core/grounds";
import type * as Moderation from "@takedown/core/moderation";
import type * as Suppression from "@takedown/core/suppression";
import { config } from "@takedown/core/config";
import type { Child } from "hono/jsx";
import { When } from "@takedown/core/render/notice";
import { NoticeFacts } from "../notice";
import { ConsoleLayout } from "./layout";
import { AssignForm } from "./queue";

/** An action's field errors, by field; `action` names the form they belong to. */
export type CaseErrors = { action: string; fields: Record<string, string> };

/** One line of the audit trail, for operators: what happened, in the log's own terms. */
function eventText(event: Moderation.Event): string {
  switch (event.type) {
    case "filed":
      return event.confirmed ? "Filed (confirmed: filed with an API key)" : "Filed";
    case "confirmed":
      return "Requester confirmed their address";
    case "decided": {
      const partial = event.urls?.some((u) => u.outcome === "kept");
      return `${partial ? "Partially approved" : event.action === "approved" ? "Approved" : "Rejected"}${event.via ? ` (${event.via})` : ""}${event.ground ? `, ground: ${event.ground}` : ""}${event.unfounded ? ", as manifestly unfounded" : ""}${event.reason ? `: ${event.reason}` : ""}`;
    }
    case "reversed":
      return `Reversed ${event.urls ? `for ${event.urls.join(", ")}` : "whole"}${event.ground ? `, ground: ${event.ground}` : ""}: ${event.reason}`;
    case "restored":
      return `Restored ${event.urls.join(", ")}: ${event.reason}`;
    case "withdrawn":
      return `Withdrawn by the requester${event.reason ? `: ${event.reason}` : ""}`;
    case "appealed":
      return `Appealed: ${event.reason}`;
    case "info_requested":
      return `Asked the requester: ${event.question}`;
    case "info_given":
      return `Requester answered: ${event.answer}`;
    case "noted":
      return `Note: ${event.text}`;
    case "assigned":
      return event.to ? `Assigned to ${event.to}` : "Unassigned";
    case "rule_confirmed":
      return `Confirmed the future rule ${event.rule}`;
    case "counter_noticed":
      return `Counter-notice ${event.counterNotice} confirmed by its sender; the requester's window to report a court action opened`;
    case "court_action_reported":
      return `Court action reported against counter-notice ${event.counterNotice}: ${event.text}`;
    case "counter_window_closed":
      return `Counter-notice ${event.counterNotice}: the window closed without a court action; ready to restore (an operator decides)`;
    case "mail_sent":
      return `Mailed ${event.kind} to ${event.to}`;
    case "mail_failed":
      return `Mail (${event.kind}) to ${event.to} failed: ${event.error}`;
    case "mail_bounced":
      return `Mail to ${event.to} bounced (${event.bounce})`;
    case "articles_hidden":
      return `${Present.capitalised(Present.plural(event.count, "article"))} hidden`;
    case "rule_created":
      return `Rule ${event.rule} created`;
    case "rule_ended":
      return `Rule ${event.rule} ended`;
    case "articles_restored":
      return `${Present.capitalised(Present.plural(event.count, "article"))} restored`;
    case "contested":
      return `Contested: ${event.objection}`;
  }
}

/**
 * Who acted, for operators: an operator by address (requesters see only a
 * name), the requester by the address they filed with (their filing names
 * them so), others as `Present.actorName` says.
 */
function who(by: string, notice: Notice.Notice, keyNames: ReadonlyMap<string, string>): string {
  if (by === notice.requester.email) return `the sender (${by})`;
  if (!config().operatorEmails.includes(by)) return Present.actorName(by, keyNames);
  const name = config().operatorNames[by];
  return name ? `${name} <${by}>` : by;
}

function Errors(props: { errors?: CaseErrors; action: string }) {
  if (props.errors?.action !== props.action) return null;
  return (
    <div class="errors" role="alert">
      {Object.entries(props.errors.fields).map(([field, message]) => (
        <p class="error" data-error={field}>
          {message}
        </p>
      ))}
    </div>
  );
}

/** The reason every action takes: a ground from the templates, and the operator's own words. */
function Reason(props: { grounds: Grounds.Ground[]; id: string; label?: string }) {
  return (
    <>
      <div class="field">
        <label for={`${props.id}-ground`}>Ground</label>
        <select name="ground" id={`${props.id}-ground`}>
          <option value="">(none)</option>
          {props.grounds.map((ground) => (
            <option value={ground.id}>{ground.label}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`${props.id}-reason`}>
          {props.label ?? "Reason (sent to the requester after the ground's text)"}
        </label>
        <textarea name="reason" id={`${props.id}-reason`} rows={3} />
      </div>
    </>
  );
}

function ActionForm(props: {
  id: string;
  action: Parameters<typeof Paths.caseAction>[1];
  heading: string;
  errors?: CaseErrors;
  children: Child;
}) {
  return (
    <form method="post" action={Paths.caseAction(props.id, props.action)} class="action" id={`action-${props.action}`}>
      <h3>{props.heading}</h3>
      <Errors errors={props.errors} action={props.action} />
      {props.children}
    </form>
  );
}

export function CasePage(props: {
  operator: string;
  notice: Notice.Notice;
  state: Moderation.State;
  articles: Map<string, Article.Article>;
  preview: { hides: number; rules: Suppression.Rule[] };
  grounds: Grounds.Ground[];
  pendingRules: string[];
  /** API keys' names, by id, for the audit trail. */
  keyNames: ReadonlyMap<string, string>;
  /** The counter-notices that dispute this removal, oldest first. */
  counterNotices: CounterNotice.CounterNotice[];
  errors?: CaseErrors;
  done?: string;
}) {
  const { notice, state, grounds } = props;
  const id = notice.id;
  const decidable = (["pending_review", "awaiting_information"] as string[]).includes(notice.status);
  const standing = notice.status === "approved" || notice.status === "partially_approved";
  const hidden = Notice.outcomes(notice).filter((o) => o.outcome === "hidden");
  const notes = notice.events.filter((e) => e.type === "noted");
  const counterNoticed = notice.events.some((e) => e.type === "counter_noticed");
  const appeal = state.appeal;
  return (
    <ConsoleLayout title={`Notice ${id}`} operator={props.operator}>
      <h1>
        Notice {id}
        {appeal && !appeal.decided && <strong class="tag"> Appeal</strong>}
      </h1>
      {props.done && (
        <p class="notice-box" role="status" id="done">
          {props.done}
        </p>
      )}
      {appeal && !appeal.decided && (
        <div class="notice-box" id="appeal">
          <p>
            The requester appealed the rejection on <When at={appeal.at} />: {appeal.reason}
          </p>
          {appeal.rejectedBy === props.operator ? (
            <p class="error" id="appeal-warning">
              You rejected this notice. An appeal should be decided by another operator (DSA Art. 20).
            </p>
          ) : (
            <p>It was rejected by {appeal.rejectedBy}; decide it as a fresh review.</p>
          )}
        </div>
      )}
      <p>
        Assigned to: <strong id="assignee">{state.assignee ?? "nobody"}</strong>{" "}
        <AssignForm id={id} assignee={state.assignee} />
      </p>
      <Errors errors={props.errors} action="assign" />
      <NoticeFacts notice={notice} articles={props.articles} audience="operator" full />
      {decidable && (
        <>
          <h2>What approving would do</h2>
          <p id="preview">
            Hides {Present.plural(props.preview.hides, "article")} now;{" "}
            {props.preview.rules.length
              ? `leaves ${props.preview.rules.map((rule) => `${rule.kind} rule ${rule.id}${rule.until ? " (up to now)" : " (future articles too)"}`).join(", ")}`
              : "creates no rule for future articles"}
            .
          </p>
        </>
      )}
      <h2>Actions</h2>
      {decidable && (
        <ActionForm id={id} action="decide" heading="Decide" errors={props.errors}>
          <fieldset class="choices">
            <legend>Decision</legend>
            <div class="choice">
              <input type="radio" name="action" value="approve" id="decide-approve" />{" "}
              <label for="decide-approve">Approve</label>
            </div>
            <div class="choice">
              <input type="radio" name="action" value="reject" id="decide-reject" />{" "}
              <label for="decide-reject">Reject</label>
            </div>
          </fieldset>
          <fieldset class="choices">
            <legend>URLs to hide on approval (untick to keep one: a partial decision)</legend>
            {notice.urls.map((u, i) => (
              <div class="choice">
                <input type="checkbox" name="urls" value={u.url} id={`decide-url-${i}`} checked />{" "}
                <label for={`decide-url-${i}`}>{u.url}</label>{" "}
                <label for={`decide-url-${i}-reason`} class="visually-hidden">
                  Reason for this URL
                </label>
                <input
                  name={`reason.${i}`}
                  id={`decide-url-${i}-reason`}
                  placeholder="Reason for this URL (optional)"
                />
              </div>
            ))}
          </fieldset>
          <div class="field choice">
            <input type="checkbox" name="unfounded" value="on" id="decide-unfounded" />{" "}
            <label for="decide-unfounded">On rejection: manifestly unfounded (counts against the requester)</label>
          </div>
          <Reason grounds={grounds} id="decide" />
          <button type="submit">Record the decision</button>
        </ActionForm>
      )}
      {notice.status === "pending_review" && (
        <ActionForm id={id} action="request-info" heading="Ask the requester for information" errors={props.errors}>
          <div class="field">
            <label for="question">Question (mailed to the requester; the review clock stops until they answer)</label>
            <textarea name="question" id="question" rows={3} />
          </div>
          <button type="submit">Send the question</button>
        </ActionForm>
      )}
      {standing && (
        <ActionForm id={id} action="reverse" heading="Reverse the approval" errors={props.errors}>
          <fieldset class="choices">
            <legend>URLs to bring back (none ticked: the whole approval, and any rule it left)</legend>
            {hidden.map((o, i) => (
              <div class="choice">
                <input type="checkbox" name="urls" value={o.url} id={`reverse-url-${i}`} />{" "}
                <label for={`reverse-url-${i}`}>{o.url}</label>
              </div>
            ))}
          </fieldset>
          <Reason grounds={grounds} id="reverse" />
          <button type="submit">Reverse</button>
        </ActionForm>
      )}
      {props.counterNotices.length > 0 && <CounterNotices counterNotices={props.counterNotices} />}
      {standing && counterNoticed && (
        <ActionForm id={id} action="restore" heading="Restore after the counter-notice" errors={props.errors}>
          <p>A counter-notice disputes this removal. Restoring brings the articles back and mails both sides.</p>
          <fieldset class="choices">
            <legend>URLs to restore (none ticked: everything this notice hid)</legend>
            {hidden.map((o, i) => (
              <div class="choice">
                <input type="checkbox" name="urls" value={o.url} id={`restore-url-${i}`} />{" "}
                <label for={`restore-url-${i}`}>{o.url}</label>
              </div>
            ))}
          </fieldset>
          <div class="field">
            <label for="restore-reason">Reason (sent to both sides)</label>
            <textarea name="reason" id="restore-reason" rows={3} />
          </div>
          <button type="submit">Restore</button>
        </ActionForm>
      )}
      {standing && props.pendingRules.length > 0 && (
        <ActionForm id={id} action="confirm-rule" heading="Confirm a rule for future articles" errors={props.errors}>
          <p>This rule starts only when a second operator confirms it.</p>
          <select name="rule" aria-label="Rule">
            {props.pendingRules.map((rule) => (
              <option value={rule}>{rule}</option>
            ))}
          </select>{" "}
          <button type="submit">Confirm the rule</button>
        </ActionForm>
      )}
      <ActionForm id={id} action="note" heading="Add an internal note" errors={props.errors}>
        <div class="field">
          <label for="note-text">Note (operators only; never shown to the requester)</label>
          <textarea name="text" id="note-text" rows={2} />
        </div>
        <button type="submit">Add the note</button>
      </ActionForm>
      <h2>Internal notes</h2>
      {notes.length ? (
        <ul id="notes">
          {notes.map((note) => (
            <li>
              <When at={note.at} />, {who(note.by, notice, props.keyNames)}: {note.type === "noted" ? note.text : ""}
            </li>
          ))}
        </ul>
      ) : (
        <p id="notes">No notes yet.</p>
      )}
      <h2>Audit trail</h2>
      <table id="audit">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
          </tr>
        </thead>
        <tbody>
          {notice.events.map((event) => (
            <tr>
              <td>
                <When at={event.at} />
              </td>
              <td>{who(event.by, notice, props.keyNames)}</td>
              <td>{eventText(event)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href={Paths.routes.console}>Back to the queue</a> · Review clock limit: {config().reviewSlaMs / 3_600_000}{" "}
        hours
      </p>
    </ConsoleLayout>
  );
}

const COUNTER_STATE: Record<CounterNotice.Status, string> = {
  awaiting_confirmation: "awaiting its sender's confirmation",
  open: "window open",
  court_action: "the requester reported a court action: keep the material down",
  ready: "ready: the window closed without a court action; restore, or keep it withheld",
  restored: "restored",
};

/** What each disputing party filed (DMCA 512(g)(3)), and where its window stands. */
function CounterNotices(props: { counterNotices: CounterNotice.CounterNotice[] }) {
  return (
    <section id="counter-notices">
      <h2>Counter-notices</h2>
      {props.counterNotices.map((counter) => (
        <div class="counter-notice" id={`counter-notice-${counter.id}`}>
          <h3>
            {counter.id}: <span class="counter-state">{COUNTER_STATE[counter.status]}</span>
          </h3>
          <p>
            From {counter.sender.name} &lt;{counter.sender.email}&gt;, {counter.sender.address}, {counter.sender.phone}.
            Filed <When at={counter.createdAt} />
            {counter.closesAt && (
              <>
                ; the requester's window {counter.status === "open" ? "closes" : "closed"}{" "}
                <When at={counter.closesAt} />
              </>
            )}
            .
          </p>
          <p>
            <strong>The material and where it was:</strong> {counter.material}
          </p>
          <p>
            <strong>Licence or authorship:</strong> {counter.evidence}
          </p>
          {counter.courtAction && (
            <p>
              <strong>Court action reported</strong> <When at={counter.courtAction.at} />: {counter.courtAction.text}
            </p>
          )}
          <CounterMail counter={counter} />
        </div>
      ))}
    </section>
  );
}

/** The counter-notice's mail that did not go out, and whether the dispatcher holds the rest (Dispatch.run). */
function CounterMail(props: { counter: CounterNotice.CounterNotice }) {
  const { counter } = props;
  const failed = counter.events.filter((e) => e.type === "mail_failed");
  const runs = counter.dispatch;
  return (
    <>
      {runs?.dead ? (
        <p class="error" id={`counter-notice-${counter.id}-held`}>
          Its mail is held: the dispatcher failed on it {runs.failures} times in a row (last error: {runs.lastError})
          and stopped trying on <When at={runs.dead} />. Once the cause is dealt with: npm run dispatch -- retry{" "}
          {counter.id}
        </p>
      ) : (
        runs && (
          <p>
            Its mail is being tried again: {runs.failures} failed runs so far (last error: {runs.lastError}).
          </p>
        )
      )}
      {failed.length > 0 && (
        <>
          <p>
            <strong>Mail that could not be delivered:</strong>
          </p>
          <ul class="mail-failures">
            {failed.map((e) => (
              <li>
                <When at={e.at} />: {e.detail}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
