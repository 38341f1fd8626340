import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { AppError, ErrorCode } from '../../graphql/errors.js';

/** An input column as the parser checks it. */
export interface ColumnRule {
  name: string;
  min: number;
  max: number;
}

/** One thing wrong with a table: where (data row, 1-based; column) and what. */
export interface CsvProblem {
  /** The data row (1 = the first line after the header); null for the file or its header. */
  row: number | null;
  column: string | null;
  message: string;
}

/** At most this many problems are reported: enough to fix a file, never a megabyte of errors. */
export const MAX_PROBLEMS = 20;
/** Data rows one assessment table may hold. */
export const MAX_ROWS = 10_000;

/** A plain decimal number (no hex, no `Infinity`, no blanks): what a spreadsheet writes. */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/;

/** Where a problem is, as a `BAD_USER_INPUT` field path under `field`. */
function pathOf(field: string, problem: CsvProblem): string {
  if (problem.row === null)
    return problem.column === null ? field : `${field}.header.${problem.column}`;
  return `${field}.rows.${problem.row}${problem.column === null ? '' : `.${problem.column}`}`;
}

/** A human-readable place: `row 17, column x3`. */
export function describe(problem: CsvProblem): string {
  const where = [
    problem.row === null ? (problem.column === null ? null : 'header') : `row ${problem.row}`,
    problem.column === null ? null : `column ${problem.column}`,
  ].filter((part) => part !== null);
  return where.length === 0 ? problem.message : `${where.join(', ')}: ${problem.message}`;
}

/**
 * A table that failed validation: `BAD_USER_INPUT` with `extensions.fields` keyed by place
 * (`input.fileId.rows.17.x3`) and `extensions.problems` as `{ row, column, message }`, the first
 * {@link MAX_PROBLEMS} at most.
 */
export class AssessmentCsvError extends AppError {
  readonly code = ErrorCode.BadUserInput;
  constructor(field: string, problems: readonly CsvProblem[]) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const fields: Record<string, string> = {};
    for (const problem of shown) fields[pathOf(field, problem)] ??= describe(problem);
    super(
      `The assessment table is invalid: ${describe(shown[0] ?? { row: null, column: null, message: 'unreadable' })}${shown.length > 1 ? ` (and ${shown.length - 1} more)` : ''}.`,
      { code: ErrorCode.BadUserInput, fields, problems: shown },
    );
  }
}

/** A table that passed: its values in the columns' order, and the normalised CSV text. */
export interface ValidTable {
  rows: number[][];
  normalised: string;
}

/**
 * Parses an assessment CSV (UTF-8, optional BOM, comma-separated, a header line) with csv-parse
 * and checks it against the columns: the header names each column once and nothing else; every
 * row has every column, as a plain number within the column's range. Throws
 * {@link AssessmentCsvError} naming row and column of each problem (the first 20).
 */
export function validateTable(
  text: string,
  columns: readonly ColumnRule[],
  field: string,
): ValidTable {
  const problems: CsvProblem[] = [];
  const fail = (): never => {
    throw new AssessmentCsvError(field, problems);
  };
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    problems.push({ row: null, column: null, message: 'the file is empty' });
    fail();
  }
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = typeof error['lines'] === 'number' ? error['lines'] : null;
    problems.push({
      row: line === null ? null : Math.max(line - 1, 0),
      column: null,
      message: `is not valid CSV (${error.code})`,
    });
    return fail();
  }
  const [header = [], ...data] = records;
  const expected = new Set(columns.map((column) => column.name));
  const seen = new Set<string>();
  for (const name of header) {
    if (!expected.has(name))
      problems.push({
        row: null,
        column: name || '(blank)',
        message: 'is not a column of this assessment',
      });
    else if (seen.has(name)) problems.push({ row: null, column: name, message: 'appears twice' });
    seen.add(name);
  }
  for (const column of columns)
    if (!seen.has(column.name))
      problems.push({ row: null, column: column.name, message: 'is missing from the header' });
  if (problems.length > 0) fail();
  if (data.length === 0) {
    problems.push({ row: null, column: null, message: 'has a header but no data rows' });
    fail();
  }
  if (data.length > MAX_ROWS) {
    problems.push({
      row: null,
      column: null,
      message: `has ${data.length} rows; at most ${MAX_ROWS}`,
    });
    fail();
  }
  const index = columns.map((column) => header.indexOf(column.name));
  const rows: number[][] = [];
  for (const [i, record] of data.entries()) {
    const row = i + 1;
    if (record.length !== header.length) {
      problems.push({
        row,
        column: null,
        message: `has ${record.length} fields; the header has ${header.length}`,
      });
    } else {
      const values: number[] = [];
      for (const [c, column] of columns.entries()) {
        const raw = record[index[c]!] ?? '';
        if (raw === '') {
          problems.push({ row, column: column.name, message: 'is required' });
          continue;
        }
        const value = NUMBER.test(raw) ? Number(raw) : Number.NaN;
        if (!Number.isFinite(value))
          problems.push({
            row,
            column: column.name,
            message: `"${raw.slice(0, 20)}" is not a number`,
          });
        else if (value < column.min || value > column.max)
          problems.push({
            row,
            column: column.name,
            message: `${value} is outside [${column.min}, ${column.max}]`,
          });
        else values.push(value);
      }
      rows.push(values);
    }
    if (problems.length >= MAX_PROBLEMS) break;
  }
  if (problems.length > 0) fail();
  const normalised =
    [columns.map((column) => column.name).join(','), ...rows.map((row) => row.join(','))].join(
      '\n',
    ) + '\n';
  return { rows, normalised };
}

/** The model's score of a table: the mean over its rows of intercept + Σ coefficient × value. */
export function linearScore(
  rows: readonly number[][],
  coefficients: readonly number[],
  intercept: number,
): number {
  if (rows.length === 0) return Number.NaN;
  let total = 0;
  for (const row of rows) {
    let y = intercept;
    for (const [i, coefficient] of coefficients.entries()) y += coefficient * (row[i] ?? 0);
    total += y;
  }
  return total / rows.length;
}
