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
  function openLiveSocket(path, onMessage, onReconnect, onOpen) {
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
        if (onOpen) onOpen(socket);
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

  /* Points: every ledger change shows a toast once per tab, whether it arrives live or is
     caught up on when the socket opens (the page a form redirected to); the last entry id
     shown is kept in sessionStorage. Balances on the page ([data-points-lifetime],
     [data-points-spendable]) follow, and "hearth:points" tells other widgets. */
  var POINTS_CURSOR = "hearth.points.last." + (document.body.dataset.userId || "");

  function pointsCursor() {
    try {
      var stored = window.sessionStorage.getItem(POINTS_CURSOR);
      return stored === null ? null : parseInt(stored, 10);
    } catch (err) { return null; }
  }

  function setPointsCursor(last) {
    try { window.sessionStorage.setItem(POINTS_CURSOR, String(last)); } catch (err) { /* private mode */ }
  }

  function formatPoints(points) {
    var sign = points > 0 ? "+" : "\u2212";
    var size = Math.abs(points);
    return sign + size + (size === 1 ? " point" : " points");
  }

  /* A form that leaves the page (not one htmx handles in place): points its write earns
     arrive while the browser follows the redirect, so they are left for the next page to
     catch up on and show. */
  var leavingPage = false;
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented) leavingPage = true;
  });
  window.addEventListener("pageshow", function () { leavingPage = false; });

  function pointsChanged(data) {
    if (leavingPage) return;
    var cursor = pointsCursor();
    (data.entries || []).forEach(function (entry) {
      if (cursor !== null && entry.id <= cursor) return;
      toast(formatPoints(entry.points) + ": " + entry.label, "/points/");
    });
    if (typeof data.last === "number" && (cursor === null || data.last > cursor)) setPointsCursor(data.last);
    document.querySelectorAll("[data-points-lifetime]").forEach(function (el) {
      el.textContent = data.lifetime.toLocaleString("en");
    });
    document.querySelectorAll("[data-points-spendable]").forEach(function (el) {
      el.textContent = data.spendable.toLocaleString("en");
    });
    if ((data.entries || []).length) {
      document.dispatchEvent(new CustomEvent("hearth:points", { detail: data }));
    }
  }

  function askForMissedPoints(socket) {
    socket.send(JSON.stringify({ type: "catch_up", name: "points", after: pointsCursor() }));
  }

  function startNotifications() {
    if (!document.body.dataset.userId) return;
    openLiveSocket("/ws/notifications/", function (data) {
      if (typeof data.unread === "number") setUnread(data.unread);
      if (data.type === "notification") {
        addToInbox(data.html);
        toast(data.message, data.url);
      } else if (data.type === "points.changed") {
        pointsChanged(data);
      }
    }, null, askForMissedPoints);
  }

  /* Error pages offer "Go back" when there is somewhere to go back to. */
  function offerHistoryBack() {
    if (window.history.length < 2) return;
    document.querySelectorAll("[data-history-back]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.history.back(); });
    });
  }

  /* On a phone the main nav sits behind the header's Menu button. */
  function startNavToggle() {
    var button = document.getElementById("nav-toggle");
    if (!button) return;
    var header = button.closest(".site-header");
    button.addEventListener("click", function () {
      var open = header.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* The staff menu's counts (items waiting, open and overdue follow-ups...): fetched fresh
     when the page has loaded, every 30 seconds while it is visible, and on coming back. */
  function startStaffCounts() {
    var menu = document.getElementById("staff-menu");
    if (!menu || !window.fetch) return;
    var url = menu.getAttribute("data-counts-url");
    function show(data) {
      if (!data) return;
      Object.keys(data.links).forEach(function (key) {
        var holder = menu.querySelector('[data-staff-counts="' + key + '"]');
        if (!holder) return;
        holder.textContent = "";
        data.links[key].forEach(function (count) {
          var pill = document.createElement("span");
          pill.className = "staff-count" + (count.number ? (count.alert ? " is-overdue" : "") : " is-zero");
          pill.setAttribute("data-count", count.key);
          pill.textContent = count.number + " " + count.label;
          holder.appendChild(pill);
        });
      });
      var total = document.getElementById("staff-total");
      if (total) {
        total.textContent = String(data.total);
        total.hidden = !data.total;
        menu.querySelector("summary").setAttribute("aria-label", "Staff pages, " + data.total + " waiting");
      }
    }
    function refresh() {
      if (document.hidden) return;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(show)
        .catch(function () { /* keep the last counts shown */ });
    }
    refresh();
    window.setInterval(refresh, 30000);
    document.addEventListener("visibilitychange", refresh);
  }

  /* A text box with a character limit shows how many are left (or over) as one types. */
  function startCharCounters() {
    document.querySelectorAll("textarea[data-max-chars]").forEach(function (box) {
      var limit = parseInt(box.getAttribute("data-max-chars"), 10);
      var counter = document.createElement("p");
      counter.className = "help char-counter";
      counter.id = box.id + "_counter";
      counter.setAttribute("aria-live", "polite");
      box.insertAdjacentElement("afterend", counter);
      var described = box.getAttribute("aria-describedby");
      box.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
      function update() {
        var left = limit - box.value.length;
        counter.textContent = left >= 0
          ? left.toLocaleString() + " of " + limit.toLocaleString() + " characters left"
          : (-left).toLocaleString() + " characters over the " + limit.toLocaleString() + " limit";
        counter.classList.toggle("error", left < 0);
      }
      box.addEventListener("input", update);
      update();
    });
  }

  window.Hearth = { openLiveSocket: openLiveSocket, toast: toast, csrfToken: csrfToken };
  document.addEventListener("DOMContentLoaded", startNotifications);
  document.addEventListener("DOMContentLoaded", offerHistoryBack);
  document.addEventListener("DOMContentLoaded", startNavToggle);
  document.addEventListener("DOMContentLoaded", startStaffCounts);
  document.addEventListener("DOMContentLoaded", startCharCounters);
})();
