// Keeps what a person types in a long form in this browser until the form is saved, so a session
// that ended (signed out in another tab, a rotated CSRF token) loses nothing.
// <form data-draft="application-new-7"> saves its text fields on every keystroke under that key
// and puts them back when the same form is shown again. A submit is remembered for the next page:
// if that page is the form again (with errors), the sign-in page or an error page (marked
// data-draft-keep), the draft stays; any other page means the save worked, and it is removed.
// A form that edits a versioned record also says data-draft-version="3": its draft is kept per
// version, and drafts of the record's older versions (saved, or overtaken) are removed unread.
(function () {
  "use strict";
  var PREFIX = "leanleaders-draft:";
  var PENDING = "leanleaders-draft-pending";
  var FIELDS = "textarea, input[type='text']";

  function storage(kind) {
    try {
      return window[kind];
    } catch (error) {
      return null; // storage switched off: the form still works, only without drafts
    }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");
  if (!local || !session) {
    return;
  }

  // The key a form's draft is kept under: its data-draft, and the version it edits, if any.
  function keyOf(form) {
    var version = form.dataset.draftVersion;
    return version ? form.dataset.draft + "-v" + version : form.dataset.draft;
  }

  function read(key) {
    try {
      return JSON.parse(local.getItem(PREFIX + key)) || {};
    } catch (error) {
      return {};
    }
  }

  function save(form) {
    var values = {};
    form.querySelectorAll(FIELDS).forEach(function (field) {
      if (field.name && field.value) {
        values[field.name] = field.value;
      }
    });
    local.setItem(PREFIX + keyOf(form), JSON.stringify(values));
  }

  var pending = session.getItem(PENDING);
  session.removeItem(PENDING);
  var forms = document.querySelectorAll("form[data-draft]");
  var shownAgain = Array.prototype.some.call(forms, function (form) {
    return keyOf(form) === pending;
  });
  if (pending && !shownAgain && !document.querySelector("[data-draft-keep]")) {
    local.removeItem(PREFIX + pending);
  }

  function forgetOlderVersions(form) {
    if (!form.dataset.draftVersion) {
      return;
    }
    var family = PREFIX + form.dataset.draft + "-v";
    Object.keys(local)
      .filter(function (key) {
        return key.indexOf(family) === 0 && key !== PREFIX + keyOf(form);
      })
      .forEach(function (key) {
        local.removeItem(key);
      });
  }

  function restore(form) {
    forgetOlderVersions(form);
    var values = read(keyOf(form));
    var restored = false;
    form.querySelectorAll(FIELDS).forEach(function (field) {
      if (field.name in values && field.value !== values[field.name]) {
        field.value = values[field.name];
        restored = true;
      }
    });
    var notice = form.querySelector("[data-draft-restored]");
    if (restored && notice) {
      notice.hidden = false;
    }
  }

  forms.forEach(restore);
  // A form put in the page later (the cohort board's review dialog) says so with this event.
  document.addEventListener("leanleaders:content", function (event) {
    event.target.querySelectorAll("form[data-draft]").forEach(restore);
  });
  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.dataset.draft) {
      save(form);
    }
  });
  // On the window, so it runs after app.js's listener on the document (whatever the scripts'
  // order): a submit cancelled at its confirm() is not one.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.draft && !event.defaultPrevented) {
      save(form);
      session.setItem(PENDING, keyOf(form));
    }
  });
})();
