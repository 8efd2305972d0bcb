/* The live moderation queue: rows appear when an item enters the queue, refresh when it
   changes (a new flag, an automatic hide) and say so when another manager handles it. The
   socket carries ids only; each row is fetched from the server, rendered for this manager.
   The queue works without this file; it only makes it live. */
(function () {
  "use strict";

  function rowUrl(queue, itemId) {
    return queue.dataset.rowUrl.replace(/\/0\/row\/$/, "/" + itemId + "/row/");
  }

  function fetchRow(queue, itemId) {
    return fetch(rowUrl(queue, itemId), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) return null;
        return response.text();
      })
      .then(function (html) {
        if (html === null) return null;
        var holder = document.createElement("ol");
        holder.innerHTML = html;  // rendered by the server for this manager
        return holder.firstElementChild;
      });
  }

  /* A reason the manager is typing in a row must survive the row being refreshed. */
  function keepTypedText(oldRow, newRow) {
    oldRow.querySelectorAll("input[type=text], textarea").forEach(function (field) {
      if (!field.id || !field.value) return;
      var twin = newRow.querySelector("#" + CSS.escape(field.id));
      if (twin) twin.value = field.value;
    });
    var box = oldRow.querySelector("input[type=checkbox]");
    var newBox = newRow.querySelector("input[type=checkbox]");
    if (box && newBox) newBox.checked = box.checked;
  }

  function start(queue) {
    var announcer = document.getElementById("queue-announcer");
    var empty = document.getElementById("queue-empty");

    function announce(text) { if (announcer) announcer.textContent = text; }

    function onChanged(data) {
      fetchRow(queue, data.item_id).then(function (row) {
        if (!row) return;
        var current = document.getElementById("item-" + data.item_id);
        var resolved = row.classList.contains("is-done");
        if (current) {
          // Keep our own outcome message if we were the one who acted: htmx has swapped it
          // in, or is about to (the socket can beat the response to our own action).
          if (resolved && (current.classList.contains("is-done") || actedOn.has(current.id))) return;
          keepTypedText(current, row);
          current.replaceWith(row);
          if (resolved) announce(row.textContent.trim());
        } else if (!resolved) {
          row.classList.add("is-new");
          queue.insertBefore(row, queue.firstElementChild);
          if (empty) { empty.remove(); empty = null; }
          announce("A new item entered the queue.");
        } else {
          return;
        }
        if (window.htmx) window.htmx.process(row);
      }).catch(function (err) { console.error(err); });
    }

    // Rows this manager acted on: their own response, not the broadcast, shows the outcome.
    // Kept by id (htmx swaps and settles the row's element) and noted on submit, which this
    // capturing listener hears before htmx sends the request.
    var actedOn = new Set();
    queue.addEventListener("submit", function (event) {
      var row = event.target.closest && event.target.closest("[id^='item-']");
      if (row) actedOn.add(row.id);
    }, true);

    window.Hearth.openLiveSocket("/ws/moderation/queue/", function (data) {
      if (data.type === "item_changed") onChanged(data);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var queue = document.querySelector("[data-live-queue]");
    if (queue && window.Hearth) start(queue);
  });
})();
