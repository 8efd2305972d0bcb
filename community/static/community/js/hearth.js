/* Hearth's small client: live sockets with reconnection, the notification bell, toasts.
   Pages work without it; it only makes them live. */
(function () {
  "use strict";

  /* The CSRF token is read from Django's cookie, set on every response: no page holds one,
     so a page cached for anonymous visitors is the same for all of them. */
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  var liveStatus = null;
  var disconnected = new Set();

  function showLiveStatus() {
    liveStatus = liveStatus || document.getElementById("live-status");
    // Tests and styles read the state from the root element.
    document.documentElement.dataset.liveState = disconnected.size ? "reconnecting" : "live";
    if (!liveStatus) return;
    if (disconnected.size) {
      liveStatus.textContent = "Live updates paused: reconnecting…";
      liveStatus.hidden = false;
    } else {
      liveStatus.hidden = true;
      liveStatus.textContent = "";
    }
  }

  /* Open a websocket at `path` that reconnects with backoff. `onMessage` gets parsed JSON.
     `onReconnect` runs after a reconnection, so a page can fetch what it missed.
     While the server or its channel layer is down the socket closes (4013 "try again later",
     or a failed handshake); the header says "reconnecting" and attempts back off from 1 s to
     30 s, with jitter so that every open page does not return at the same instant. Coming
     back online or to the tab retries at once. */
  function openLiveSocket(path, onMessage, onReconnect) {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + path;
    var delay = 1000;
    var wasOpen = false;
    var stopped = false;
    var timer = null;
    var socket;

    function scheduleRetry() {
      clearTimeout(timer);
      timer = setTimeout(connect, delay * (0.75 + Math.random() * 0.5));
      delay = Math.min(delay * 2, 30000);
    }

    function retryNow() {
      if (stopped || !disconnected.has(path)) return;
      delay = 1000;
      clearTimeout(timer);
      connect();
    }

    function connect() {
      socket = new WebSocket(url);
      socket.addEventListener("open", function () {
        delay = 1000;
        disconnected.delete(path);
        showLiveStatus();
        if (wasOpen && onReconnect) onReconnect();
        wasOpen = true;
        document.documentElement.dataset["live" + path.replace(/[^a-z]/gi, "")] = "open";
      });
      socket.addEventListener("message", function (event) {
        try { onMessage(JSON.parse(event.data)); } catch (err) { console.error(err); }
      });
      socket.addEventListener("close", function (event) {
        if (stopped || event.code === 4401 || event.code === 4403) return; // not allowed: no retry
        // A page opened during an outage says so too, not only one that lost its socket.
        disconnected.add(path);
        showLiveStatus();
        document.documentElement.dataset["live" + path.replace(/[^a-z]/gi, "")] = "reconnecting";
        scheduleRetry();
      });
    }
    window.addEventListener("online", retryNow);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") retryNow();
    });
    connect();
    return { close: function () { stopped = true; clearTimeout(timer); socket.close(); } };
  }

  function toast(message, url) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement(url ? "a" : "div");
    item.className = "toast";
    item.textContent = message;
    if (url) item.href = url;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  // A refusal no view caught comes back as a toast fragment with its error status
  // (community/refusals.py): swap it into #toasts although htmx leaves errors unswapped.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.getResponseHeader("Hearth-Refusal")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function setUnread(count) {
    var badge = document.getElementById("notification-count");
    var bell = document.getElementById("notification-bell");
    if (!badge || !bell) return;
    badge.textContent = String(count);
    badge.classList.toggle("is-zero", count === 0);
    bell.setAttribute("aria-label", "Notifications, " + count + " unread");
  }

  function addToInbox(html) {
    var list = document.getElementById("notification-list");
    if (!list) return;
    var empty = document.getElementById("no-notifications");
    if (empty) empty.remove();
    var holder = document.createElement("ul");
    holder.innerHTML = html;  // rendered and escaped by the server's template
    var item = holder.firstElementChild;
    var token = item.querySelector('input[name="csrfmiddlewaretoken"]');
    if (token) token.value = csrfToken();
    list.prepend(item);
  }

  function startNotifications() {
    if (!document.body.dataset.userId) return;
    openLiveSocket("/ws/notifications/", function (data) {
      if (typeof data.unread === "number") setUnread(data.unread);
      if (data.type === "notification") {
        addToInbox(data.html);
        toast(data.message, data.url);
      }
    });
  }

  /* Error pages offer "Go back" when there is somewhere to go back to. */
  function offerHistoryBack() {
    if (window.history.length < 2) return;
    document.querySelectorAll("[data-history-back]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.history.back(); });
    });
  }

  window.Hearth = { openLiveSocket: openLiveSocket, toast: toast, csrfToken: csrfToken };
  document.addEventListener("DOMContentLoaded", startNotifications);
  document.addEventListener("DOMContentLoaded", offerHistoryBack);
})();
