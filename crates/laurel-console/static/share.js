// The referral page's copy and share buttons. Without this script the link is still shown
// as text to select; with it, "Share" opens the phone's share sheet (the Web Share API)
// where the browser has one and copies the link where it has not, and "Copy" copies it.
(function () {
  var actions = document.getElementById('share-actions');
  var link = document.getElementById('share-link');
  var status = document.getElementById('share-status');
  if (!actions || !link || !status) return;
  var url = link.textContent.trim();

  function say(text) {
    status.textContent = text;
    status.hidden = false;
  }

  // The clipboard API needs a secure page; elsewhere the selected text is copied the old way.
  function copy() {
    var done = function () { say(status.dataset.copied); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, copySelection);
    } else {
      copySelection();
    }
  }

  function copySelection() {
    var range = document.createRange();
    range.selectNodeContents(link);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var copied = false;
    try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
    say(copied ? status.dataset.copied : status.dataset.select);
  }

  document.getElementById('copy-link').addEventListener('click', copy);
  document.getElementById('share').addEventListener('click', function () {
    if (!navigator.share) return copy();
    navigator.share({ title: document.title, text: actions.dataset.text, url: url })
      .then(function () { say(status.dataset.shared); }, function (e) {
        // Closing the share sheet is a choice, not a failure.
        if (!e || e.name !== 'AbortError') copy();
      });
  });
  actions.hidden = false;
})();
