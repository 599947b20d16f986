// Types of @parley/client: every REST body and WebSocket frame it uses (docs/protocol.md).

/** Ids and seqs are integers below 2^53; times are milliseconds since the epoch. */
export type Id = number;

export type EntryKind = 'text' | 'created' | 'members_added' | 'member_removed' | 'member_left' | 'renamed'
  | 'role_changed' | 'request_accepted' | 'reaction_added' | 'reaction_removed' | 'edited' | 'deleted';

export interface Mention { userId: Id; offset: number; length: number; }

/** One history entry (a message object / `message` frame without `type`). */
export interface Entry {
  conversationId: Id;
  seq: number;
  ts: number;
  senderId?: Id;
  senderDeviceId?: Id;
  clientId?: string;
  kind: EntryKind | string;
  body?: string;
  title?: string;
  userIds?: Id[];
  role?: 'owner' | 'admin' | 'member';
  /** A reply: the seq it answers, and what that entry was. */
  replyTo?: number;
  quote?: { seq: number; senderId: Id; kind: string; excerpt?: string; deleted?: true };
  /** An action (reaction, edit, deletion): the seq of the message it acts on. */
  targetSeq?: number;
  /** A text's current state, as the node held it when this copy was read. */
  editedAt?: number;
  deletedAt?: number;
  deletedBy?: Id;
  mentions?: Mention[];
  reactions?: Record<string, Id[]>;
  /** Files the message carries (ids of uploads; fetch them with GET /v1/attachments/{id}/content). */
  attachments?: Attachment[];
  /** Set by this client on the entry of its own send, taken from the answer. */
  own?: boolean;
}

export interface Receipt { conversationId: Id; userId: Id; delivered: number; read: number; }
export interface Resync { conversationId: Id; latestSeq: number; }
export interface Typing { conversationId: Id; userId: Id; typing: boolean; }
export interface Presence { userId: Id; online: boolean; lastSeen: number; }

export interface Profile {
  userId: Id; username: string; displayName: string | null; status: string | null; avatar: string | null;
  deleted: boolean; bot?: true;
}

/** `{conversationId: seq}` with conversation ids as decimal strings. */
export type Positions = Record<string, number>;

/** The answer to `POST /v1/sync`. */
export interface SyncPage {
  entries: Entry[];
  receipts: Receipt[];
  resync: Resync[];
  positions: Positions;
  more: boolean;
}

/** What `sent` carries, and the answer to `POST /v1/conversations/{id}/messages`. */
export interface Sent { clientId: string; conversationId: Id; seq: number; ts: number; }

export interface Member extends Profile { role: 'owner' | 'admin' | 'member'; delivered: number; read: number; }

export interface ConversationObject {
  conversationId: Id; kind: 'direct' | 'group'; title: string | null; createdAt: number; lastSeq: number;
  lastActivityAt: number; members: Member[]; peer?: Profile; request?: boolean;
}

export interface ConversationLine {
  conversationId: Id; kind: 'direct' | 'group'; title: string | null; lastSeq: number; lastActivityAt: number;
  role: string; delivered: number; read: number; unread: number; lastMessage: Entry | null; peer?: Profile;
  request?: boolean;
}

export interface ConversationList { conversations: ConversationLine[]; nextCursor: string | null; }
export interface HistoryPage { conversationId: Id; messages: Entry[]; hasMore: boolean; }
export interface Account { userId: Id; username: string; }

/** An uploaded file (`POST /v1/attachments`), as messages carry it. */
export interface Attachment { id: Id; name: string; contentType: string; size: number; sha256: string; width?: number; height?: number; }

export interface SearchHit { conversationId: Id; seq: number; senderId: Id; ts: number; snippet: string; highlights: [number, number][]; }
/** The answer to `GET /v1/search`: pass `next` as `before` for the following page. */
export interface SearchPage { hits: SearchHit[]; next: string | null; }

export interface Block extends Profile { blockedAt?: number; }
export interface Report {
  userId?: Id; conversationId?: Id; seqs?: number[];
  reason: 'spam' | 'harassment' | 'impersonation' | 'inappropriate' | 'other'; note?: string;
}
export interface Login { token: string; userId: Id; deviceId: Id; }

/** Frames a client sends over the WebSocket. */
export type ClientFrame =
  | { type: 'auth'; token: string; positions?: Positions; rid?: string }
  | { type: 'send'; clientId: string; conversationId: Id; body?: string; replyTo?: number; mentions?: Mention[]; attachments?: Id[];
      rid?: string }
  | { type: 'react'; clientId: string; conversationId: Id; targetSeq: number; emoji: string; remove?: boolean;
      rid?: string }
  | { type: 'edit'; clientId: string; conversationId: Id; targetSeq: number; body: string; rid?: string }
  | { type: 'delete'; clientId: string; conversationId: Id; targetSeq: number; rid?: string }
  | { type: 'delivered' | 'read'; conversationId: Id; seq: number; rid?: string }
  | { type: 'typing'; conversationId: Id; typing: boolean; rid?: string }
  | { type: 'watch'; userIds: Id[]; rid?: string }
  | { type: 'ping'; rid?: string };

/** Frames the node sends over the WebSocket. */
export type ServerFrame =
  | { type: 'ready'; userId: Id; deviceId: Id; heartbeatMs: number; maxFrameBytes: number; maxBodyBytes: number;
      sendsPerSecond: number }
  | ({ type: 'sent'; rid?: string } & Sent)
  | ({ type: 'message' } & Entry)
  | ({ type: 'receipt' } & Receipt)
  | ({ type: 'typing' } & Typing)
  | ({ type: 'presence' } & Presence)
  | ({ type: 'profile' } & Profile)
  | { type: 'request'; conversationId: Id; userId: Id }
  | ({ type: 'resync' } & Resync)
  | { type: 'synced'; conversations: number; messages: number }
  | { type: 'ok'; rid: string; request: string }
  | { type: 'pong'; rid?: string }
  | { type: 'error'; code: string; message: string; request?: string; rid?: string; clientId?: string;
      conversationId?: Id; retryAfterMs?: number };

/**
 * `connecting` (a WebSocket opening, `auth` unanswered), `syncing` (`ready`: catching up), `live`
 * (`synced`), `pulling` (long polls instead of a WebSocket), `waiting` (dropped: `stateInfo.retryAt`
 * says when it tries again), `stopped` (the node refused the token), `closed` (by `close()`).
 */
export type State = 'idle' | 'connecting' | 'syncing' | 'live' | 'pulling' | 'waiting' | 'stopped' | 'closed';

export interface StateInfo { retryAt?: number; code?: number; offline?: boolean; }

export interface Events {
  message: Entry;
  receipt: Receipt;
  resync: Resync;
  ready: Extract<ServerFrame, { type: 'ready' }>;
  synced: { conversations: number; messages: number };
  typing: Typing;
  presence: Presence;
  profile: Profile;
  request: { conversationId: Id; userId: Id };
  state: State;
  /** The node no longer takes the token (a REST 401, or a close code 4001, 4003, 4004, 4005). */
  rejected: ParleyError;
  error: ParleyError;
}

export class ParleyError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterMs?: number;
  /** Set when the WebSocket was closed for good: the close code. */
  readonly closeCode?: number;
  get retryable(): boolean;
}

export interface ClientOptions {
  /** Defaults to the page's origin in a browser. */
  baseUrl?: string;
  token: string;
  userId?: Id;
  deviceId?: Id;
  positions?: Positions;
  fetch?: typeof fetch;
  WebSocket?: { new (url: string): WebSocket } | undefined;
  fallbackAfter?: number;
  wait?: number;
  backoff?: { initialMs: number; maxMs: number };
  /** While pulling, how often the WebSocket is tried again (ms). */
  socketRetryMs?: number;
}

type SendOptions = { clientId?: string; attempts?: number };

export function register(baseUrl: string, username: string, password: string,
  options?: { invite?: string; fetch?: typeof fetch }): Promise<Account>;
export function login(baseUrl: string, username: string, password: string, deviceName?: string,
  options?: { fetch?: typeof fetch }): Promise<Login>;
export function newClientId(): string;

export class ParleyClient {
  constructor(options: ClientOptions);
  readonly state: State;
  readonly stateInfo: StateInfo;
  readonly positions: Positions;
  userId?: Id;
  deviceId?: Id;
  on<K extends keyof Events>(type: K, handler: (value: Events[K]) => void): () => void;
  hold(conversationId: Id, seq: number): void;
  request<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>,
    signal?: AbortSignal): Promise<T>;
  me(): Promise<Profile & { deviceId: Id }>;
  logout(): Promise<null>;
  conversations(options?: { limit?: number; cursor?: string; folder?: 'inbox' | 'requests' }): Promise<ConversationList>;
  allConversations(options?: { folder?: 'inbox' | 'requests'; maxPages?: number }): Promise<ConversationLine[]>;
  conversation(id: Id): Promise<ConversationObject>;
  openDirect(username: string): Promise<ConversationObject>;
  createGroup(title: string, usernames: string[]): Promise<ConversationObject>;
  history(conversationId: Id, options?: { before?: number; after?: number; limit?: number }): Promise<HistoryPage>;
  search(q: string, options?: { before?: string; conversationId?: Id; limit?: number }): Promise<SearchPage>;
  users(ids: Id[]): Promise<{ users: Profile[] }>;
  updateProfile(fields: { displayName?: string; status?: string }): Promise<Profile>;
  uploadAvatar(image: Blob | ArrayBuffer | ArrayBufferView): Promise<Profile>;
  removeAvatar(): Promise<Profile>;
  changePassword(currentPassword: string, newPassword: string, revokeOtherDevices?: boolean): Promise<{ revokedDevices: number }>;
  deleteAccount(password: string): Promise<null>;
  blocks(): Promise<{ blocks: Block[] }>;
  block(userId: Id): Promise<null>;
  unblock(userId: Id): Promise<null>;
  requests(): Promise<ConversationLine[]>;
  acceptRequest(conversationId: Id): Promise<ConversationObject>;
  declineRequest(conversationId: Id): Promise<null>;
  report(report: Report): Promise<unknown>;
  upload(file: Blob | ArrayBuffer | ArrayBufferView,
    options?: { name?: string; onProgress?: (fraction: number) => void }): Promise<Attachment>;
  attachment(id: Id, part?: 'content' | 'thumbnail'): Promise<Blob>;
  send(conversationId: Id, body: string,
    options?: SendOptions & { replyTo?: number; mentions?: Mention[]; attachments?: (Id | Attachment)[] }): Promise<Sent>;
  react(conversationId: Id, targetSeq: number, emoji: string, options?: SendOptions & { remove?: boolean }): Promise<Sent>;
  edit(conversationId: Id, targetSeq: number, body: string, options?: SendOptions): Promise<Sent>;
  deleteMessage(conversationId: Id, targetSeq: number, options?: SendOptions): Promise<Sent>;
  sendFrame(frame: ClientFrame): boolean;
  markDelivered(conversationId: Id, seq: number): Promise<null>;
  markRead(conversationId: Id, seq: number): Promise<null>;
  typing(conversationId: Id, typing: boolean): Promise<null>;
  watch(userIds: Id[]): void;
  sync(options?: { wait?: number; limit?: number; signal?: AbortSignal }): Promise<SyncPage>;
  start(): void;
  close(): void;
  reconnectNow(): void;
  ping(): void;
}
