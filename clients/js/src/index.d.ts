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
  attachments?: unknown[];
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
export interface Login { token: string; userId: Id; deviceId: Id; }

/** Frames a client sends over the WebSocket. */
export type ClientFrame =
  | { type: 'auth'; token: string; positions?: Positions; rid?: string }
  | { type: 'send'; clientId: string; conversationId: Id; body: string; replyTo?: number; mentions?: Mention[];
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

export type State = 'idle' | 'connecting' | 'live' | 'pulling' | 'stopped' | 'closed';

export interface Events {
  message: Entry;
  receipt: Receipt;
  resync: Resync;
  synced: { conversations: number; messages: number };
  typing: Typing;
  presence: Presence;
  profile: Profile;
  request: { conversationId: Id; userId: Id };
  state: State;
  error: ParleyError;
}

export class ParleyError extends Error {
  readonly status: number;
  readonly code: string;
  readonly retryAfterMs?: number;
  get retryable(): boolean;
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  positions?: Positions;
  fetch?: typeof fetch;
  WebSocket?: { new (url: string): WebSocket } | undefined;
  fallbackAfter?: number;
  wait?: number;
  backoff?: { initialMs: number; maxMs: number };
}

export function register(baseUrl: string, username: string, password: string,
  options?: { invite?: string; fetch?: typeof fetch }): Promise<Account>;
export function login(baseUrl: string, username: string, password: string, deviceName?: string,
  options?: { fetch?: typeof fetch }): Promise<Login>;
export function newClientId(): string;

export class ParleyClient {
  constructor(options: ClientOptions);
  readonly state: State;
  readonly positions: Positions;
  on<K extends keyof Events>(type: K, handler: (value: Events[K]) => void): () => void;
  request<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  me(): Promise<Profile & { deviceId: Id }>;
  conversations(options?: { limit?: number; cursor?: string; folder?: 'inbox' | 'requests' }): Promise<ConversationList>;
  conversation(id: Id): Promise<ConversationObject>;
  openDirect(username: string): Promise<ConversationObject>;
  createGroup(title: string, usernames: string[]): Promise<ConversationObject>;
  history(conversationId: Id, options?: { before?: number; after?: number; limit?: number }): Promise<HistoryPage>;
  send(conversationId: Id, body: string,
    options?: { clientId?: string; attempts?: number; replyTo?: number; mentions?: Mention[]; attachments?: Id[] }):
    Promise<Sent>;
  markDelivered(conversationId: Id, seq: number): Promise<null>;
  markRead(conversationId: Id, seq: number): Promise<null>;
  typing(conversationId: Id, typing: boolean): Promise<null>;
  sync(options?: { wait?: number; limit?: number }): Promise<SyncPage>;
  start(): void;
  close(): void;
}
