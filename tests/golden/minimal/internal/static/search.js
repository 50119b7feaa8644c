/* Filters and searches the wall of compliments without a server.
 * The index is embedded in the page (<script type="application/json" id="wall-index">) or, for
 * a wall of more than one page, set by static/wall-index.js. Results are written with textContent only.
 * Without JavaScript the filter form stays hidden and every card shows. */
(function () {
  "use strict";
  var form = document.getElementById("wall-filters");
  if (!form) { return; }
  var index = null;
  var embedded = document.getElementById("wall-index");
  try {
    index = embedded ? JSON.parse(embedded.textContent) : (window.kscmsWallIndex || null);
  } catch (e) {
    index = null;
  }
  if (!index) { return; }
  var wall = document.getElementById("wall");
  var page = wall ? parseInt(wall.getAttribute("data-page"), 10) : 1;
  var root = wall ? wall.getAttribute("data-root") : "";
  var query = document.getElementById("wall-q");
  var team = document.getElementById("wall-team");
  var theme = document.getElementById("wall-theme");
  var status = document.getElementById("wall-status");
  var more = document.getElementById("wall-more");
  var moreList = more ? more.querySelector("ul") : null;
  var pager = document.querySelector(".pager");

  function matches(entry, words, teamKey, themeKey) {
    if (teamKey && entry.teams.indexOf(teamKey) < 0) { return false; }
    if (themeKey && entry.themes.indexOf(themeKey) < 0) { return false; }
    for (var i = 0; i < words.length; i++) {
      if (entry.text.indexOf(words[i]) < 0) { return false; }
    }
    return true;
  }

  function apply() {
    var words = query.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var teamKey = team.value;
    var themeKey = theme.value;
    var active = words.length > 0 || teamKey !== "" || themeKey !== "";
    var count = 0;
    var shown = {};
    var elsewhere = [];
    for (var i = 0; i < index.length; i++) {
      var entry = index[i];
      if (!active || matches(entry, words, teamKey, themeKey)) {
        count++;
        if (entry.page === page) { shown[entry.id] = true; } else if (active) { elsewhere.push(entry); }
      }
    }
    if (wall) {
      var cards = wall.children;
      for (var j = 0; j < cards.length; j++) {
        cards[j].hidden = !shown[cards[j].id];
      }
    }
    if (moreList) {
      while (moreList.firstChild) { moreList.removeChild(moreList.firstChild); }
      for (var k = 0; k < elsewhere.length && k < 200; k++) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.setAttribute("href", root + elsewhere[k].url);
        a.textContent = elsewhere[k].title;
        li.appendChild(a);
        moreList.appendChild(li);
      }
      more.hidden = elsewhere.length === 0;
    }
    if (pager) { pager.hidden = active; }
    if (!active) {
      status.textContent = "";
    } else if (count === 0) {
      status.textContent = status.getAttribute("data-none");
    } else {
      status.textContent = status.getAttribute("data-some").replace("{n}", String(count));
    }
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  query.addEventListener("input", apply);
  team.addEventListener("change", apply);
  theme.addEventListener("change", apply);
  apply();
}());
