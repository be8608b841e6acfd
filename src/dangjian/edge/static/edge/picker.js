// The search select (dangjian.edge.widgets): every <select data-picker="URL"> becomes a Tom Select
// box that fetches its options as JSON from URL while the user types ({"results": [{value, text,
// hint}], "more": bool}). The server searches (name, pinyin initials, number…), so the box shows
// what it answers without filtering again. Without this script the plain <select> still works.
(function () {
  "use strict";

  function escape(text) {
    const span = document.createElement("span");
    span.textContent = text == null ? "" : String(text);
    return span.innerHTML;
  }

  function setUp(select) {
    if (select.tomselect || !window.TomSelect) return;
    const url = select.dataset.picker;
    const follow = select.dataset.pickerFollow ? select.form && select.form.elements[select.dataset.pickerFollow] : null;
    let more = false;
    let latest = 0; // answers to earlier searches arriving late are dropped
    const keep = (select.dataset.pickerKeep || "").split(" ").filter(Boolean); // offered whatever is typed
    // The × of a chosen item, titled in the page's language (Tom Select's own title is English).
    const plugins = select.multiple ? { remove_button: { title: select.dataset.pickerRemove || "" } } : {};
    const box = new window.TomSelect(select, {
      plugins: plugins,
      valueField: "value",
      labelField: "text",
      searchField: [],
      // "None" is no option in the box: Backspace (or the × of a chosen material) takes a choice away.
      allowEmptyOption: false,
      preload: "focus",
      loadThrottle: 250,
      maxOptions: null,
      closeAfterSelect: !select.multiple,
      placeholder: select.dataset.pickerPlaceholder || "",
      hidePlaceholder: !select.multiple,
      // Keep the server's order and every answer: it has matched on what the box cannot see
      // (pinyin initials, numbers).
      score: function () {
        return function (item) {
          return item.value === "" ? 0 : 1;
        };
      },
      shouldLoad: function () {
        return true;
      },
      load: function (query, callback) {
        const ticket = ++latest;
        const params = new URLSearchParams({ q: query });
        if (follow && follow.value) params.set(follow.name, follow.value);
        fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + params, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) {
            return response.ok ? response.json() : { results: [], more: false };
          })
          .then(function (data) {
            if (ticket !== latest) return callback();
            more = !!data.more;
            // Keeps the chosen ones and those to keep; drops the answers to earlier searches.
            box.clearOptions(function (option, value) {
              return box.items.indexOf(value) >= 0 || keep.indexOf(value) >= 0;
            });
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        option: function (item) {
          const hint = item.hint ? '<small class="picker-hint">' + escape(item.hint) + "</small>" : "";
          return '<div class="picker-option"><span>' + escape(item.text) + "</span>" + hint + "</div>";
        },
        item: function (item) {
          return "<div>" + escape(item.text) + "</div>";
        },
        no_results: function () {
          return '<div class="no-results">' + escape(select.dataset.pickerEmpty || "") + "</div>";
        },
        loading: function () {
          return '<div class="loading">' + escape(select.dataset.pickerLoading || "") + "</div>";
        },
        dropdown: function () {
          return '<div class="picker-dropdown"></div>';
        },
      },
      onLoad: function () {
        const old = box.dropdown.querySelector(".picker-more");
        if (old) old.remove();
        if (more && select.dataset.pickerMore) {
          const note = document.createElement("div");
          note.className = "picker-more";
          note.textContent = select.dataset.pickerMore;
          box.dropdown.appendChild(note);
        }
      },
    });
    // The label now names the box's input; the original select only carries the value for the form.
    select.setAttribute("aria-hidden", "true");
    select.tabIndex = -1;
    // The box's own typing is not the form's input: a form that searches as it is typed into
    // (hx-trigger="input") should react to the choice (the select's change), not to each key.
    box.control_input.addEventListener("input", function (event) {
      event.stopPropagation();
    });
    if (follow) {
      follow.addEventListener("change", function () {
        box.clear();
        box.clearOptions();
        box.loadedSearches = {};
        box.wrapper.classList.remove("preloaded");
      });
    }
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("select[data-picker]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUpAll(document);
    });
  } else {
    setUpAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    setUpAll(event.target);
  });
})();
