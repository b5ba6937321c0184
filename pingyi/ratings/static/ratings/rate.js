// Citizen rating page: show only the chosen level's tags, count comment characters, submit by fetch (JSON).
// Without this file the page is a plain HTML form and the server does the same checks.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("rate-form");
  if (!form) return;
  var tagsBox = document.getElementById("f-tags");
  var groups = tagsBox.querySelectorAll(".taggroup");
  var alertBox = document.getElementById("rate-error");
  var button = document.getElementById("rate-submit");
  var comment = document.getElementById("comment");
  var count = document.getElementById("comment-count");
  var thanks = document.getElementById("thanks");

  function chosenLevel() {
    var checked = form.querySelector('input[name="level"]:checked');
    return checked ? checked.value : "";
  }

  function showTags() {
    var level = chosenLevel();
    var any = false;
    groups.forEach(function (group) {
      var mine = group.getAttribute("data-level") === level;
      group.hidden = !mine;
      if (mine && group.querySelector("input")) any = true;
      if (!mine) {
        group.querySelectorAll("input:checked").forEach(function (box) { box.checked = false; });
      }
    });
    tagsBox.hidden = !any;
  }

  function updateCount() {
    var max = parseInt(comment.getAttribute("maxlength"), 10) || 0;
    count.textContent = String(comment.value.length);
    count.parentNode.classList.toggle("over", max > 0 && comment.value.length > max);
  }

  function clearErrors() {
    alertBox.hidden = true;
    alertBox.textContent = "";
    form.querySelectorAll(".err").forEach(function (el) { el.textContent = ""; });
  }

  function showError(error) {
    var field = error.field || "";
    if (field.indexOf("dim_") === 0) field = "dimensions";
    var slot = field ? form.querySelector('[data-err="' + field + '"]') : null;
    if (slot) {
      slot.textContent = error.message;
      alertBox.textContent = "请按提示修改后再提交。";
    } else {
      alertBox.textContent = error.message || "提交失败，请稍后再试。";
    }
    alertBox.hidden = false;
    (slot || alertBox).scrollIntoView({ block: "center" });
  }

  function showThanks(data) {
    thanks.querySelector('[data-slot="message"]').textContent = data.message || "";
    var tracking = thanks.querySelector('[data-slot="tracking"]');
    thanks.querySelector('[data-slot="code"]').textContent = data.tracking_code || "";
    tracking.hidden = !data.tracking_code;
    thanks.classList.toggle("negative", !!data.tracking_code);
    form.hidden = true;
    alertBox.hidden = true;
    thanks.hidden = false;
    var heading = thanks.querySelector("h1");
    heading.focus();
    window.scrollTo(0, 0);
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "level") showTags();
  });
  comment.addEventListener("input", updateCount);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)), // urlencoded: what the lean intake reads
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { error: { message: "提交失败，请刷新页面后重试。", field: "" } };
        });
      })
      .then(function (data) {
        if (data.ok) showThanks(data);
        else showError(data.error || {});
      })
      .catch(function () {
        showError({ message: "网络连接异常，请检查网络后重试。", field: "" });
      })
      .then(function () { button.disabled = false; });
  });

  showTags();
  updateCount();
})();
