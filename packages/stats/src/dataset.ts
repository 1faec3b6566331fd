/**
 * Labelled data sets as uploaded: CSV (RFC 4180: comma-separated, a header row, fields quoted with
 * `"` and `""` for a quote inside, quoted fields may span lines) or JSONL (one JSON object per
 * line). Every value becomes a string; every problem names its line, so a person can fix the file
 * instead of guessing. Browser-safe: the studio parses locally to offer the columns, the server
 * parses again as the authority.
 */

export type DatasetFormat = "csv" | "jsonl";

export interface DatasetRow {
  /** 1-based line of the file where the row starts. */
  line: number;
  values: Record<string, string>;
}

export interface Dataset {
  format: DatasetFormat;
  columns: string[];
  rows: DatasetRow[];
}

export interface DatasetProblem {
  /** 1-based line; 0 for the file as a whole. */
  line: number;
  message: string;
}

export type ParseDatasetResult = { ok: true; dataset: Dataset } | { ok: false; problems: DatasetProblem[] };

export interface DatasetLimits {
  /** Default 20 000 rows. */
  maxRows?: number;
  /** Default 5 MiB of UTF-8. */
  maxBytes?: number;
  /** Default 200. */
  maxColumns?: number;
}

export const DATASET_LIMITS = { maxRows: 20_000, maxBytes: 5 * 1024 * 1024, maxColumns: 200 } as const;
/** Listing more than this many problems helps nobody; the count says how many more there were. */
const MAX_PROBLEMS = 20;

/** "csv" or "jsonl" from a file name; undefined when the extension says neither. */
export function formatFromFileName(fileName: string): DatasetFormat | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  return undefined;
}

export function parseDataset(text: string, format: DatasetFormat, limits: DatasetLimits = {}): ParseDatasetResult {
  const maxBytes = limits.maxBytes ?? DATASET_LIMITS.maxBytes;
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > maxBytes) {
    return { ok: false, problems: [{ line: 0, message: `the file is ${bytes} bytes; the limit is ${maxBytes} bytes` }] };
  }
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const result = format === "csv" ? parseCsv(clean) : parseJsonl(clean);
  if (!result.ok) return result;
  const maxRows = limits.maxRows ?? DATASET_LIMITS.maxRows;
  const maxColumns = limits.maxColumns ?? DATASET_LIMITS.maxColumns;
  const problems: DatasetProblem[] = [];
  if (result.dataset.rows.length === 0) problems.push({ line: 0, message: "the file has no data rows" });
  if (result.dataset.rows.length > maxRows) {
    problems.push({ line: 0, message: `the file has ${result.dataset.rows.length} rows; the limit is ${maxRows}` });
  }
  if (result.dataset.columns.length > maxColumns) {
    problems.push({ line: 0, message: `the file has ${result.dataset.columns.length} columns; the limit is ${maxColumns}` });
  }
  return problems.length > 0 ? { ok: false, problems } : result;
}

function finish(problems: DatasetProblem[], extra: number): DatasetProblem[] {
  if (extra > 0) problems.push({ line: 0, message: `and ${extra} more problem${extra === 1 ? "" : "s"}` });
  return problems;
}

/** Splits CSV text into records, each with the line it starts on. */
function csvRecords(text: string): { records: { line: number; fields: string[] }[]; problem?: DatasetProblem } {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quoteLine = 0;
  let fieldStarted = false;
  let afterQuote = false;
  const endField = () => {
    fields.push(field);
    field = "";
    fieldStarted = false;
    afterQuote = false;
  };
  const endRecord = () => {
    endField();
    // A blank line is no record (also the trailing newline at the end of a file).
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          afterQuote = true;
        }
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (fieldStarted || afterQuote) {
        return { records, problem: { line, message: 'a quote (") inside an unquoted field; quote the whole field and double the quote ("")' } };
      }
      inQuotes = true;
      quoteLine = line;
      fieldStarted = true;
    } else if (ch === ",") {
      endField();
    } else if (ch === "\r" && text[i + 1] === "\n") {
      // CRLF: the \n ends the record.
    } else if (ch === "\n" || ch === "\r") {
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (afterQuote) return { records, problem: { line, message: "text after a closing quote; a quoted field must end at a comma or line end" } };
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) return { records, problem: { line: quoteLine, message: "a quoted field is never closed" } };
  endRecord();
  return { records };
}

function checkHeader(columns: string[], line: number): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (c === "") problems.push({ line, message: `column ${i + 1} has no name` });
    else if (seen.has(c)) problems.push({ line, message: `column name '${c}' appears twice` });
    seen.add(c);
  });
  return problems;
}

function parseCsv(text: string): ParseDatasetResult {
  const { records, problem } = csvRecords(text);
  if (problem) return { ok: false, problems: [problem] };
  const [header, ...body] = records;
  if (!header) return { ok: false, problems: [{ line: 0, message: "the file is empty; the first line must name the columns" }] };
  const columns = header.fields.map((c) => c.trim());
  const problems = checkHeader(columns, header.line);
  let extra = 0;
  const rows: DatasetRow[] = [];
  for (const record of body) {
    if (record.fields.length !== columns.length) {
      if (problems.length < MAX_PROBLEMS) {
        problems.push({ line: record.line, message: `${record.fields.length} fields; the header has ${columns.length}` });
      } else extra++;
      continue;
    }
    const values: Record<string, string> = {};
    columns.forEach((c, i) => (values[c] = record.fields[i]!));
    rows.push({ line: record.line, values });
  }
  if (problems.length > 0) return { ok: false, problems: finish(problems, extra) };
  return { ok: true, dataset: { format: "csv", columns, rows } };
}

function parseJsonl(text: string): ParseDatasetResult {
  const lines = text.split(/\r?\n/);
  const columns: string[] = [];
  const known = new Set<string>();
  const rows: DatasetRow[] = [];
  const problems: DatasetProblem[] = [];
  let extra = 0;
  const report = (line: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ line, message });
    else extra++;
  };
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      report(line, `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      report(line, "each line must be a JSON object, e.g. {\"text\": \"...\", \"label\": \"joy\"}");
      return;
    }
    const values: Record<string, string> = {};
    for (const [key, v] of Object.entries(value)) {
      if (v !== null && typeof v === "object") {
        report(line, `field '${key}' holds ${Array.isArray(v) ? "an array" : "an object"}; use a string, number or boolean`);
        return;
      }
      values[key] = v === null ? "" : String(v);
      if (!known.has(key)) {
        known.add(key);
        columns.push(key);
      }
    }
    rows.push({ line, values });
  });
  if (problems.length > 0) return { ok: false, problems: finish(problems, extra) };
  // A key missing on some lines reads as empty there, as a blank CSV cell would.
  for (const row of rows) for (const c of columns) row.values[c] ??= "";
  return { ok: true, dataset: { format: "jsonl", columns, rows } };
}
