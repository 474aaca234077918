/**
 * The statement-of-reasons templates operators pick a decision's ground
 * from (DSA Art. 17). The defaults below hold until operators edit the list;
 * the edited list is one item, read along with what a decision mail reads.
 */
import * as z from "zod/mini";
import * as Store from "./store";
import * as Table from "./table";
import { parse } from "./validation";

export const Ground = z.object({
  id: z
    .string()
    .check(z.trim(), z.regex(/^[a-z0-9_]{1,40}$/, "A ground's id is 1 to 40 lower-case letters, digits or _.")),
  label: z.string().check(z.trim(), z.minLength(1, "Give the ground a label."), z.maxLength(100)),
  text: z.string().check(z.trim(), z.minLength(1, "Give the ground its text."), z.maxLength(2000)),
});
export type Ground = z.output<typeof Ground>;

export const DEFAULTS: readonly Ground[] = [
  {
    id: "infringement_confirmed",
    label: "Infringement confirmed",
    text: "The notice showed that you hold the rights in the work and that our copy was not licensed, so we removed it.",
  },
  {
    id: "licence_in_place",
    label: "Licence in place",
    text: "We republish this material under a licence or agreement that covers it, so we keep it up.",
  },
  {
    id: "not_our_content",
    label: "Not our content",
    text: "The material the notice names is not published on our site, so there is nothing for us to remove.",
  },
  {
    id: "insufficient_information",
    label: "Insufficient information",
    text: "The notice does not give enough information to identify the work, the material or your rights in it.",
  },
  {
    id: "duplicate",
    label: "Duplicate",
    text: "An earlier notice about the same material has already been decided.",
  },
  { id: "other", label: "Other", text: "See the explanation below." },
];

const stored = Store.entity({
  type: "grounds",
  schema: z.object({ grounds: z.array(Ground) }),
  key: () => Table.key.grounds(),
});

/** The list operators edited, for a batch read that fetches it along with other items. */
export const reader = { entity: stored, key: () => stored.key() };

/** The templates in force: operators' edited list, or the defaults. */
export async function list(): Promise<Ground[]> {
  return (await stored.get(stored.key()))?.grounds ?? [...DEFAULTS];
}

/** Replaces the templates; an empty list brings the defaults back. */
export async function save(input: unknown): Promise<Ground[]> {
  const grounds = parse(
    z
      .array(Ground)
      .check(
        z.refine((list) => new Set(list.map((g) => g.id)).size === list.length, "Each ground needs an id of its own."),
      ),
    input,
  );
  if (!grounds.length) {
    await stored.delete(stored.key());
    return [...DEFAULTS];
  }
  await stored.put(stored.key(), { grounds });
  return grounds;
}

/** The ground a decision names, from `list` (or the defaults); an id no longer listed still reads as itself. */
export function find(id: string | undefined, list: readonly Ground[] = DEFAULTS): Ground | undefined {
  if (!id) return undefined;
  return list.find((g) => g.id === id) ?? DEFAULTS.find((g) => g.id === id) ?? { id, label: id, text: "" };
}
