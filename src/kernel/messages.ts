/**
 * The contents of the Jupyter messages the kernel handles and sends (messaging spec 5.3,
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html), typed as tslab's own
 * jupyter.ts types them. Type-only, apart from the list of requests and the reply builders,
 * so every reply is made in one place.
 */

/** What every reply carries when its request failed. */
export interface ErrorContent {
  status: 'error';
  /** Exception name, e.g. 'TypeError'. */
  ename: string;
  /** Exception value (its message). */
  evalue: string;
  /** Traceback lines. */
  traceback: string[];
}

export type MimeBundle = Record<string, unknown>;

export interface KernelInfoReply {
  status: 'ok';
  protocol_version: string;
  implementation: string;
  implementation_version: string;
  language_info: {
    name: string;
    version: string;
    mimetype: string;
    file_extension: string;
    pygments_lexer?: string;
    codemirror_mode?: string | Record<string, unknown>;
    nbconvert_exporter?: string;
  };
  banner: string;
  help_links?: Array<{ text: string; url: string }>;
}

export interface ExecuteRequest {
  code: string;
  silent?: boolean;
  store_history?: boolean;
  user_expressions?: Record<string, string>;
  allow_stdin?: boolean;
  stop_on_error?: boolean;
}

export type ExecuteReply =
  | { status: 'ok'; execution_count: number; user_expressions: Record<string, unknown>; payload: Array<Record<string, unknown>> }
  | (ErrorContent & { execution_count: number });

export interface CompleteRequest {
  code: string;
  cursor_pos: number;
}
export interface CompleteReply {
  status: 'ok';
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: Record<string, unknown>;
}

export interface InspectRequest {
  code: string;
  cursor_pos: number;
  detail_level?: 0 | 1;
}
export interface InspectReply {
  status: 'ok';
  found: boolean;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

export interface IsCompleteRequest {
  code: string;
}
export type IsCompleteReply = { status: 'complete' | 'invalid' | 'unknown' } | { status: 'incomplete'; indent: string };

export interface HistoryRequest {
  output?: boolean;
  raw?: boolean;
  hist_access_type?: 'range' | 'tail' | 'search';
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}
/** `[session, line, input]`, or `[session, line, [input, output]]` when output was asked for. */
export type HistoryEntry = [number, number, string] | [number, number, [string, string | null]];
export interface HistoryReply {
  status: 'ok';
  history: HistoryEntry[];
}

export interface CommInfoRequest {
  target_name?: string;
}
export interface CommInfoReply {
  status: 'ok';
  comms: Record<string, { target_name: string }>;
}

export interface ShutdownRequest {
  restart?: boolean;
}
export interface ShutdownReply {
  status: 'ok';
  restart: boolean;
}

export interface InterruptReply {
  status: 'ok';
}

/** Each request the kernel answers, and its reply's content. */
export interface Replies {
  kernel_info_request: KernelInfoReply;
  execute_request: ExecuteReply;
  complete_request: CompleteReply;
  inspect_request: InspectReply;
  is_complete_request: IsCompleteReply;
  history_request: HistoryReply;
  comm_info_request: CommInfoReply;
  shutdown_request: ShutdownReply;
  interrupt_request: InterruptReply;
}
export type RequestType = keyof Replies;
export type ReplyType<R extends RequestType> = R extends `${infer B}_request` ? `${B}_reply` : never;

export const REQUEST_TYPES: readonly RequestType[] = [
  'kernel_info_request',
  'execute_request',
  'complete_request',
  'inspect_request',
  'is_complete_request',
  'history_request',
  'comm_info_request',
  'shutdown_request',
  'interrupt_request',
];

/** IOPub messages and their contents. */
export interface IopubContents {
  status: { execution_state: 'starting' | 'busy' | 'idle' };
  stream: { name: 'stdout' | 'stderr'; text: string };
  execute_input: { code: string; execution_count: number };
  execute_result: { execution_count: number; data: MimeBundle; metadata: Record<string, unknown> };
  display_data: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id?: string } };
  update_display_data: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id: string } };
  clear_output: { wait: boolean };
  error: { ename: string; evalue: string; traceback: string[] };
  comm_open: { comm_id: string; target_name: string; data: Record<string, unknown> };
  comm_msg: { comm_id: string; data: Record<string, unknown> };
  comm_close: { comm_id: string; data: Record<string, unknown> };
}
export type IopubType = keyof IopubContents;

/** The reply type of `request` (`execute_request` → `execute_reply`). */
export function replyTypeOf<R extends RequestType>(request: R): ReplyType<R> {
  return request.replace(/_request$/, '_reply') as ReplyType<R>;
}

/** The error content of a reply (or of an `error` message, without `status`). */
export function errorContent(ename: string, evalue: string, traceback: string[] = []): ErrorContent {
  return { status: 'error', ename, evalue, traceback };
}
