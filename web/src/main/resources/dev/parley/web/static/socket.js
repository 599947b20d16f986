// The WebSocket half of the protocol: one connection at a time, authenticated with `auth`
// (carrying the resume positions), kept alive, and replaced after any drop with jittered
// exponential backoff (docs/protocol.md, "Close codes"). What to do with frames is the caller's.

/** Close codes after which the token is useless: the user must log in again. */
const FINAL_CLOSE_CODES = new Set([4001, 4003, 4004, 4005]);

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;
const OPEN_TIMEOUT_MS = 10_000;
const TICK_MS = 2_000;

/**
 * States: `connecting` (socket opening or `auth` unanswered), `syncing` (`ready` received,
 * catch-up running), `online` (`synced`: what follows is live), `waiting` (dropped; `retryAt`
 * says when the next attempt starts), `stopped` (by `stop()` or a final close code).
 */
export class ChatSocket {
  /**
   * @param {object} o
   * @param {string} o.url ws: or wss: URL of /v1/ws
   * @param {string} o.token the device token
   * @param {() => object} o.positions resume positions for `auth`, read at every connect
   * @param {(frame: object) => void} o.onFrame every frame from the node, `ready` and `synced` included
   * @param {(state: string, info: object) => void} o.onState
   * @param {(code: number) => void} o.onRejected the node refused the token for good
   */
  constructor(o) {
    Object.assign(this, o);
    this.ws = null;
    this.state = 'idle';
    this.attempt = 0;
    this.authenticated = false;
    this.heartbeatMs = 25_000;
    this.lastHeard = 0;
    this.pingSent = 0;
    this.retryTimer = null;
    this.openTimer = null;
    this.tickTimer = null;
    this.listeners = {
      online: () => this.retryNow(),
      // Chrome keeps a WebSocket open across a network change, often as a zombie that never
      // learns it is dead; when the browser says it is offline, believe it and start over.
      offline: () => {
        if (this.ws) this.abandon(this.ws);
      },
      visibilitychange: () => {
        if (document.visibilityState !== 'visible') return;
        // Phones freeze background tabs; on return, reconnect now or check the link is alive.
        if (this.state === 'waiting') this.retryNow();
        else this.ping();
      },
    };
  }

  start() {
    window.addEventListener('online', this.listeners.online);
    window.addEventListener('offline', this.listeners.offline);
    document.addEventListener('visibilitychange', this.listeners.visibilitychange);
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.connect();
  }

  stop() {
    window.removeEventListener('online', this.listeners.online);
    window.removeEventListener('offline', this.listeners.offline);
    document.removeEventListener('visibilitychange', this.listeners.visibilitychange);
    clearInterval(this.tickTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.openTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      detach(ws);
      ws.close(1000);
    }
    this.setState('stopped');
  }

  /** Sends a frame if the connection is authenticated; false if it could not be sent now. */
  send(frame) {
    if (!this.ws || !this.authenticated || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Skips the rest of a backoff wait (the network is back, or the user asked). */
  retryNow() {
    if (this.state !== 'waiting') return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.connect();
  }

  connect() {
    this.authenticated = false;
    this.setState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.dropped(1006);
      return;
    }
    this.ws = ws;
    this.openTimer = setTimeout(() => this.abandon(ws), OPEN_TIMEOUT_MS);
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'auth', token: this.token, positions: this.positions() }));
    };
    ws.onmessage = (e) => {
      if (ws !== this.ws) return;
      this.lastHeard = Date.now();
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      if (frame.type === 'ready') {
        clearTimeout(this.openTimer);
        this.authenticated = true;
        this.heartbeatMs = frame.heartbeatMs || this.heartbeatMs;
        this.setState('syncing');
      } else if (frame.type === 'synced') {
        // Only a connection that got all the way through resets the backoff: a node that
        // accepts and then drops us at once must not be hammered.
        this.attempt = 0;
        this.setState('online');
      }
      this.onFrame(frame);
    };
    ws.onclose = (e) => {
      if (ws === this.ws) this.dropped(e.code);
    };
    ws.onerror = () => {
      // A close event always follows; it carries the code.
    };
  }

  /** Gives up on a socket without waiting for a close handshake that may never come. */
  abandon(ws) {
    if (ws !== this.ws) return;
    detach(ws);
    try {
      ws.close(1000);
    } catch (e) {
      // Closing a socket still connecting throws in some browsers; it is dropped either way.
    }
    this.dropped(1006);
  }

  dropped(code) {
    this.ws = null;
    this.authenticated = false;
    clearTimeout(this.openTimer);
    if (FINAL_CLOSE_CODES.has(code)) {
      this.setState('stopped');
      this.onRejected(code);
      return;
    }
    // 0.5 s doubling to 30 s, each wait randomised between half and all of it, so that a
    // restarted node is not met by every client in the same instant.
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempt);
    this.attempt++;
    // Offline: the 'online' event calls retryNow(); the long wait is only a fallback.
    const wait = navigator.onLine ? base / 2 + Math.random() * (base / 2) : MAX_RETRY_MS;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), wait);
    this.setState('waiting', { retryAt: Date.now() + wait, code });
  }

  /** Browsers hide WebSocket pings, so an idle link is checked with `ping` frames. */
  tick() {
    if (!this.authenticated) return;
    const idle = Date.now() - this.lastHeard;
    if (idle > this.heartbeatMs) {
      this.abandon(this.ws);
    } else if (idle > this.heartbeatMs / 3) {
      this.ping();
    }
  }

  ping() {
    const now = Date.now();
    if (now - this.pingSent < TICK_MS) return;
    if (this.send({ type: 'ping', rid: 'hb' })) this.pingSent = now;
  }

  setState(state, info = {}) {
    this.state = state;
    this.onState(state, { ...info, offline: !navigator.onLine });
  }
}

function detach(ws) {
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
}
