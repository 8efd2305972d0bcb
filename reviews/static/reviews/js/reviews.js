/* Live reviews on a product page and a live staff follow-up queue.

   The sockets carry ids and counts only. A product page fetches the changed review's
   fragment (a normal view applying this reader's permissions; 404 once it is hidden) and
   puts it in place; a new review goes on top of the first page when no star filter hides it.
   The follow-up queue fetches its own page again and swaps the list. Without JavaScript the
   pages still work; a reload shows the same. */
(function () {
  "use strict";

  function fetchHtml(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      });
  }

  function parseOne(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function showsOnThisPage(list, card) {
    var stars = list.dataset.stars;
    return list.dataset.page === "1" && (!stars || stars === card.dataset.rating);
  }

  function reviewChanged(list, reviewId) {
    var existing = document.getElementById("review-" + reviewId);
    fetchHtml("/reviews/" + reviewId + "/card/").then(function (html) {
      if (html === null) {
        if (existing) existing.remove();
        return;
      }
      var card = parseOne(html);
      if (existing) {
        existing.replaceWith(card);
      } else if (showsOnThisPage(list, card)) {
        var empty = list.querySelector(".empty");
        if (empty) empty.remove();
        list.insertBefore(card, list.firstElementChild);
      }
      card.dataset.liveUpdated = "1";
    }).catch(function (err) { console.error(err); });
  }

  function helpfulCount(reviewId, count) {
    var card = document.getElementById("review-" + reviewId);
    if (!card) return;
    card.querySelectorAll("[data-helpful-count]").forEach(function (el) {
      el.textContent = String(count);
    });
  }

  function startProductPage(section) {
    var list = section.querySelector("#review-list");
    Hearth.openLiveSocket("/ws/reviews/products/" + section.dataset.reviewsLive + "/", function (data) {
      if (data.type === "review_changed") reviewChanged(list, data.review_id);
      if (data.type === "helpful_count") helpfulCount(data.review_id, data.helpful_count);
    });
  }

  function refreshQueue(queue) {
    fetchHtml(window.location.href).then(function (html) {
      if (html === null) return;
      var page = new DOMParser().parseFromString(html, "text/html");
      var fresh = page.getElementById(queue.id);
      if (!fresh) return;
      queue.innerHTML = fresh.innerHTML;
      queue.dataset.liveVersion = String(Number(queue.dataset.liveVersion || "0") + 1);
    }).catch(function (err) { console.error(err); });
  }

  function startFollowUpQueue(queue) {
    var refresh = function () { refreshQueue(queue); };
    Hearth.openLiveSocket("/ws/reviews/follow-ups/", function (data) {
      if (data.type === "follow_up_changed") refresh();
    }, refresh);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var section = document.querySelector("[data-reviews-live]");
    if (section) startProductPage(section);
    var queue = document.querySelector("[data-follow-up-live]");
    if (queue) startFollowUpQueue(queue);
  });
})();
