/* Wizard step: autosave and live preview. The page works without this script; it only saves sooner.
   Saves go through the step's own validation and revision check (POST .../autosave, JSON answer):
   200 gives the new revision, 409 means someone else saved (the form is then submitted, which shows
   the side-by-side conflict page), 422 lists the field errors. No inline script, no eval. */
(function () {
  "use strict";

  var form = document.getElementById("step-form");
  if (!form) {
    return;
  }
  var status = document.getElementById("autosave-status");
  var autosaveUrl = form.getAttribute("data-autosave");
  var previewUrl = form.getAttribute("data-preview");
  var previewBody = document.getElementById("step-preview-body");
  var previewNote = document.getElementById("step-preview-note");
  var previewPanel = document.getElementById("step-preview");
  var DELAY = 1000;
  var KEEPALIVE_LIMIT = 60000; // browsers allow 64 kB of keepalive bodies in flight
  var MAX_RETRY_DELAY = 30000;

  var dirty = false; // changes the server has not received yet
  var failed = false; // the last attempt did not save (network, server or refused input)
  var inFlight = null; // the save in progress, if any
  var again = false; // more changes came in while a save was in flight
  var submitting = false; // the form is being submitted the ordinary way
  var pendingSubmitter = null;
  var saveTimer = null;
  var retryTimer = null;
  var retryDelay = 2000;
  var previewTimer = null;
  var previewSeq = 0;
  var typedSincePreview = false; // the form was changed: from then on the preview follows the typed answers

  function field(name) {
    return form.querySelector("input[name='" + name + "']");
  }

  function encoded() {
    return new URLSearchParams(new FormData(form)).toString();
  }

  function say(text, withRetry) {
    if (!status) {
      return;
    }
    status.textContent = text;
    if (withRetry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small";
      button.textContent = status.getAttribute("data-retry");
      button.addEventListener("click", function () {
        save();
      });
      status.append(" — ", button);
    }
  }

  function now() {
    return new Date().toLocaleTimeString(document.documentElement.lang || "nl-BE", { hour: "2-digit", minute: "2-digit" });
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: keepalive,
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": (field("csrf_token") || {}).value || "",
        Accept: "application/json"
      }
    });
  }

  function readJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") !== 0) {
      throw new Error("not a JSON answer");
    }
    return response.json().then(function (result) {
      return { status: response.status, result: result };
    });
  }

  function save() {
    if (!autosaveUrl || submitting) {
      return Promise.resolve();
    }
    clearTimeout(saveTimer);
    clearTimeout(retryTimer);
    if (inFlight) {
      again = true;
      return inFlight;
    }
    dirty = false;
    var body = encoded();
    say(status ? status.getAttribute("data-saving") : "");
    inFlight = post(autosaveUrl, body, body.length < KEEPALIVE_LIMIT)
      .then(readJson)
      .then(function (answer) {
        handle(answer.status, answer.result);
      })
      .catch(failure)
      .then(function () {
        inFlight = null;
        if (pendingSubmitter !== null) {
          var submitter = pendingSubmitter;
          pendingSubmitter = null;
          submit(submitter);
        } else if (again || (dirty && !failed)) {
          again = false;
          schedule();
        }
      });
    return inFlight;
  }

  function handle(code, result) {
    if (code === 200) {
      field("revision").value = result.revision;
      failed = false;
      retryDelay = 2000;
      clearErrors(false);
      say(status.getAttribute("data-saved").replace("{time}", now()));
      showStepState(result);
      return;
    }
    if (code === 409) {
      // Never overwrite: the ordinary submit shows both texts side by side.
      pendingSubmitter = null;
      submit(null);
      return;
    }
    if (code === 422 && result.csrf_token && field("csrf_token").value !== result.csrf_token) {
      field("csrf_token").value = result.csrf_token; // the form had expired: try once more with a fresh token
      dirty = true;
      again = true;
      return;
    }
    if (code === 422) {
      failed = true;
      dirty = true;
      showErrors(result.errors || {});
      say(result.message || status.getAttribute("data-invalid"));
      return;
    }
    failure();
  }

  /* The step list says in words whether this step is complete. */
  function showStepState(result) {
    var item = document.querySelector(".progress li.current");
    if (!item || !result.state) {
      return;
    }
    var state = item.querySelector(".state");
    if (!state) {
      state = document.createElement("span");
      state.className = "state";
      item.querySelector("a").append(" ", state);
    }
    state.textContent = (result.complete ? "✓ " : "") + result.state;
    item.classList.toggle("complete", result.complete);
    item.classList.toggle("incomplete", !result.complete);
  }

  function failure() {
    failed = true;
    dirty = true;
    say(status.getAttribute("data-failed"), true);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_RETRY_DELAY);
  }

  function submit(submitter) {
    submitting = true;
    if (submitter) {
      form.requestSubmit(submitter);
    } else {
      form.submit();
    }
  }

  function schedule() {
    if (!autosaveUrl) {
      return;
    }
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, DELAY);
  }

  /* Field errors in place, tied to their inputs as the server does it. */
  function errorFor(id) {
    var element = document.getElementById(id) || document.getElementById(id + "-0");
    if (!element) {
      return;
    }
    var message = document.getElementById(id + "-error");
    if (!message) {
      message = document.createElement("p");
      message.className = "error";
      message.id = id + "-error";
      message.setAttribute("data-autosave", "");
      if (element.tagName === "FIELDSET") {
        element.querySelector("legend").after(message);
      } else {
        (element.closest(".choice") || element).before(message);
      }
    }
    return { element: element, message: message };
  }

  function showErrors(errors) {
    clearErrors(true);
    Object.keys(errors).forEach(function (id) {
      var found = errorFor(id);
      if (!found) {
        return;
      }
      found.message.textContent = errors[id].join(" ");
      if (found.element.tagName !== "FIELDSET") {
        found.element.setAttribute("aria-invalid", "true");
        var described = (found.element.getAttribute("aria-describedby") || "").split(" ");
        if (described.indexOf(found.message.id) < 0) {
          described.push(found.message.id);
          found.element.setAttribute("aria-describedby", described.join(" ").trim());
        }
      }
      var box = found.element.closest(".field, .group");
      if (box) {
        box.classList.add("has-error");
      }
    });
  }

  /* After a save, errors of an earlier refused save are gone; "still missing" marks from the review stay. */
  function clearErrors(onlyOurs) {
    var summary = document.querySelector(".error-summary[data-kind='invalid']");
    var all = !onlyOurs && summary;
    if (all) {
      summary.remove();
    }
    form.querySelectorAll(all ? "p.error" : "p.error[data-autosave]").forEach(function (message) {
      var input = document.querySelector("[aria-describedby~='" + message.id + "']");
      if (input) {
        input.removeAttribute("aria-invalid");
      }
      var box = message.closest(".has-error");
      if (box) {
        box.classList.remove("has-error");
      }
      message.remove();
    });
  }

  /* Live preview: the document's part for this step, from the typed answers; nothing is stored.
     A closed panel (on small screens) asks for nothing until it is opened. */
  function refreshPreview() {
    if (!previewUrl || !previewBody) {
      return;
    }
    typedSincePreview = true;
    if (previewPanel && !previewPanel.open) {
      return;
    }
    previewBody.removeAttribute("data-src");
    var seq = ++previewSeq;
    post(previewUrl, encoded(), false)
      .then(function (response) {
        if (seq !== previewSeq) {
          return;
        }
        if (response.status === 200) {
          return response.text().then(function (html) {
            if (seq === previewSeq) {
              previewBody.innerHTML = html;
              previewNote.classList.remove("stale");
            }
          });
        }
        if (response.status === 422 && previewNote) {
          previewNote.textContent = previewNote.getAttribute("data-stale");
          previewNote.classList.add("stale");
        }
      })
      .catch(function () {
        /* the preview waits for the next change */
      });
  }

  function changed() {
    dirty = true;
    var undo = document.getElementById("undo-row");
    if (undo) {
      undo.remove(); // the step changes again: the removed row can no longer be put back as it was
    }
    schedule();
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, DELAY);
  }

  // A long one-line answer is shown wrapped in a text area; Enter there still saves, as in any one-line field.
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.classList.contains("one-line")) {
      event.preventDefault();
      form.requestSubmit(form.querySelector(".default-submit"));
    }
  });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  form.addEventListener("submit", function (event) {
    clearTimeout(saveTimer);
    clearTimeout(retryTimer);
    if (inFlight) {
      // Wait for the save in flight, so the form carries its new revision and does not conflict with itself.
      event.preventDefault();
      pendingSubmitter = event.submitter || null;
      return;
    }
    submitting = true;
  });

  function flush() {
    if (dirty && !submitting && !inFlight) {
      save();
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush();
    }
  });
  window.addEventListener("pagehide", flush);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.reload(); // back from the cache: the form's revision may be old
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) {
      return;
    }
    // Without autosave (the conflict page) the typed text lives only in this form.
    var unsaved = !autosaveUrl || ((dirty || inFlight) && (failed || encoded().length >= KEEPALIVE_LIMIT));
    if (unsaved) {
      event.preventDefault();
      event.returnValue = status ? status.getAttribute("data-unsaved") : "";
      return;
    }
    flush();
  });

  if (previewPanel && window.matchMedia("(max-width: 900px)").matches) {
    previewPanel.open = false;
  }

  /* The saved draft's part of the document comes after the page itself, once the panel is open. */
  function loadPreview() {
    var source = previewBody && previewBody.getAttribute("data-src");
    if (!previewPanel || !previewPanel.open || (!source && !typedSincePreview)) {
      return;
    }
    if (typedSincePreview) {
      refreshPreview();
      return;
    }
    previewBody.removeAttribute("data-src");
    var seq = ++previewSeq;
    fetch(source, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        if (seq === previewSeq) {
          previewBody.innerHTML = html;
        }
      })
      .catch(function () {
        previewBody.setAttribute("data-src", source); // asked again when the panel is opened again
      });
  }

  if (previewPanel) {
    previewPanel.addEventListener("toggle", loadPreview);
    loadPreview();
  }
})();
