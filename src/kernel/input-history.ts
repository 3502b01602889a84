/**
 * The session's input history, for `history_request` (messaging spec, "History"): the cells
 * run with `store_history`, numbered by their execution count, with the text of their
 * result. Kept in memory: each kernel start is a new session (`session` 1 is this one; 0 and
 * negative numbers count back from it, and earlier sessions are not kept).
 */
import type { HistoryEntry, HistoryRequest } from './messages';

export interface InputRecord {
  line: number;
  input: string;
  /** The result's text/plain, if the cell had one. */
  output: string | null;
}

export interface InputHistory {
  add(record: InputRecord): void;
  /** The entries a `history_request` asks for, in order. */
  query(request: HistoryRequest): HistoryEntry[];
}

export const SESSION = 1;

/** `*` any run of characters, `?` one character, as IPython's history search. */
function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${body}$`);
}

/**
 * Creates an empty history.
 *
 * @example
 * ```ts
 * const h = createInputHistory();
 * h.add({ line: 1, input: 'const a = 1;', output: null });
 * console.log(h.query({ hist_access_type: 'tail', n: 1 })); // [[1, 1, 'const a = 1;']]
 * ```
 */
export function createInputHistory(): InputHistory {
  const records: InputRecord[] = [];
  return {
    add(record) {
      records.push(record);
    },
    query(req) {
      const kind = req.hist_access_type ?? 'tail';
      const int = (v: unknown, d: number) => (typeof v === 'number' && Number.isInteger(v) ? v : d);
      let picked: InputRecord[];
      if (kind === 'range') {
        const session = int(req.session, 0);
        if (session !== 0 && session !== SESSION) return [];
        const start = int(req.start, 1);
        const stop = req.stop === undefined || req.stop === null ? Infinity : int(req.stop, Infinity);
        picked = records.filter((r) => r.line >= start && r.line < stop);
      } else if (kind === 'search') {
        const re = globToRegExp(typeof req.pattern === 'string' ? req.pattern : '*');
        picked = records.filter((r) => re.test(r.input));
        if (req.unique) {
          const seen = new Set<string>();
          picked = picked.reverse().filter((r) => !seen.has(r.input) && seen.add(r.input)).reverse();
        }
        const n = int(req.n, 0);
        if (n > 0) picked = picked.slice(-n);
      } else {
        const n = int(req.n, 10);
        picked = n > 0 ? records.slice(-n) : [];
      }
      return picked.map((r): HistoryEntry => (req.output ? [SESSION, r.line, [r.input, r.output]] : [SESSION, r.line, r.input]));
    },
  };
}
