import * as Paths from "@takedown/core/paths";
import * as Present from "@takedown/core/present";
import * as Queue from "@takedown/core/queue";
import { config } from "@takedown/core/config";
import { When } from "@takedown/core/render/notice";
import { ConsoleLayout } from "./layout";

const STATE_LABEL: Record<Queue.State, string> = {
  awaiting_confirmation: "Awaiting confirmation",
  pending_review: "Pending review",
  decided: "Decided",
  contested: "Contested",
};

/** "3 d 4 h", "5 h 12 min", "8 min": how long a notice has waited, to the unit that matters. */
function age(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days) return `${days} d ${hours % 24} h`;
  if (hours) return `${hours} h ${minutes % 60} min`;
  return `${minutes} min`;
}

function Flags(props: { row: Queue.Row }) {
  const { flags } = props.row;
  const items = [
    ...flags.domainMismatch.map((domain) => `Email domain is not ${domain}`),
    ...(flags.unfounded ? [`${Present.plural(flags.unfounded, "earlier notice")} rejected as unfounded`] : []),
    ...flags.sourceApprovedBefore.map((domain) => `${domain} has had notices approved`),
    ...(flags.unconfirmedKey ? ["Filed with an API key; address never confirmed"] : []),
  ];
  if (!items.length) return <>—</>;
  return (
    <ul class="flags">
      {items.map((item) => (
        <li>{item}</li>
      ))}
    </ul>
  );
}

/** An operator picker posting to a case's assign action; `back` brings the operator back to the queue. */
export function AssignForm(props: { id: string; assignee?: string; back?: "queue" }) {
  return (
    <form method="post" action={Paths.caseAction(props.id, "assign")} class="inline">
      {props.back && <input type="hidden" name="back" value={props.back} />}
      <label for={`assign-${props.id}`} class="visually-hidden">
        Assign to
      </label>
      <select name="to" id={`assign-${props.id}`}>
        <option value="" selected={!props.assignee}>
          Nobody
        </option>
        {config().operatorEmails.map((operator) => (
          <option value={operator} selected={props.assignee === operator}>
            {operator}
          </option>
        ))}
      </select>{" "}
      <button type="submit">Assign</button>
    </form>
  );
}

function QueueTable(props: { rows: Queue.Row[]; now: Date }) {
  if (!props.rows.length) return <p id="empty">No notices here.</p>;
  return (
    <table class="queue">
      <thead>
        <tr>
          <th>Notice</th>
          <th>Waiting</th>
          <th>Status</th>
          <th>Scope</th>
          <th>URLs / articles</th>
          <th>Sources</th>
          <th>Requester</th>
          <th>Flags</th>
          <th>Assigned</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => {
          const { notice } = row;
          return (
            <tr
              class={[row.overdue && "overdue", row.ready && "ready"].filter(Boolean).join(" ") || undefined}
              data-notice={notice.id}
            >
              <td>
                <a href={Paths.caseOf(notice.id)}>{notice.id}</a>
                {row.state.appeal && !row.state.appeal.decided && <strong class="tag"> Appeal</strong>}
                {row.ready && <strong class="tag ready"> Ready to restore</strong>}
                <br />
                filed <When at={notice.createdAt} />
              </td>
              <td>
                {age(row.waitingMs)}
                {row.overdue && <strong class="tag overdue"> Overdue</strong>}
                {row.state.askedAt && <em> (clock paused: waiting for an answer)</em>}
              </td>
              <td>
                {notice.status.replace(/_/g, " ")}
                {row.ready && (
                  <em class="ready-note">
                    {" "}
                    (counter-notice window closed without a court action: restoring is your decision)
                  </em>
                )}
              </td>
              <td>{Present.scopeLine(notice)}</td>
              <td>
                {notice.urls.length} / {row.articles}
              </td>
              <td>{row.sources.join(", ") || "—"}</td>
              <td>
                {notice.requester.email}
                {notice.requester.organization ? ` (${notice.requester.organization})` : ""}
              </td>
              <td>
                <Flags row={row} />
              </td>
              <td>
                <AssignForm id={notice.id} assignee={row.state.assignee} back="queue" />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function QueuePage(props: {
  operator: string;
  filter: Partial<Queue.Filter> & { state: Queue.State };
  counts: Partial<Record<Queue.State, number>>;
  rows: Queue.Row[];
  cursor?: string;
  now: Date;
  errors?: Record<string, string>;
}) {
  const { filter } = props;
  const next = props.cursor
    ? `${Paths.routes.console}?${new URLSearchParams({
        state: filter.state,
        ...(filter.source ? { source: filter.source } : {}),
        ...(filter.requester ? { requester: filter.requester } : {}),
        ...(filter.limit && filter.limit !== Queue.PAGE ? { limit: String(filter.limit) } : {}),
        cursor: props.cursor,
      })}`
    : undefined;
  return (
    <ConsoleLayout title="Queue" operator={props.operator}>
      <h1>Queue</h1>
      <nav class="states" aria-label="States">
        {(Object.keys(STATE_LABEL) as Queue.State[]).map((state) => (
          <a href={`${Paths.routes.console}?state=${state}`} aria-current={state === filter.state ? "page" : undefined}>
            {STATE_LABEL[state]}
            {props.counts[state] !== undefined && ` (${props.counts[state]})`}
          </a>
        ))}
      </nav>
      <SearchForm />
      <form method="get" action={Paths.routes.console} class="filters">
        <label for="state">State</label>{" "}
        <select name="state" id="state">
          {(Object.keys(STATE_LABEL) as Queue.State[]).map((state) => (
            <option value={state} selected={state === filter.state}>
              {STATE_LABEL[state]}
            </option>
          ))}
        </select>{" "}
        <label for="source">Source domain</label> <input id="source" name="source" value={filter.source} />{" "}
        <label for="requester">Requester email</label>{" "}
        <input id="requester" name="requester" type="email" value={filter.requester} />{" "}
        <button type="submit">Filter</button>
        {props.errors &&
          Object.entries(props.errors).map(([field, message]) => (
            <p class="error" data-error={field}>
              {message}
            </p>
          ))}
      </form>
      <p>
        Oldest first. Notices waiting for an operator longer than {config().reviewSlaMs / 3_600_000} hours are marked
        overdue; the clock stops while the requester is asked for information. A case marked ready to restore had a
        counter-notice whose window closed without a court action: restore it from the case page, or keep it withheld.
      </p>
      <QueueTable rows={props.rows} now={props.now} />
      {next && (
        <p>
          <a href={next} rel="next">
            Next page
          </a>
        </p>
      )}
    </ConsoleLayout>
  );
}

function SearchForm(props: { q?: string; error?: string }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for the browsers operators may use; the role is the landmark.
    <form method="get" action={Paths.routes.search} class="search" role="search">
      <label for="q">Search</label>{" "}
      <input
        id="q"
        name="q"
        value={props.q}
        placeholder="A URL (ours or the original), an email, an organisation or an API key"
      />{" "}
      <button type="submit">Search</button>
      {props.error && <p class="error">{props.error}</p>}
    </form>
  );
}

export function SearchPage(props: {
  operator: string;
  q: string;
  rows: Queue.Row[];
  complete: boolean;
  now: Date;
  error?: string;
}) {
  return (
    <ConsoleLayout title="Search" operator={props.operator}>
      <h1>Search</h1>
      <SearchForm q={props.q} error={props.error} />
      {!props.error && (
        <>
          <p>
            {Present.plural(props.rows.length, "notice")} found, newest first.
            {!props.complete &&
              " It names more notices than a search shows: these are the newest; narrow the search to see older ones."}
          </p>
          <QueueTable rows={props.rows} now={props.now} />
        </>
      )}
    </ConsoleLayout>
  );
}
