// The REST half of the protocol (docs/protocol.md, "REST API"). Same origin as the page, so the
// CSP's connect-src 'self' covers it and no CORS is involved.

/** An error answer from the node (`code` as in the protocol's error table), or `network`. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class Api {
  constructor() {
    this.token = null;
    /** Called when the node no longer accepts the token (revoked, or the account is gone). */
    this.onUnauthenticated = () => {};
  }

  async request(method, path, body, raw) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (raw !== undefined) headers['Content-Type'] = raw.type || 'application/octet-stream';
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let res;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      throw new ApiError(0, 'network', 'Cannot reach the server');
    }
    if (res.status === 204) return null;
    let json = null;
    try {
      json = await res.json();
    } catch (e) {
      // A proxy's HTML error page, say: reported below by status.
    }
    if (res.ok) return json;
    const err = json?.error ?? {};
    if (res.status === 401 && err.code === 'unauthenticated' && this.token) this.onUnauthenticated();
    throw new ApiError(res.status, err.code ?? 'http_' + res.status, err.message ?? res.statusText);
  }

  /**
   * Uploads a file (POST /v1/attachments); `onProgress(fraction)` as it goes. XMLHttpRequest,
   * because fetch cannot report an upload's progress.
   */
  upload(file, onProgress = () => {}) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/v1/attachments?name=${encodeURIComponent(file.name || 'file')}`);
      if (this.token) xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onerror = () => reject(new ApiError(0, 'network', 'Cannot reach the server'));
      xhr.onload = () => {
        let json = null;
        try {
          json = JSON.parse(xhr.responseText);
        } catch (e) {
          // Reported by status below.
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(json);
        else reject(new ApiError(xhr.status, json?.error?.code ?? `http_${xhr.status}`, json?.error?.message ?? xhr.statusText));
      };
      xhr.send(file);
    });
  }

  /** An attachment's bytes (`content`) or its thumbnail, as a Blob; the token goes in a header, so no <img src> can fetch it. */
  async attachment(id, part = 'content') {
    let res;
    try {
      res = await fetch(`/v1/attachments/${id}/${part}`, {
        headers: this.token ? { Authorization: `Bearer ${this.token}` } : {}, credentials: 'omit',
      });
    } catch (e) {
      throw new ApiError(0, 'network', 'Cannot reach the server');
    }
    if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, res.statusText);
    return res.blob();
  }

  /** Messages of the caller's conversations matching `q`, newest first (GET /v1/search). */
  search(q, { before, conversationId, limit = 20 } = {}) {
    const params = new URLSearchParams({ q, limit: String(limit) });
    if (before) params.set('before', before);
    if (conversationId) params.set('conversationId', String(conversationId));
    return this.request('GET', `/v1/search?${params}`);
  }

  register(username, password, invite) {
    return this.request('POST', '/v1/accounts', invite ? { username, password, invite } : { username, password });
  }

  login(username, password, deviceName) {
    return this.request('POST', '/v1/sessions', { username, password, deviceName });
  }

  logout() {
    return this.request('DELETE', '/v1/sessions/current');
  }

  me() {
    return this.request('GET', '/v1/me');
  }

  /** Every conversation of the caller, following `nextCursor` (most recent activity first). */
  async conversations() {
    const all = [];
    let cursor = null;
    for (let page = 0; page < 50; page++) {
      const q = new URLSearchParams({ limit: '200' });
      if (cursor) q.set('cursor', cursor);
      const res = await this.request('GET', `/v1/conversations?${q}`);
      all.push(...res.conversations);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return all;
  }

  conversation(id) {
    return this.request('GET', `/v1/conversations/${id}`);
  }

  openDirect(username) {
    return this.request('POST', '/v1/conversations/direct', { username });
  }

  createGroup(title, usernames) {
    return this.request('POST', '/v1/conversations/groups', { title, usernames });
  }

  /** A page of history, ascending by seq: `{messages, hasMore}`. */
  messages(id, { before, after, limit = 50 } = {}) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before !== undefined) q.set('before', String(before));
    if (after !== undefined) q.set('after', String(after));
    return this.request('GET', `/v1/conversations/${id}/messages?${q}`);
  }

  // ---- people (docs/protocol.md, "People") ---------------------------------------------------

  updateProfile(fields) {
    return this.request('PATCH', '/v1/me/profile', fields);
  }

  /** Uploads an image file (the node sniffs, crops, shrinks and re-encodes it). */
  uploadAvatar(file) {
    return this.request('PUT', '/v1/me/avatar', undefined, file);
  }

  removeAvatar() {
    return this.request('DELETE', '/v1/me/avatar');
  }

  users(ids) {
    return this.request('GET', `/v1/users?ids=${ids.join(',')}`);
  }

  changePassword(currentPassword, newPassword, revokeOtherDevices) {
    return this.request('PUT', '/v1/me/password', { currentPassword, newPassword, revokeOtherDevices });
  }

  deleteAccount(password) {
    return this.request('DELETE', '/v1/me', { password });
  }

  blocks() {
    return this.request('GET', '/v1/blocks');
  }

  block(userId) {
    return this.request('PUT', `/v1/blocks/${userId}`);
  }

  unblock(userId) {
    return this.request('DELETE', `/v1/blocks/${userId}`);
  }

  /** The message requests folder. */
  async requests() {
    const res = await this.request('GET', '/v1/conversations?folder=requests&limit=200');
    return res.conversations;
  }

  acceptRequest(id) {
    return this.request('POST', `/v1/conversations/${id}/accept`, {});
  }

  declineRequest(id) {
    return this.request('POST', `/v1/conversations/${id}/decline`, {});
  }

  report(body) {
    return this.request('POST', '/v1/reports', body);
  }
}
