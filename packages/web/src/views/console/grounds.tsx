import * as Paths from "@takedown/core/paths";
import type * as Grounds from "@takedown/core/grounds";
import { ConsoleLayout } from "./layout";

/**
 * The statement-of-reasons templates, each a name and a text, as one form.
 * Field names are `grounds.<n>.label` and `grounds.<n>.text`, in the order
 * of the list; a new one is `added.label` and `added.text`.
 */
export function GroundsPage(props: {
  operator: string;
  grounds: Grounds.Ground[];
  added?: { label: string; text: string };
  errors?: Record<string, string>;
  saved?: boolean;
}) {
  const error = (path: string) => props.errors?.[path];
  return (
    <ConsoleLayout title="Reason templates" operator={props.operator}>
      <h1>Reason templates</h1>
      <p>
        Each action on a notice takes a ground from this list and the operator's own words. The ground's text goes into
        the requester's mail as the statement of reasons. Grounds can be renamed and reworded, not removed: past
        decisions name them.
      </p>
      {props.saved && (
        <p class="notice-box" role="status" id="done">
          Saved.
        </p>
      )}
      {props.errors?.form && (
        <p class="error" role="alert">
          {props.errors.form}
        </p>
      )}
      <form method="post" action={Paths.routes.grounds}>
        {props.grounds.map((ground, i) => (
          <fieldset class="ground">
            <legend>{ground.id}</legend>
            <div class="field">
              <label for={`ground-${i}-label`}>Name</label>
              {error(`grounds.${i}.label`) && <p class="error">{error(`grounds.${i}.label`)}</p>}
              <input id={`ground-${i}-label`} name={`grounds.${i}.label`} value={ground.label} />
            </div>
            <div class="field">
              <label for={`ground-${i}-text`}>Statement</label>
              {error(`grounds.${i}.text`) && <p class="error">{error(`grounds.${i}.text`)}</p>}
              <textarea id={`ground-${i}-text`} name={`grounds.${i}.text`} rows={2}>
                {ground.text}
              </textarea>
            </div>
          </fieldset>
        ))}
        <fieldset class="ground">
          <legend>Add a ground</legend>
          <div class="field">
            <label for="added-label">Name</label>
            {error("added.label") && <p class="error">{error("added.label")}</p>}
            <input id="added-label" name="added.label" value={props.added?.label} />
          </div>
          <div class="field">
            <label for="added-text">Statement</label>
            {error("added.text") && <p class="error">{error("added.text")}</p>}
            <textarea id="added-text" name="added.text" rows={2}>
              {props.added?.text}
            </textarea>
          </div>
        </fieldset>
        <button type="submit">Save the templates</button>
      </form>
    </ConsoleLayout>
  );
}
