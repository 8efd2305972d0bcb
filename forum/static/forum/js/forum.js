/* Forum pages: live replies and like counts on a topic, one submit per form, and @mention
   suggestions. Every page works without this file; it only makes them live. */
(function () {
  "use strict";

  /* A double-click on "Post reply" must not send two posts: the server also ignores a
     second submit of the same form (its token), and the button is disabled here. */
  function guardDoubleSubmit() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitting === "1") { event.preventDefault(); return; }
        form.dataset.submitting = "1";
        var button = form.querySelector("button[type=submit]");
        if (button) {
          button.setAttribute("aria-disabled", "true");
          button.textContent = "Posting…";
        }
      });
    });
  }

  function fragmentUrl(root, postId) {
    return root.dataset.fragmentUrl.replace(/\/0\/fragment\/$/, "/" + postId + "/fragment/");
  }

  function fetchPost(root, postId) {
    return fetch(fragmentUrl(root, postId), { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (response.status === 404) return null;  // hidden from or deleted for this reader
        if (!response.ok) throw new Error("fragment " + response.status);
        return response.text();
      })
      .then(function (html) {
        if (html === null) return null;
        var holder = document.createElement("div");
        holder.innerHTML = html;  // rendered and sanitized by the server for this reader
        return holder.firstElementChild;
      });
  }

  function activate(element) {
    if (window.htmx && element) window.htmx.process(element);
  }

  function startTopic(root) {
    var posts = document.getElementById("posts");
    var notice = document.getElementById("new-replies");
    var topicId = root.dataset.topicId;
    var onLastPage = root.dataset.pageLast === "1";
    var pageEnd = parseInt(root.dataset.pageEnd, 10) || Infinity;
    var waiting = 0;

    var announcer = document.createElement("p");
    announcer.className = "visually-hidden";
    announcer.setAttribute("role", "status");
    root.appendChild(announcer);

    // Screen readers hear that a reply arrived without the focus moving.
    function announce(text) { announcer.textContent = text; }

    function showNotice(postId) {
      waiting += 1;
      notice.textContent = "";
      var link = document.createElement("a");
      link.href = "/forum/p/" + postId + "/";
      link.textContent = waiting + " new repl" + (waiting === 1 ? "y" : "ies") + ": show the latest";
      notice.appendChild(link);
      notice.hidden = false;
    }

    function onCreated(data) {
      if (posts.querySelector('[data-post-id="' + data.post_id + '"]')) return;
      // A reply that belongs on a later page is announced, not appended out of place.
      if (!onLastPage || data.post_number > pageEnd) { showNotice(data.post_id); return; }
      fetchPost(root, data.post_id).then(function (element) {
        if (!element || posts.querySelector('[data-post-id="' + data.post_id + '"]')) return;
        element.classList.add("is-new");
        posts.appendChild(element);
        activate(element);
        announce("New reply #" + data.post_number + " added below.");
        root.dataset.lastLivePost = String(data.post_number);
      });
    }

    function onChanged(data) {
      var current = posts.querySelector('[data-post-id="' + data.post_id + '"]');
      if (!current) return;
      fetchPost(root, data.post_id).then(function (element) {
        if (element) { current.replaceWith(element); activate(element); }
        else { current.remove(); }
      });
    }

    function onLikes(data) {
      document.querySelectorAll('[data-like-count="' + data.post_id + '"]').forEach(function (el) {
        el.textContent = String(data.like_count);
      });
    }

    Hearth.openLiveSocket("/ws/forum/t/" + topicId + "/", function (data) {
      if (data.type === "post_created") onCreated(data);
      else if (data.type === "post_changed") onChanged(data);
      else if (data.type === "like_count") onLikes(data);
      else if (data.type === "answer_changed") {
        notice.textContent = "";
        var link = document.createElement("a");
        link.href = window.location.pathname + window.location.search;
        link.textContent = "The accepted answer changed: reload to see it";
        notice.appendChild(link);
        notice.hidden = false;
      }
    }, function () {
      // After a reconnection, replies may have been missed: offer a reload.
      notice.textContent = "";
      var link = document.createElement("a");
      link.href = window.location.pathname + window.location.search;
      link.textContent = "You were offline for a moment: reload for the latest replies";
      notice.appendChild(link);
      notice.hidden = false;
    });
  }

  /* @mention suggestions: a listbox under the textarea, filled from /forum/members/. */
  function startMentions(textarea) {
    var list = document.createElement("ul");
    list.className = "mention-suggestions";
    list.setAttribute("role", "listbox");
    list.id = textarea.id + "-mentions";
    list.hidden = true;
    textarea.after(list);
    textarea.setAttribute("aria-controls", list.id);
    textarea.setAttribute("aria-autocomplete", "list");
    var active = -1;
    var timer = null;

    function currentPrefix() {
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = /(^|[\s(])@([\w.+-]{1,30})$/.exec(before);
      return match ? match[2] : null;
    }

    function close() { list.hidden = true; list.innerHTML = ""; active = -1; }

    function choose(username) {
      var caret = textarea.selectionStart;
      var before = textarea.value.slice(0, caret).replace(/@([\w.+-]*)$/, "@" + username + " ");
      textarea.value = before + textarea.value.slice(caret);
      textarea.selectionStart = textarea.selectionEnd = before.length;
      close();
      textarea.focus();
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      var prefix = currentPrefix();
      if (!prefix) { close(); return; }
      timer = setTimeout(function () {
        fetch("/forum/members/?q=" + encodeURIComponent(prefix), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { members: [] }; })
          .then(function (data) {
            list.innerHTML = "";
            data.members.forEach(function (member) {
              var li = document.createElement("li");
              li.setAttribute("role", "option");
              li.textContent = "@" + member.username + (member.display_name ? " · " + member.display_name : "");
              li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(member.username); });
              li.dataset.username = member.username;
              list.appendChild(li);
            });
            list.hidden = data.members.length === 0;
            highlight(data.members.length ? 0 : -1);
          });
      }, 150);
    });

    textarea.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      var items = list.querySelectorAll("li");
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % items.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + items.length) % items.length); }
      else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(items[active].dataset.username);
      } else if (event.key === "Escape") { close(); }
    });
    textarea.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    guardDoubleSubmit();
    var root = document.getElementById("forum-topic");
    if (root && window.Hearth) startTopic(root);
    if (document.body.dataset.userId) {
      document.querySelectorAll("textarea[data-mentions]").forEach(startMentions);
    }
  });
})();
