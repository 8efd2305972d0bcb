/* Live support counts on the idea page and the idea list. The server sends numbers only;
   this updates the numbers already on the page. Without JavaScript the pages still work. */
(function () {
  "use strict";

  function setText(root, field, value) {
    root.querySelectorAll('[data-field="' + field + '"]').forEach(function (el) {
      el.textContent = String(value);
    });
  }

  function apply(data) {
    if (data.type !== "update") return;
    document.querySelectorAll('[data-idea-live="' + data.idea + '"]').forEach(function (root) {
      setText(root, "support_count", data.support_count);
      setText(root, "supporters_word", data.support_count === 1 ? "supporter" : "supporters");
      setText(root, "status", data.status_label);
      if (data.goal !== null) setText(root, "goal", data.goal.toLocaleString("en-US"));
      if (data.days_left !== null) setText(root, "days_left", data.days_left);
      root.querySelectorAll('progress[data-field="progress"]').forEach(function (bar) {
        if (data.goal !== null) bar.max = data.goal;
        bar.value = data.support_count;
        bar.textContent = data.percent + "%";
      });
    });
  }

  function start() {
    var page = document.querySelector("[data-idea-page]");
    if (page) {
      Hearth.openLiveSocket("/ws/ideas/" + page.dataset.ideaPage + "/", apply);
    } else if (document.querySelector("[data-live-list]")) {
      Hearth.openLiveSocket("/ws/ideas/", apply);
    }
  }

  document.addEventListener("DOMContentLoaded", start);
})();
