// Enhancements only: every page works without this script (the progress page refreshes itself).
(function () {
  "use strict";
  // Live progress: poll the run's status and update the bar; reload when the run ends.
  var box = document.getElementById("progress");
  if (box) {
    var refresh = document.querySelector('meta[http-equiv="refresh"]');
    if (refresh) { refresh.parentNode.removeChild(refresh); }
    var poll = function () {
      fetch(box.getAttribute("data-status-url"), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (tasks) {
          var run = tasks.run || {};
          if (run.status !== "queued" && run.status !== "running") { window.location.reload(); return; }
          var p = run.progress || {};
          var bar = document.getElementById("bar");
          bar.max = p.total || 1; bar.value = p.done || 0;
          (p.stages || []).forEach(function (stage) {
            var li = box.querySelector('li[data-stage="' + stage + '"]');
            if (li) { li.className = stage === p.stage ? "current" : "done"; }
          });
          setTimeout(poll, 700);
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    poll();
  }
  // Drag and drop a data file onto the upload box.
  var drop = document.querySelector(".drop");
  var input = document.getElementById("data");
  if (drop && input) {
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
    });
  }
})();
