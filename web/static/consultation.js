// Progressive enhancement for comment threads: times are rendered in UTC
// by the server; this shows each in the reader's own time zone with the
// UTC time beside it.
document.addEventListener("DOMContentLoaded", function () {
  var fmt = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  document.querySelectorAll("time.local[datetime]").forEach(function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (isNaN(d)) { return; }
    var utc = el.textContent;
    el.textContent = fmt.format(d) + " (" + utc + ")";
    el.title = utc;
  });
});
