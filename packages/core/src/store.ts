/**
 * The one module that speaks DynamoDB. Each entity is declared once (its
 * schema, its `type`, its key from table.ts) and read back parsed, so an item
 * never carries its keys or bookkeeping into the domain. Conditions and
 * update plans are data (`when.*`, `change.*`); their expression strings and
 * attribute maps are built here and nowhere else. A write whose condition did
 * not hold answers `false` (or `undefined` where it returns the item); no
 * caller catches DynamoDB's error. Every function is one round trip, except
 * where it says it pages or batches. Only what dynalite runs is used: no
 * transactions, no TTL (callers that read expiring items filter on
 * `when.unexpired`). docs/data-model.md ("The storage layer").
 */
import * as z from "zod/mini";
import { dynamo } from "./aws/dynamo";
import * as Table from "./table";
import { chunk, mapLimit } from "./batch";

export type Key = { pk: string; sk: string };
/** A stored item as DynamoDB holds it: only this module and `Entity.parse` see one. */
export type Item = Record<string, unknown>;
/** An attribute's name, or a path into maps (`["outbox", messageId]`). A name is never split on dots. */
export type Path = string | readonly string[];

/** The attributes the indexes are keyed on, and the expiry that TTL would act on. */
export type IndexAttributes = Partial<Record<Exclude<keyof typeof Table.definition.fields, "pk" | "sk">, string>> & {
  expiresAt?: number;
};

// Conditions

type Comparison = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type Condition =
  | { exists: Path }
  | { missing: Path }
  | { path: Path; is: Comparison; value: unknown }
  | { path: Path; beginsWith: string }
  | { path: Path; contains: unknown }
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition };

type Part = Condition | undefined | false;
const parts = (all: Part[]) => all.filter((c): c is Condition => Boolean(c));

export const when = {
  exists: (path: Path): Condition => ({ exists: path }),
  missing: (path: Path): Condition => ({ missing: path }),
  eq: (path: Path, value: unknown): Condition => ({ path, is: "=", value }),
  ne: (path: Path, value: unknown): Condition => ({ path, is: "<>", value }),
  lt: (path: Path, value: unknown): Condition => ({ path, is: "<", value }),
  le: (path: Path, value: unknown): Condition => ({ path, is: "<=", value }),
  gt: (path: Path, value: unknown): Condition => ({ path, is: ">", value }),
  ge: (path: Path, value: unknown): Condition => ({ path, is: ">=", value }),
  beginsWith: (path: Path, prefix: string): Condition => ({ path, beginsWith: prefix }),
  contains: (path: Path, value: unknown): Condition => ({ path, contains: value }),
  /** Skips `undefined` and `false` parts, so optional clauses read inline. */
  and: (...all: Part[]): Condition => ({ and: parts(all) }),
  or: (...all: Part[]): Condition => ({ or: parts(all) }),
  not: (condition: Condition): Condition => ({ not: condition }),
  /** The item is stored: a put that must not overwrite says `when.missing("pk")`. */
  stored: (): Condition => ({ exists: "pk" }),
  new: (): Condition => ({ missing: "pk" }),
  /** An expiring item still counts (TTL deletes late, and dynalite never). */
  unexpired: (now: Date): Condition => ({ path: "expiresAt", is: ">", value: Math.floor(now.getTime() / 1000) }),
};

// Update plans

export type Change =
  | { set: Path; value: unknown }
  /** `path` becomes `from`'s value, or `value` when `from` is missing. */
  | { set: Path; from: Path; value: unknown }
  | { add: Path; value: number | Set<string> }
  /** Takes these members out of a set. */
  | { delete: Path; value: Set<string> }
  | { remove: Path }
  | { append: Path; values: unknown[] };

export type Plan = Change[];

export const change = {
  set: (path: Path, value: unknown): Change => ({ set: path, value }),
  setFrom: (path: Path, from: Path, value: unknown): Change => ({ set: path, from, value }),
  add: (path: Path, value: number | Set<string>): Change => ({ add: path, value }),
  remove: (...paths: Path[]): Change[] => paths.map((path) => ({ remove: path })),
  delete: (path: Path, value: Set<string>): Change => ({ delete: path, value }),
  append: (path: Path, values: unknown[]): Change => ({ append: path, values }),
  /** Sets each field; one whose value is `undefined` is removed. */
  fields: (record: Record<string, unknown>): Change[] =>
    Object.entries(record).map(([path, value]) => (value === undefined ? { remove: path } : { set: path, value })),
};

/**
 * Names and values an expression refers to, as `#n0`, `:v0`…: no attribute
 * name ever clashes with a reserved word, and no value with another.
 */
class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private readonly byName = new Map<string, string>();

  path(path: Path): string {
    return (typeof path === "string" ? [path] : path)
      .map((segment) => {
        let alias = this.byName.get(segment);
        if (!alias) {
          alias = `#n${this.byName.size}`;
          this.byName.set(segment, alias);
          this.names[alias] = segment;
        }
        return alias;
      })
      .join(".");
  }

  value(value: unknown): string {
    const alias = `:v${Object.keys(this.values).length}`;
    this.values[alias] = value;
    return alias;
  }

  /**
   * Only a nested list is parenthesised: dynalite's parser (the local engine)
   * slows several times with each level of parentheses, and the outermost
   * level groups nothing.
   */
  condition(condition: Condition, nested = false): string {
    if ("and" in condition || "or" in condition) {
      const [joiner, all] = "and" in condition ? [" AND ", condition.and] : [" OR ", condition.or];
      if (!all.length) throw new Error("An empty condition list says nothing.");
      if (all.length === 1) return this.condition(all[0]!, nested);
      const joined = all.map((c) => this.condition(c, true)).join(joiner);
      return nested ? `(${joined})` : joined;
    }
    if ("not" in condition) return `NOT ${this.condition(condition.not, true)}`;
    if ("exists" in condition) return `attribute_exists(${this.path(condition.exists)})`;
    if ("missing" in condition) return `attribute_not_exists(${this.path(condition.missing)})`;
    if ("beginsWith" in condition)
      return `begins_with(${this.path(condition.path)}, ${this.value(condition.beginsWith)})`;
    if ("contains" in condition) return `contains(${this.path(condition.path)}, ${this.value(condition.contains)})`;
    return `${this.path(condition.path)} ${condition.is} ${this.value(condition.value)}`;
  }

  update(plan: Plan): string {
    const sets: string[] = [];
    const removes: string[] = [];
    const adds: string[] = [];
    const deletes: string[] = [];
    for (const step of plan) {
      if ("remove" in step) removes.push(this.path(step.remove));
      else if ("delete" in step) deletes.push(`${this.path(step.delete)} ${this.value(step.value)}`);
      else if ("add" in step) adds.push(`${this.path(step.add)} ${this.value(step.value)}`);
      else if ("append" in step) {
        const path = this.path(step.append);
        sets.push(`${path} = list_append(${path}, ${this.value(step.values)})`);
      } else if ("from" in step) {
        sets.push(`${this.path(step.set)} = if_not_exists(${this.path(step.from)}, ${this.value(step.value)})`);
      } else sets.push(`${this.path(step.set)} = ${this.value(step.value)}`);
    }
    return [
      sets.length ? `SET ${sets.join(", ")}` : "",
      removes.length ? `REMOVE ${removes.join(", ")}` : "",
      adds.length ? `ADD ${adds.join(", ")}` : "",
      deletes.length ? `DELETE ${deletes.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join(" ");
  }

  /** The maps, left out when empty (DynamoDB refuses an empty one). */
  maps() {
    return {
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

/** The expressions a plan and a condition compile to: what DynamoDB is sent, shown for tests and docs. */
export function compile(plan: Plan, condition?: Condition) {
  const expression = new Expression();
  const UpdateExpression = expression.update(plan);
  const ConditionExpression = condition ? expression.condition(condition) : undefined;
  return { UpdateExpression, ...(ConditionExpression ? { ConditionExpression } : {}), ...expression.maps() };
}

function conditionOf(condition: Condition | undefined) {
  if (!condition) return {};
  const expression = new Expression();
  return { ConditionExpression: expression.condition(condition), ...expression.maps() };
}

function projection(expression: Expression, fields: readonly string[] | undefined) {
  return fields ? { ProjectionExpression: fields.map((field) => expression.path(field)).join(", ") } : {};
}

/** Runs a conditional write: `undefined` when its condition did not hold. */
async function unlessRefused<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof Error && error.name === "ConditionalCheckFailedException") return undefined;
    throw error;
  }
}

// Items, by key

export async function get(
  key: Key,
  { consistent = false, fields }: { consistent?: boolean; fields?: readonly string[] } = {},
) {
  const expression = new Expression();
  const project = projection(expression, fields);
  const result = await dynamo().send("GetItem", {
    TableName: Table.name(),
    Key: key,
    ConsistentRead: consistent,
    ...project,
    ...expression.maps(),
  });
  return result.Item;
}

/** Sends a batch again, backing off, until DynamoDB has processed every part of it. */
async function untilProcessed<T>(batch: T[], send: (pending: T[]) => Promise<T[]>): Promise<void> {
  let pending = batch;
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
    pending = await send(pending);
  }
}

/** Up to 100 keys a call, a few calls at a time (a 1,000-URL notice reads 1,000 articles); duplicates read once. */
export async function getMany(keys: Key[], { consistent = false }: { consistent?: boolean } = {}): Promise<Item[]> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const found: Item[] = [];
  await mapLimit(chunk(unique, 100), 4, (batch) =>
    untilProcessed(batch, async (Keys) => {
      const result = await dynamo().send("BatchGetItem", {
        RequestItems: { [Table.name()]: { Keys, ConsistentRead: consistent } },
      });
      found.push(...(result.Responses?.[Table.name()] ?? []));
      return (result.UnprocessedKeys?.[Table.name()]?.Keys as Key[] | undefined) ?? [];
    }),
  );
  return found;
}

/** False when `condition` did not hold. */
export async function put(item: Item & Key, { condition }: { condition?: Condition } = {}): Promise<boolean> {
  const done = await unlessRefused(
    dynamo().send("PutItem", { TableName: Table.name(), Item: item, ...conditionOf(condition) }),
  );
  return done !== undefined;
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

/** 25 requests a call (BatchWriteItem's limit), a few calls at a time, until every one was processed. */
async function writeMany(requests: WriteRequest[]): Promise<void> {
  await mapLimit(chunk(requests, 25), 4, (batch) =>
    untilProcessed(batch, async (pending) => {
      const result = await dynamo().send("BatchWriteItem", { RequestItems: { [Table.name()]: pending } });
      return (result.UnprocessedItems?.[Table.name()] as WriteRequest[] | undefined) ?? [];
    }),
  );
}

/** Puts items in batches, unconditionally. */
export const putMany = (items: (Item & Key)[]): Promise<void> =>
  writeMany(items.map((Item) => ({ PutRequest: { Item } })));

/** Deletes items in batches, unconditionally. */
export const removeMany = (keys: Key[]): Promise<void> => writeMany(keys.map((Key) => ({ DeleteRequest: { Key } })));

/** The whole item after or before the write, or only the attributes the write changed. */
type Returning = "new" | "old" | "updated";

/**
 * Applies `plan` if `condition` holds. With `returning`, the item after (or
 * before) the write; without, whether it was written. `undefined`/`false`:
 * the condition did not hold.
 */
export async function update(
  key: Key,
  plan: Plan,
  options: { condition?: Condition; returning: Returning },
): Promise<Item | undefined>;
export async function update(key: Key, plan: Plan, options?: { condition?: Condition }): Promise<boolean>;
export async function update(
  key: Key,
  plan: Plan,
  { condition, returning }: { condition?: Condition; returning?: Returning } = {},
): Promise<Item | boolean | undefined> {
  const result = await unlessRefused(
    dynamo().send("UpdateItem", {
      TableName: Table.name(),
      Key: key,
      ...compile(plan, condition),
      ...(returning
        ? { ReturnValues: ({ new: "ALL_NEW", old: "ALL_OLD", updated: "UPDATED_NEW" } as const)[returning] }
        : {}),
    }),
  );
  if (!returning) return result !== undefined;
  return result?.Attributes ?? undefined;
}

/** False when `condition` did not hold. */
export async function remove(key: Key, { condition }: { condition?: Condition } = {}): Promise<boolean> {
  const done = await unlessRefused(
    dynamo().send("DeleteItem", { TableName: Table.name(), Key: key, ...conditionOf(condition) }),
  );
  return done !== undefined;
}

// Queries

type SortCondition =
  | { is: Exclude<Comparison, "<>">; value: string }
  | { beginsWith: string }
  | { between: [string, string] };

export type Query = {
  /** The table when absent. */
  index?: Table.IndexName;
  /** The hash key's value. */
  partition: string;
  sort?: SortCondition;
  /** Applied after the read: filtered items still cost their read. */
  filter?: Condition;
  /** The attributes to read; all when absent. */
  fields?: readonly string[];
  /** Items per page (DynamoDB's `Limit`, counted before the filter). */
  limit?: number;
  newestFirst?: boolean;
  consistent?: boolean;
};

/** Where a page stopped (LastEvaluatedKey); pass it as `start` for the next one. */
export type Cursor = Record<string, unknown>;

function queryInput(query: Query, start?: Cursor) {
  const index = query.index ? Table.definition.globalIndexes[query.index] : Table.definition.primaryIndex;
  const expression = new Expression();
  const hash = `${expression.path(index.hashKey)} = ${expression.value(query.partition)}`;
  const sort = query.sort;
  let range = "";
  if (sort) {
    const name = expression.path(index.rangeKey);
    if ("beginsWith" in sort) range = ` AND begins_with(${name}, ${expression.value(sort.beginsWith)})`;
    else if ("between" in sort)
      range = ` AND ${name} BETWEEN ${expression.value(sort.between[0])} AND ${expression.value(sort.between[1])}`;
    else range = ` AND ${name} ${sort.is} ${expression.value(sort.value)}`;
  }
  const filter = query.filter ? { FilterExpression: expression.condition(query.filter) } : {};
  const project = projection(expression, query.fields);
  return {
    TableName: Table.name(),
    ...(query.index ? { IndexName: query.index } : {}),
    KeyConditionExpression: hash + range,
    ...filter,
    ...project,
    ...expression.maps(),
    ...(query.limit ? { Limit: query.limit } : {}),
    ...(query.newestFirst ? { ScanIndexForward: false } : {}),
    ...(query.consistent ? { ConsistentRead: true } : {}),
    ...(start ? { ExclusiveStartKey: start } : {}),
  };
}

/** One page of a query, and where the next starts. */
export async function page(query: Query, start?: Cursor): Promise<{ items: Item[]; next?: Cursor }> {
  const result = await dynamo().send("Query", queryInput(query, start));
  return { items: result.Items ?? [], ...(result.LastEvaluatedKey ? { next: result.LastEvaluatedKey } : {}) };
}

/** Every page of a query, one round trip each. */
export async function queryAll(query: Query): Promise<Item[]> {
  const items: Item[] = [];
  let start: Cursor | undefined;
  do {
    const next = await page(query, start);
    items.push(...next.items);
    start = next.next;
  } while (start);
  return items;
}

/**
 * Every item of the table that `filter` keeps, read a page at a time. For
 * one-off maintenance (a backfill) only: it reads the whole table, so no
 * request or schedule ever calls it.
 */
export async function scanAll(filter: Condition, fields?: readonly string[]): Promise<Item[]> {
  const items: Item[] = [];
  let start: Cursor | undefined;
  do {
    const expression = new Expression();
    const FilterExpression = expression.condition(filter);
    const result = await dynamo().send("Scan", {
      TableName: Table.name(),
      FilterExpression,
      ...projection(expression, fields),
      ...expression.maps(),
      ...(start ? { ExclusiveStartKey: start } : {}),
    });
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
  } while (start);
  return items;
}

/** How many items a query matches, reading none of them (one round trip a page). */
export async function count(query: Omit<Query, "fields">): Promise<number> {
  let total = 0;
  let start: Cursor | undefined;
  do {
    const result = await dynamo().send("Query", { ...queryInput(query, start), Select: "COUNT" });
    total += result.Count ?? 0;
    start = result.LastEvaluatedKey;
  } while (start);
  return total;
}

// Entities

type Shape = Record<string, z.ZodMiniType>;

/**
 * An entity: its items' `type`, the schema its values are parsed with on
 * every read (what is not in it is dropped), and its key from table.ts.
 * `meta` declares the bookkeeping its writers keep on the item beside the
 * value (leases, write ids): readable through `getRow`/`updateRow`, never
 * part of the value.
 */
export type Definition<S extends Shape, M extends Shape, A extends unknown[]> = {
  type: string;
  schema: z.ZodMiniObject<S>;
  key: (...args: A) => Key;
  meta?: z.ZodMiniObject<M>;
};

export type Entity<T, M, A extends unknown[]> = ReturnType<typeof defineEntity<T, M, A>>;

type WriteOptions<M> = { condition?: Condition; index?: IndexAttributes; meta?: Partial<M> };

export function entity<S extends Shape, A extends unknown[], M extends Shape = Record<never, never>>(
  definition: Definition<S, M, A>,
) {
  return defineEntity<z.output<z.ZodMiniObject<S>>, z.output<z.ZodMiniObject<M>>, A>(
    definition as unknown as Definition<Shape, Shape, A>,
  );
}

function defineEntity<T, M, A extends unknown[]>(definition: Definition<Shape, Shape, A>) {
  const metaSchema = z.partial(definition.meta ?? z.object({}));
  const parse = (item: Item): T => z.parse(definition.schema, item) as T;
  const row = (item: Item) => ({ value: parse(item), meta: z.parse(metaSchema, item) as Partial<M> });
  const itemOf = (key: Key, value: T, { index, meta }: WriteOptions<M> = {}): Item & Key => ({
    ...key,
    type: definition.type,
    ...(value as Item),
    ...index,
    ...(meta as Item),
  });
  /** Leaves out items of other entities, which a partition may hold beside ours (an index projection may not carry `type`). */
  const own = (items: Item[]) => items.filter((item) => item.type === undefined || item.type === definition.type);
  const picker = <F extends keyof T & string>(fields: readonly F[]) =>
    z.pick(definition.schema, Object.fromEntries(fields.map((field) => [field, true])) as Record<string, true>);

  return {
    type: definition.type,
    key: definition.key,
    schema: definition.schema,
    parse,
    /** The value and the bookkeeping beside it. */
    parseRow: row,
    /** The stored item a value becomes: for sizing it before the write. */
    item: itemOf,
    async get(key: Key, options: { consistent?: boolean } = {}): Promise<T | undefined> {
      const item = await get(key, options);
      return item && parse(item);
    },
    /** The value with the bookkeeping stored beside it. */
    async getRow(key: Key, options: { consistent?: boolean } = {}) {
      const item = await get(key, options);
      return item && row(item);
    },
    /** Only some attributes, of the value or its bookkeeping or its index keys. */
    async getFields<F extends keyof (T & M & IndexAttributes) & string>(
      key: Key,
      fields: readonly F[],
      options: { consistent?: boolean } = {},
    ): Promise<Partial<Pick<T & M & IndexAttributes, F>> | undefined> {
      return (await get(key, { ...options, fields })) as Partial<Pick<T & M & IndexAttributes, F>> | undefined;
    },
    async getMany(keys: Key[], options: { consistent?: boolean } = {}): Promise<T[]> {
      return own(await getMany(keys, options)).map(parse);
    },
    /** False when `condition` did not hold. */
    put: (key: Key, value: T, options: WriteOptions<M> = {}) => put(itemOf(key, value, options), options),
    putMany: (entries: { key: Key; value: T; index?: IndexAttributes }[]) =>
      putMany(entries.map(({ key, value, index }) => itemOf(key, value, { index }))),
    /** The value after the write; `undefined` when `condition` did not hold. */
    async updateAndGet(key: Key, plan: Plan, { condition }: { condition?: Condition } = {}): Promise<T | undefined> {
      const item = await update(key, plan, { condition, returning: "new" });
      return item && parse(item);
    },
    /** The value and its bookkeeping after the write; `undefined` when `condition` did not hold. */
    async updateRow(key: Key, plan: Plan, { condition }: { condition?: Condition } = {}) {
      const item = await update(key, plan, { condition, returning: "new" });
      return item && row(item);
    },
    /** False when `condition` did not hold. */
    update: (key: Key, plan: Plan, options: { condition?: Condition } = {}) => update(key, plan, options),
    /** As `update`, for a write that may create the item (an upsert, a counter): it is stamped with the entity's type. */
    upsert: (key: Key, plan: Plan, options: { condition?: Condition } = {}) =>
      update(key, [change.set("type", definition.type), ...plan], options),
    /** As `updateAndGet`, for a write that may create the item. */
    async upsertAndGet(key: Key, plan: Plan, { condition }: { condition?: Condition } = {}): Promise<T | undefined> {
      const item = await update(key, [change.set("type", definition.type), ...plan], { condition, returning: "new" });
      return item && parse(item);
    },
    /** False when `condition` did not hold. */
    delete: (key: Key, options: { condition?: Condition } = {}) => remove(key, options),
    /** Every page, parsed (the query must read whole items: the table, or an index that projects them). */
    async query(query: Omit<Query, "fields">): Promise<T[]> {
      return own(await queryAll(query)).map(parse);
    },
    /** Every page, only `fields` of each (what an index projects). */
    async queryFields<F extends keyof T & string>(
      query: Omit<Query, "fields">,
      fields: readonly F[],
    ): Promise<Pick<T, F>[]> {
      const schema = picker(fields);
      return (await queryAll({ ...query, fields })).map((item) => z.parse(schema, item) as Pick<T, F>);
    },
    /** One page of `fields`, and where the next starts. */
    async pageFields<F extends keyof T & string>(
      query: Omit<Query, "fields">,
      fields: readonly F[],
      start?: Cursor,
    ): Promise<{ items: Pick<T, F>[]; next?: Cursor }> {
      const schema = picker(fields);
      const result = await page({ ...query, fields }, start);
      return { ...result, items: result.items.map((item) => z.parse(schema, item) as Pick<T, F>) };
    },
  };
}

/** What reads of several entities need of each: its `type`, and its parser. */
export type Reader = { type: string; parse: (item: Item) => unknown };

/**
 * Reads a partition holding several entities in one query, each item parsed
 * by the entity its `type` names; others are left out.
 */
export async function queryEach<E extends Record<string, { type: string; parse: (item: Item) => unknown }>>(
  query: Omit<Query, "fields">,
  entities: E,
): Promise<{ [N in keyof E]: ReturnType<E[N]["parse"]>[] }> {
  const items = await queryAll(query);
  return Object.fromEntries(
    Object.entries(entities).map(([name, entity]) => [
      name,
      items.filter((item) => item.type === entity.type).map((item) => entity.parse(item)),
    ]),
  ) as { [N in keyof E]: ReturnType<E[N]["parse"]>[] };
}

/**
 * Reads items of several entities in one batch; each answer parsed by its
 * entity (`entity`, or `{ parse: entity.parseRow }` for its bookkeeping too),
 * absent when not stored.
 */
export async function getEach<E extends Record<string, [{ parse: (item: Item) => unknown }, Key]>>(
  wanted: E,
  { consistent = false }: { consistent?: boolean } = {},
): Promise<{ [N in keyof E]?: ReturnType<E[N][0]["parse"]> }> {
  const items = await getMany(
    Object.values(wanted).map(([, key]) => key),
    { consistent },
  );
  const found = new Map(items.map((item) => [`${item.pk}\u0000${item.sk}`, item]));
  return Object.fromEntries(
    Object.entries(wanted).flatMap(([name, [entity, key]]) => {
      const item = found.get(`${key.pk}\u0000${key.sk}`);
      return item ? [[name, entity.parse(item)]] : [];
    }),
  ) as { [N in keyof E]?: ReturnType<E[N][0]["parse"]> };
}

/** The keys a query finds (an index that projects keys only, or a list to read whole with `getManyEach`). */
export async function keys(query: Omit<Query, "fields">): Promise<Key[]> {
  return (await queryAll({ ...query, fields: ["pk", "sk"] })).map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) }));
}

/**
 * Reads keys of several entities in one batch read (100 keys a call), in the
 * order of `keys`; each item parsed by the entity its `type` names, others
 * (and keys with nothing stored) left out. As `queryEach`, for keys.
 */
export async function getManyEach<E extends Record<string, Reader>>(
  keys: Key[],
  entities: E,
  { consistent = false }: { consistent?: boolean } = {},
): Promise<{ [N in keyof E]: ReturnType<E[N]["parse"]>[] }> {
  const at = (key: Item) => `${key.pk}\u0000${key.sk}`;
  const found = new Map((await getMany(keys, { consistent })).map((item): [string, Item] => [at(item), item]));
  const inOrder = [...new Set(keys.map(at))].flatMap((where): Item[] => {
    const item = found.get(where);
    return item ? [item] : [];
  });
  return Object.fromEntries(
    Object.entries(entities).map(([name, entity]) => [
      name,
      inOrder.filter((item) => item.type === entity.type).map((item) => entity.parse(item)),
    ]),
  ) as { [N in keyof E]: ReturnType<E[N]["parse"]>[] };
}

/**
 * An item's size as DynamoDB counts it against its 400 KB limit: names and
 * strings in UTF-8 bytes, numbers by their digits, 3 bytes per list or map
 * plus 1 per element. Close enough to refuse an item before the write fails.
 */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number") return Math.ceil(String(value).replace(/^-|\.|e.*$/g, "").length / 2) + 1;
  if (value instanceof Set) return [...value].reduce((sum: number, v) => sum + valueSize(v), 0);
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + 1 + valueSize(v), 3);
  if (value && typeof value === "object") {
    return Object.entries(value).reduce((sum, [name, v]) => sum + 1 + Buffer.byteLength(name) + valueSize(v), 3);
  }
  return 1;
}
