// The privacy page: while an export is being prepared, ask for its progress every second and
// show the download link when it is ready (no reload needed).
(function () {
  function render(box, state) {
    box.dataset.status = state.status;
    box.textContent = "";
    var line = document.createElement("p");
    if (state.status === "pending" || state.status === "running") {
      var label = document.createElement("span");
      label.className = "export-label";
      label.textContent = "Preparing your data… ";
      var bar = document.createElement("progress");
      bar.id = "export-progress";
      bar.max = 100;
      bar.value = state.progress;
      var percent = document.createElement("span");
      percent.className = "export-percent";
      percent.textContent = " " + state.progress + "%";
      line.append(label, bar, percent);
    } else if (state.status === "ready") {
      line.className = "export-ready";
      line.textContent = "Your data is ready: ";
      var link = document.createElement("a");
      link.className = "button";
      link.id = "export-download";
      link.href = state.download_url;
      link.textContent = "Download my data (ZIP)";
      line.append(link);
    } else if (state.status === "failed") {
      line.className = "error";
      line.setAttribute("role", "alert");
      line.textContent = "Your export could not be prepared. Please ask again; if it fails again, contact the team.";
    } else {
      return;
    }
    box.append(line);
  }

  function poll(box) {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { setTimeout(function () { poll(box); }, 5000); return; }
        render(box, state);
        if (state.status === "pending" || state.status === "running") {
          setTimeout(function () { poll(box); }, 1000);
        } else if (state.status === "ready") {
          var form = document.getElementById("export-form");
          if (form) form.hidden = false;
        }
      })
      .catch(function () { setTimeout(function () { poll(box); }, 5000); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("export-status");
    if (box && (box.dataset.status === "pending" || box.dataset.status === "running")) poll(box);
  });
})();
