// The cohort board's Review links open the review form in the page's one <dialog>, fetched
// when it is opened (the link's page with fragment=1): the board no longer carries a form for
// every row. Each link is a real link, so without JavaScript, in a new tab, or when the answer
// is not the form (signed out, refused, offline) it opens the review page itself.
// showModal() moves focus into the dialog and Escape closes it; focus then returns to the link.
(function () {
  "use strict";
  var dialog = document.getElementById("review-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var opener = null;

  function open(link) {
    var url = new URL(link.href);
    url.searchParams.set("fragment", "1");
    // "manual": a redirect (to sign in, say) is not followed into the dialog but opens the page.
    fetch(url, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("not the form");
        }
        return response.text();
      })
      .then(function (html) {
        dialog.innerHTML = html;
        // drafts.js puts back what was typed in this form before (a session that ended).
        dialog.dispatchEvent(new CustomEvent("leanleaders:content", { bubbles: true }));
        opener = link;
        dialog.showModal();
        var field = dialog.querySelector("textarea");
        if (field) {
          field.focus();
        }
      })
      .catch(function () {
        window.location.assign(link.href);
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-review-dialog]");
    var plain = event.button === 0 && !(event.ctrlKey || event.metaKey || event.shiftKey);
    if (link && plain && !event.altKey && !event.defaultPrevented) {
      event.preventDefault();
      open(link);
    }
  });
  // The dialog's close button and Cancel (on the page, a link back to the board).
  dialog.addEventListener("click", function (event) {
    if (event.target.closest("[data-dialog-close]")) {
      event.preventDefault();
      dialog.close();
    }
  });
  dialog.addEventListener("close", function () {
    dialog.replaceChildren();
    if (opener) {
      opener.focus();
      opener = null;
    }
  });
})();
