/* Refreshes the profile's achievements section when a notification arrives (a badge, a level,
   a challenge), so points and badges appear without a reload. Without JS the page is whole. */
(function () {
  var section = document.getElementById("achievements");
  if (!section || !section.dataset.liveUrl || !window.Hearth) { return; }
  function refresh() {
    fetch(section.dataset.liveUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null) { section.innerHTML = html; } });
  }
  window.Hearth.openLiveSocket("/ws/notifications/", function (data) {
    if (data.type === "notification") { refresh(); }
  }, refresh);
  document.addEventListener("hearth:points", refresh);
}());
