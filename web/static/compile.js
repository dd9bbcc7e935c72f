// The compilation page, enhanced: propose on words selected in the text,
// take positions and set statuses without reloading, and follow other
// delegations' changes live. The page works without this file: every
// action also has a plain form.
//
// Selection → anchor: the base text of a provision is rendered as
// <span class="base" data-key data-start> runs whose data-start is the
// rune offset of the run in the provision's text (Go counts runes; JS
// strings count UTF-16 units, so lengths go through Array.from). The
// brackets, options and attributions between the runs are other elements
// and are skipped; the quote is rebuilt from the runs, not taken from the
// selection's text.
(function () {
  "use strict";

  var root = document.getElementById("compilation");
  if (!root) {
    return;
  }
  var panel = document.getElementById("selpanel");
  var note = document.getElementById("live-note");
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";
  var current = null; // the anchor of the open selection form
  var mouseDown = false;
  var pending = false;

  function runeCount(s) {
    return Array.from(s).length;
  }

  function announce(msg, isError) {
    note.classList.toggle("is-error", !!isError);
    note.textContent = "";
    // A changed text is announced again even when it is the same message.
    window.setTimeout(function () { note.textContent = msg; }, 40);
  }

  function jsonHeaders() {
    return { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf };
  }

  // errorOf reads {"error":{"code","message"}} from a failed API answer.
  function errorOf(res) {
    return res.json().then(function (body) {
      return (body && body.error && body.error.message) || res.statusText;
    }, function () {
      return res.status + " " + res.statusText;
    });
  }

  // runesBefore counts the runes of base run b before the point
  // (node, offset), which lies inside b.
  function runesBefore(b, node, offset) {
    var r = document.createRange();
    r.selectNodeContents(b);
    r.setEnd(node, offset);
    return runeCount(r.toString());
  }

  // anchorOf maps the current selection to {key, number, start, end,
  // quote, version}, null when nothing in a provision's text is selected,
  // or {several: true} when the selection spans provisions.
  function anchorOf() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) {
      return null;
    }
    var range = sel.getRangeAt(0);
    var texts = Array.prototype.filter.call(root.querySelectorAll(".ptext[data-key]"), function (p) {
      return range.intersectsNode(p);
    });
    if (texts.length === 0) {
      return null;
    }
    var key = texts[0].dataset.key;
    for (var i = 1; i < texts.length; i++) {
      if (texts[i].dataset.key !== key) {
        return { several: true };
      }
    }
    var runs = Array.prototype.slice.call(texts[0].querySelectorAll(".base"));
    var full = "";
    var start = null;
    var end = null;
    runs.forEach(function (b) {
      full += b.textContent;
      if (!range.intersectsNode(b)) {
        return;
      }
      var at = Number(b.dataset.start);
      var from = 0;
      var to = runeCount(b.textContent);
      if (b.contains(range.startContainer)) {
        from = runesBefore(b, range.startContainer, range.startOffset);
      }
      if (b.contains(range.endContainer)) {
        to = runesBefore(b, range.endContainer, range.endOffset);
      }
      if (start === null) {
        start = at + from;
      }
      end = at + to;
    });
    if (start === null) {
      return null;
    }
    var chars = Array.from(full);
    // Leave out the spaces a double-click takes along.
    while (start < end && /\s/.test(chars[start])) {
      start++;
    }
    while (end > start && /\s/.test(chars[end - 1])) {
      end--;
    }
    if (start >= end) {
      return null;
    }
    var live = root.querySelector(".live-root");
    return {
      key: key,
      number: texts[0].dataset.number || "",
      start: start,
      end: end,
      quote: chars.slice(start, end).join(""),
      version: live ? Number(live.dataset.version) : 0
    };
  }

  function openPanel(a) {
    current = a;
    panel.querySelector(".sel-num").textContent = a.number;
    panel.querySelector(".sel-quote").textContent = a.quote;
    panel.querySelector(".sel-msg").textContent = "";
    panel.classList.add("is-open");
  }

  function closePanel() {
    panel.classList.remove("is-open");
    current = null;
  }

  function onSelect(ev) {
    if (!panel || panel.contains(ev.target)) {
      return;
    }
    var a = anchorOf();
    if (a && a.several) {
      announce(panel.dataset.msgOne || "", true);
      return;
    }
    if (a) {
      openPanel(a);
      if (ev.type === "keyup") {
        // Selected with the keyboard: continue in the form.
        panel.querySelector('input[name="kind"]:checked').focus();
      }
    }
  }

  if (panel) {
    document.addEventListener("mouseup", function (ev) {
      mouseDown = false;
      // Let the browser finish the selection before reading it.
      window.setTimeout(function () { onSelect(ev); }, 0);
      if (pending) {
        pending = false;
        refresh(false);
      }
    });
    document.addEventListener("keyup", function (ev) {
      var t = ev.target;
      if (ev.key === "Escape" && panel.classList.contains("is-open")) {
        closePanel();
        return;
      }
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) {
        return;
      }
      // A keyboard selection (caret browsing, Shift+arrows) is complete
      // when Shift is let go.
      if (ev.key === "Shift") {
        onSelect(ev);
      }
    });
    panel.addEventListener("change", function (ev) {
      if (ev.target.name === "kind") {
        panel.classList.toggle("kind-delete", ev.target.value === "delete");
      }
    });
    panel.querySelector(".sel-cancel").addEventListener("click", closePanel);
    panel.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!current) {
        return;
      }
      var f = panel.elements;
      var kind = f.kind.value;
      var body = {
        base_version: current.version,
        kind: kind,
        key: current.key,
        text: f.text.value,
        justification: f.justification.value,
        on_behalf_of: f.on_behalf_of ? f.on_behalf_of.value : ""
      };
      if (kind === "insert_words") {
        body.start = current.end; // after the selected words
        body.end = current.end;
        body.quote = "";
      } else if (kind !== "insert") {
        body.start = current.start;
        body.end = current.end;
        body.quote = current.quote;
      }
      var button = panel.querySelector('button[type="submit"]');
      button.disabled = true;
      fetch(panel.dataset.api, {
        method: "POST", credentials: "same-origin", headers: jsonHeaders(), body: JSON.stringify(body)
      }).then(function (res) {
        if (res.ok) {
          panel.reset();
          panel.classList.remove("kind-delete");
          closePanel();
          announce(panel.dataset.msgTabled);
          refresh(false);
          return;
        }
        return errorOf(res).then(function (msg) {
          if (res.status === 409) {
            msg += " " + panel.dataset.msgStale;
          }
          panel.querySelector(".sel-msg").textContent = msg;
        });
      }).catch(function () {
        panel.querySelector(".sel-msg").textContent = panel.dataset.msgNeterror;
      }).then(function () {
        button.disabled = false;
      });
    });
  }

  document.addEventListener("mousedown", function (ev) {
    mouseDown = root.contains(ev.target);
  });

  // "Propose on OP2": fill in the plain form without reloading.
  root.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.mini-link");
    var form = document.querySelector("#propose form");
    if (!link || !form) {
      return;
    }
    var key = new URL(link.href).searchParams.get("key");
    if (key === null) {
      return;
    }
    ev.preventDefault();
    form.elements.key.value = key;
    document.getElementById("propose").scrollIntoView();
    form.elements.key.focus();
  });

  // Positions, withdrawal and status go to the API; the page refreshes
  // its text in place.
  root.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.dataset || !form.dataset.api) {
      return;
    }
    ev.preventDefault();
    var body = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && el.name !== "_csrf" && el.name !== "back" && el.type !== "submit") {
        body[el.name] = el.value;
      }
    });
    if (ev.submitter && ev.submitter.name) {
      body[ev.submitter.name] = ev.submitter.value;
    }
    fetch(form.dataset.api, {
      method: form.dataset.method || "POST", credentials: "same-origin", headers: jsonHeaders(), body: JSON.stringify(body)
    }).then(function (res) {
      if (res.ok) {
        refresh(true);
        return;
      }
      return errorOf(res).then(function (msg) { announce(msg, true); });
    }).catch(function () {
      announce(panel ? panel.dataset.msgNeterror : "", true);
    });
  });

  // focusPlace remembers where the keyboard focus is in the live part, so
  // that it comes back after the part is replaced.
  function focusPlace() {
    var el = document.activeElement;
    if (!el || !root.contains(el)) {
      return null;
    }
    var holder = el.closest("[id]");
    if (!holder || !root.contains(holder)) {
      return null;
    }
    var all = holder.querySelectorAll("a, button, select, input, summary");
    return { id: holder.id, index: Array.prototype.indexOf.call(all, el) };
  }

  function restoreFocus(place) {
    if (!place) {
      return;
    }
    var holder = document.getElementById(place.id);
    if (!holder) {
      return;
    }
    var all = holder.querySelectorAll("a, button, select, input, summary");
    var el = all[place.index] || all[0];
    if (el) {
      el.focus();
    }
  }

  // formState keeps what the reader changed in the forms of the live part
  // (filter boxes, chosen stances and statuses), keyed by form and field.
  function fieldKey(el) {
    var action = el.form ? el.form.getAttribute("action") : "";
    var boxed = el.type === "checkbox" || el.type === "radio";
    return action + "|" + el.name + (boxed ? "|" + el.value : "");
  }

  function fields() {
    return Array.prototype.filter.call(root.querySelectorAll("input, select, textarea"), function (el) {
      return el.name && el.type !== "hidden";
    });
  }

  function formState() {
    var state = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked !== el.defaultChecked) {
          state[fieldKey(el)] = el.checked;
        }
      } else if (el.tagName === "SELECT") {
        if (Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; })) {
          state[fieldKey(el)] = el.value;
        }
      } else if (el.value !== el.defaultValue) {
        state[fieldKey(el)] = el.value;
      }
    });
    return state;
  }

  function restoreFormState(state) {
    fields().forEach(function (el) {
      var k = fieldKey(el);
      if (!Object.prototype.hasOwnProperty.call(state, k)) {
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = state[k];
      } else {
        el.value = state[k];
      }
    });
  }

  var loading = false;
  var again = false;

  // refresh fetches the live part of the page (same filter, same view) and
  // swaps it in, keeping open details and the keyboard focus.
  function refresh(tell) {
    if (mouseDown) {
      pending = true; // not under the reader's mouse while selecting
      return;
    }
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    var url = root.dataset.fragment + (root.dataset.fragment.indexOf("?") < 0 ? "?" : "&") + "fragment=1";
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (res) {
      if (!res.ok) {
        throw new Error(res.status);
      }
      return res.text();
    }).then(function (html) {
      var open = Array.prototype.map.call(root.querySelectorAll("details[open]"), function (d) { return d.id; });
      var place = focusPlace();
      var state = formState();
      root.innerHTML = html;
      restoreFormState(state);
      open.forEach(function (id) {
        var d = id && document.getElementById(id);
        if (d) {
          d.open = true;
        }
      });
      restoreFocus(place);
      if (tell) {
        announce(root.dataset.msgUpdated);
      }
    }).catch(function () {
      announce(root.dataset.msgOffline, true);
    }).then(function () {
      loading = false;
      if (again) {
        again = false;
        refresh(tell);
      }
    });
  }

  var timer = null;
  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { refresh(true); }, 150);
  }

  if (window.EventSource && root.dataset.events) {
    var es = new EventSource(root.dataset.events);
    var lost = false;
    ["proposal", "position", "status", "version"].forEach(function (kind) {
      es.addEventListener(kind, schedule);
    });
    es.addEventListener("open", function () {
      root.dataset.live = "open";
      if (lost) {
        lost = false;
        schedule(); // events may have been missed while away
      }
    });
    es.addEventListener("error", function () {
      root.dataset.live = "lost";
      lost = true;
      announce(root.dataset.msgOffline, true);
    });
  }
})();
