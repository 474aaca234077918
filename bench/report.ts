/**
 * The bench's one table: every figure beside the floor, limit or baseline it
 * is judged against, measured in the same run. Sections are built by the
 * runners in bench/ (bench/index.ts lists them); a later runner, such as
 * bench/feeds.ts, adds its own section without touching this file.
 */

/**
 * `compare` says how ours is judged against the reference: `floor` (fewest
 * possible; ✗ above it), `at-most` (a limit or a target ratio for a cost,
 * ✗ above `target` × reference), `at-least` (a baseline to keep up with, ✗
 * below `target` × reference). Rows without a reference are plain figures.
 */
export type Row = {
  figure: string;
  ours: number;
  unit?: string;
  reference?: number;
  /** What the reference column holds, when it is not the floor: "limit", "raw PutItem"… */
  referenceLabel?: string;
  compare?: "floor" | "at-most" | "at-least";
  /** The ratio ours/reference must keep (1 unless told). */
  target?: number;
  /** A ratio measured in pairs (median of ours/baseline per round), used instead of ours/reference. */
  ratio?: number;
  note?: string;
};

export type Section = { title: string; rows: Row[] };

/** The middle of a run's repeated measurements, which a moment of a busy machine cannot move. */
export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export type Judged = Row & { ratio?: number; met?: boolean };

export function judge(row: Row): Judged {
  if (row.reference === undefined) return row;
  const target = row.target ?? 1;
  const ratio = row.ratio ?? (row.reference === 0 ? (row.ours === 0 ? 1 : Infinity) : row.ours / row.reference);
  if (!row.compare) return { ...row, ratio };
  const met =
    row.compare === "at-least" ? ratio >= target : row.reference === 0 ? row.ours === 0 : ratio <= target + 1e-9;
  return { ...row, ratio, met };
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "∞";
  if (Number.isInteger(value)) return value.toLocaleString("en");
  if (Math.abs(value) < 1) return String(Number(value.toPrecision(3)));
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "∞";
  return ratio >= 1 || ratio === 0 ? formatNumber(Number(ratio.toFixed(2))) : String(Number(ratio.toPrecision(2)));
}

function cells(row: Judged): string[] {
  const unit = row.unit ? ` ${row.unit}` : "";
  const reference =
    row.reference === undefined
      ? ""
      : `${formatNumber(row.reference)}${unit}${row.referenceLabel ? ` (${row.referenceLabel})` : ""}`;
  const target =
    row.target !== undefined && row.target !== 1
      ? ` (target ${row.compare === "at-least" ? "≥" : "≤"} ${row.target}×)`
      : "";
  const ratio = row.ratio === undefined ? "" : `${formatRatio(row.ratio)}×${target}`;
  const mark = row.met === undefined ? "" : row.met ? "✓" : "✗";
  return [row.figure, `${formatNumber(row.ours)}${unit}`, reference, ratio, mark, row.note ?? ""];
}

const HEADER = ["figure", "ours", "floor or baseline", "ratio", "", "note"];

/** The table as Markdown, one block per section, ready to paste into docs/performance.md. */
export function render(sections: Section[]): string {
  const lines: string[][] = [HEADER, HEADER.map(() => "---")];
  for (const section of sections) {
    lines.push([`**${section.title}**`, "", "", "", "", ""]);
    for (const row of section.rows) lines.push(cells(judge(row)));
  }
  const widths = HEADER.map((_, i) => Math.max(...lines.map((line) => [...line[i]!].length)));
  return lines
    .map(
      (line) =>
        `| ${line.map((cell, i) => (cell === "---" ? "-".repeat(widths[i]!) : cell.padEnd(widths[i]!))).join(" | ")} |`,
    )
    .join("\n");
}

/** What bench/results.json holds: every row, judged, and which targets were missed. */
export function results(sections: Section[], meta: Record<string, unknown>) {
  const judged = sections.map((section) => ({ title: section.title, rows: section.rows.map(judge) }));
  const missed = judged.flatMap((section) =>
    section.rows.filter((row) => row.met === false).map((row) => `${section.title}: ${row.figure}`),
  );
  return { ...meta, sections: judged, missed };
}
