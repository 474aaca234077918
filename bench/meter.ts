/**
 * Counts what the app asks of DynamoDB: calls by command, and the capacity
 * units DynamoDB would bill, through an interceptor on the shared client. Each
 * call is sent with `ReturnConsumedCapacity: "TOTAL"` and the units it
 * returns are summed (dynalite computes them the way DynamoDB bills the
 * table: 1 WCU per KB written, the larger of the old and new item; 1 RCU per
 * 4 KB read consistently, half when eventually consistent; every item of a
 * batch rounded on its own). Index write units are not in dynalite's answer:
 * they are worked out from the written items before and after each write
 * (bench/index-units.ts).
 */
import { intercept, type Call } from "../tests/support/dynamo-calls";
import { indexUnits, keyText, snapshot, writtenKeys } from "./index-units";

const READS = new Set(["GetItemCommand", "BatchGetItemCommand", "QueryCommand", "ScanCommand"]);

/** `wcu` is the table's; `indexWcu` what the writes cost in each index besides. */
export type Tally = {
  calls: number;
  byCommand: Record<string, number>;
  rcu: number;
  wcu: number;
  indexWcu: Record<string, number>;
};

export const emptyTally = (): Tally => ({ calls: 0, byCommand: {}, rcu: 0, wcu: 0, indexWcu: {} });

type Consumed = { CapacityUnits?: number } | { CapacityUnits?: number }[] | undefined;

/** Units from a call's answer: one entry, or one per table for batch calls. */
export function unitsOf(consumed: Consumed): number {
  if (!consumed) return 0;
  return (Array.isArray(consumed) ? consumed : [consumed]).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
}

/** "BatchGetItemCommand" → "BatchGetItem"; the name DynamoDB's docs use. */
export const commandName = (command: string) => command.replace(/Command$/, "");

export function add(tally: Tally, command: string, units: number): void {
  const name = commandName(command);
  tally.calls++;
  tally.byCommand[name] = (tally.byCommand[name] ?? 0) + 1;
  if (READS.has(command)) tally.rcu += units;
  else tally.wcu += units;
}

export function addIndexUnits(tally: Tally, units: Record<string, number>): void {
  for (const [index, count] of Object.entries(units)) tally.indexWcu[index] = (tally.indexWcu[index] ?? 0) + count;
}

export const totalIndexWcu = (tally: Tally) => Object.values(tally.indexWcu).reduce((sum, units) => sum + units, 0);

/** "1 BatchGetItem + 2 UpdateItem", for the table's note column. */
export function describe(tally: Tally): string {
  return (
    Object.entries(tally.byCommand)
      .map(([name, count]) => `${count} ${name}`)
      .join(" + ") || "no call"
  );
}

let active: { tally: Tally; calls: Call[] } | undefined;

/** Starts counting every call on the shared client; returns the function that stops. */
export function install(): () => void {
  return intercept(async (call, send) => {
    call.input.ReturnConsumedCapacity = "TOTAL";
    const counting = active;
    const keys = counting ? writtenKeys(call) : [];
    const before = await snapshot(keys);
    try {
      const output = (await send()) as { ConsumedCapacity?: Consumed };
      if (counting) {
        add(counting.tally, call.command, unitsOf(output.ConsumedCapacity));
        const after = await snapshot(keys);
        for (const key of keys)
          addIndexUnits(counting.tally, indexUnits(before.get(keyText(key)), after.get(keyText(key))));
      }
      return output;
    } catch (error) {
      // A write whose condition failed is still billed (at least 1 unit), and answers with no units.
      if (counting) add(counting.tally, call.command, 1);
      throw error;
    } finally {
      counting?.calls.push(call);
    }
  });
}

/**
 * The calls `task` makes and their units. Measured one task at a time: calls
 * from anything else running meanwhile would be counted too.
 */
export async function measure<T>(task: () => Promise<T>): Promise<{ result: T; tally: Tally; calls: Call[] }> {
  if (active) throw new Error("measure() does not nest");
  const counting = { tally: emptyTally(), calls: [] as Call[] };
  active = counting;
  try {
    return { result: await task(), ...counting };
  } finally {
    active = undefined;
  }
}
