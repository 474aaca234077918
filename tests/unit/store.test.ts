import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { change, compile, entity, when } from "../../packages/core/src/store";

/** An expression with its aliases put back: what DynamoDB will evaluate. */
function plain(
  compiled: ReturnType<typeof compile>,
  which: "UpdateExpression" | "ConditionExpression" = "UpdateExpression",
) {
  const names: Record<string, string> = compiled.ExpressionAttributeNames ?? {};
  const values: Record<string, unknown> = compiled.ExpressionAttributeValues ?? {};
  return compiled[which]!.replace(/#n\d+/g, (alias) => names[alias]!).replace(/:v\d+/g, (alias) =>
    JSON.stringify(values[alias]),
  );
}

describe("the storage layer's expressions", () => {
  it("names every attribute and value by alias, so reserved words and dotted ids are safe", () => {
    const compiled = compile(
      [change.set("status", "approved"), change.set(["outbox", "review:ops@example.org"], { kind: "review" })],
      when.eq("status", "pending_review"),
    );
    expect(compiled.UpdateExpression).toBe("SET #n0 = :v0, #n1.#n2 = :v1");
    expect(compiled.ConditionExpression).toBe("#n0 = :v2");
    expect(compiled.ExpressionAttributeNames).toEqual({
      "#n0": "status",
      "#n1": "outbox",
      "#n2": "review:ops@example.org",
    });
    expect(compiled.ExpressionAttributeValues).toEqual({
      ":v0": "approved",
      ":v1": { kind: "review" },
      ":v2": "pending_review",
    });
  });

  it("groups a plan into SET, REMOVE and ADD clauses, appending and defaulting where asked", () => {
    const compiled = compile([
      change.append("events", [{ type: "x" }]),
      ...change.remove("lease", ["outbox", "receipt"]),
      change.add("version", 1),
      change.setFrom("previousHolder", "holder", "me"),
    ]);
    expect(plain(compiled)).toBe(
      'SET events = list_append(events, [{"type":"x"}]), previousHolder = if_not_exists(holder, "me") REMOVE lease, outbox.receipt ADD version 1',
    );
  });

  it("removes the fields whose value is undefined", () => {
    expect(change.fields({ a: 1, b: undefined })).toEqual([{ set: "a", value: 1 }, { remove: "b" }]);
  });

  it("nests conditions and leaves out the parts that are not there", () => {
    const compiled = compile(
      [change.add("n", 1)],
      when.and(when.missing("pk"), false, when.or(when.lt("n", 3), when.not(when.contains("s", "x"))), undefined),
    );
    expect(plain(compiled, "ConditionExpression")).toBe('attribute_not_exists(pk) AND (n < 3 OR NOT contains(s, "x"))');
    // NOT binds tighter than AND and OR: a list under it keeps its parentheses.
    expect(
      plain(
        compile([change.add("n", 1)], when.not(when.or(when.exists("a"), when.exists("b")))),
        "ConditionExpression",
      ),
    ).toBe("NOT (attribute_exists(a) OR attribute_exists(b))");
    expect(plain(compile([change.add("n", 1)], when.and(when.exists("pk"))), "ConditionExpression")).toBe(
      "attribute_exists(pk)",
    );
  });

  it("leaves the value maps out when a plan has none (DynamoDB refuses an empty map)", () => {
    expect(compile(change.remove("lease"))).toEqual({
      UpdateExpression: "REMOVE #n0",
      ExpressionAttributeNames: { "#n0": "lease" },
    });
  });
});

describe("an entity", () => {
  const Things = entity({
    type: "thing",
    schema: z.object({ id: z.string(), size: z.optional(z.number()) }),
    key: (id: string) => ({ pk: `THING#${id}`, sk: "THING" }),
    meta: z.object({ holder: z.string() }),
  });

  it("reads back only its value: keys, type, index keys and bookkeeping are dropped", () => {
    const item = Things.item(
      Things.key("a"),
      { id: "a", size: 2 },
      { index: { gsi2pk: "DUE" }, meta: { holder: "w1" } },
    );
    expect(item).toEqual({ pk: "THING#a", sk: "THING", type: "thing", id: "a", size: 2, gsi2pk: "DUE", holder: "w1" });
    expect(Things.parse(item)).toEqual({ id: "a", size: 2 });
  });

  it("refuses an item that is not one of its values", () => {
    expect(() => Things.parse({ pk: "THING#a", sk: "THING", size: 2 })).toThrow();
  });
});
