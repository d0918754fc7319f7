// The HTML report's own style and script, inlined into every report (it must open offline and make no
// requests). The script only reads and reorders what the page already shows: it never builds HTML from
// strings, so model text stays text. Both are allowed by their hashes in the page's CSP (html-csp.ts).

export const REPORT_CSS = `
:root {
  --fg: #1d2329; --muted: #5b6570; --line: #d8dee4; --bg: #ffffff; --soft: #f5f7f9; --accent: #0b5cad;
  --critical: #9b1c1c; --critical-bg: #fde2e2; --high: #b7410e; --high-bg: #fde9d7;
  --medium: #8a6100; --medium-bg: #fff4cc; --low: #2f6b3a; --low-bg: #e3f4e6;
}
* { box-sizing: border-box; }
html { font: 15px/1.5 "Liberation Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
body { margin: 0 auto; max-width: 1280px; padding: 24px 28px 64px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 20px 0 8px; }
p { margin: 6px 0; }
code, .mono { font-family: "Liberation Mono", Menlo, Consolas, monospace; font-size: 0.88em; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.lede { font-size: 1.05rem; max-width: 70em; }
nav.toc { margin: 16px 0; display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 0.92rem; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 150px; background: var(--soft); }
.card .n { font-size: 1.6rem; font-weight: bold; }
.card .l { color: var(--muted); font-size: 0.85rem; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0; cursor: pointer; color: inherit; white-space: nowrap; }
th button::after { content: " \\2195"; color: var(--muted); font-weight: normal; }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: var(--fg); }
th[aria-sort="descending"] button::after { content: " \\2193"; color: var(--fg); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.82rem; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.risk-Critical { color: var(--critical); background: var(--critical-bg); border-color: var(--critical); }
.risk-High { color: var(--high); background: var(--high-bg); border-color: var(--high); }
.risk-Medium { color: var(--medium); background: var(--medium-bg); border-color: var(--medium); }
.risk-Low { color: var(--low); background: var(--low-bg); border-color: var(--low); }
.status { display: inline-block; padding: 1px 6px; border-radius: 4px; font-size: 0.82rem; border: 1px solid var(--line); white-space: nowrap; }
.status-open, .status-mitigating { font-weight: 600; }
.status-accepted, .status-mitigated, .status-false-positive, .status-transferred { color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: end; margin: 8px 0; padding: 10px 12px; background: var(--soft); border: 1px solid var(--line); border-radius: 8px; }
.filters label { display: flex; flex-direction: column; font-size: 0.82rem; color: var(--muted); gap: 2px; }
.filters select, .filters input { font: inherit; padding: 3px 6px; border: 1px solid #b8c1ca; border-radius: 4px; background: #fff; color: var(--fg); }
.filters input { min-width: 16em; }
.filters button { font: inherit; padding: 3px 10px; border: 1px solid #b8c1ca; border-radius: 4px; background: #fff; cursor: pointer; }
#tm-count { font-size: 0.9rem; color: var(--muted); margin-left: auto; }
.tm-threats td.id { white-space: nowrap; }
.tm-threats .uid { display: block; color: var(--muted); font-size: 0.78rem; }
.tm-threats tr.closed td { background: #fafbfc; }
.tm-threats tr.closed .title { color: var(--muted); }
.toggle { font: inherit; font-size: 0.8rem; margin-left: 6px; padding: 0 6px; border: 1px solid var(--line); border-radius: 4px; background: #fff; cursor: pointer; color: var(--accent); display: none; }
.js .toggle { display: inline-block; }
.detail { margin-top: 6px; font-size: 0.9rem; }
.js .detail { display: none; }
.js tr.expanded .detail { display: block; }
.detail ul { margin: 4px 0; padding-left: 18px; }
.detail dt { font-weight: 600; margin-top: 4px; }
.detail dd { margin: 0 0 0 12px; }
.empty-row td { text-align: center; color: var(--muted); }
.diagram { border: 1px solid var(--line); border-radius: 8px; padding: 12px; overflow-x: auto; background: #fff; }
.diagram svg { max-width: 100%; height: auto; display: block; margin: 0 auto; }
.diagram pre { margin: 0; font-size: 12px; line-height: 1.25; }
.note { border-left: 4px solid var(--medium); background: var(--medium-bg); padding: 6px 10px; margin: 8px 0; font-size: 0.92rem; }
.coverage td { text-align: center; font-size: 0.85rem; }
.coverage td.name { text-align: left; }
.cov-threat { background: var(--high-bg); }
.cov-mitigated { background: var(--low-bg); }
.cov-not-applicable { color: var(--muted); }
.cov-no-finding { color: var(--muted); font-style: italic; }
.surface ul { margin: 4px 0 12px; padding-left: 20px; }
.paths li { margin: 6px 0; }
.exposed { color: var(--critical); font-weight: 600; font-size: 0.85rem; }
.warnings li { margin: 3px 0; }
footer { margin-top: 48px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  nav.toc, .filters, .toggle, th button::after { display: none !important; }
  .js .detail { display: block; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, .card, .diagram, figure { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  .diagram { border: 0; padding: 0; }
  .badge, .cov-threat, .cov-mitigated { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

export const REPORT_JS = `
(function () {
  'use strict';
  var doc = document;
  doc.documentElement.classList.add('js');
  var table = doc.getElementById('tm-threat-table');
  if (!table) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.querySelectorAll('tr.threat'));
  var empty = doc.getElementById('tm-empty');
  var f = {
    stride: doc.getElementById('tm-f-stride'),
    risk: doc.getElementById('tm-f-risk'),
    status: doc.getElementById('tm-f-status'),
    component: doc.getElementById('tm-f-component'),
    text: doc.getElementById('tm-f-text')
  };
  var count = doc.getElementById('tm-count');

  function matches(row) {
    var d = row.dataset;
    var q = f.text.value.trim().toLowerCase();
    var status = f.status.value;
    if (f.stride.value && d.stride !== f.stride.value) return false;
    if (f.risk.value && d.risk !== f.risk.value) return false;
    if (status === 'unresolved' ? d.open !== '1' : status && d.status !== status) return false;
    if (f.component.value && d.component !== f.component.value) return false;
    if (q && row.textContent.toLowerCase().indexOf(q) < 0) return false;
    return true;
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.hidden = !ok;
      if (ok) shown++;
    });
    if (empty) empty.hidden = shown !== 0 || rows.length === 0;
    count.textContent = shown === rows.length ? 'Showing all ' + rows.length + ' threats' : 'Showing ' + shown + ' of ' + rows.length + ' threats';
  }

  ['stride', 'risk', 'status', 'component'].forEach(function (k) { f[k].addEventListener('change', apply); });
  f.text.addEventListener('input', apply);
  doc.getElementById('tm-f-reset').addEventListener('click', function () {
    ['stride', 'risk', 'status', 'component', 'text'].forEach(function (k) { f[k].value = ''; });
    apply();
  });

  var sortKey = 'id';
  var ascending = true;
  function value(row, key) {
    var v = row.getAttribute('data-sort-' + key) || '';
    return /^-?\\d+(\\.\\d+)?$/.test(v) ? Number(v) : v;
  }
  function sortBy(key, button) {
    ascending = key === sortKey ? !ascending : true;
    sortKey = key;
    var sorted = rows.slice().sort(function (a, b) {
      var x = value(a, key), y = value(b, key);
      var c = x < y ? -1 : x > y ? 1 : value(a, 'id') - value(b, 'id');
      return ascending ? c : -c;
    });
    sorted.forEach(function (row) { tbody.insertBefore(row, empty); });
    Array.prototype.forEach.call(table.tHead.querySelectorAll('th'), function (th) { th.removeAttribute('aria-sort'); });
    button.parentNode.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  }
  Array.prototype.forEach.call(table.tHead.querySelectorAll('button[data-sort]'), function (button) {
    button.addEventListener('click', function () { sortBy(button.getAttribute('data-sort'), button); });
  });

  rows.forEach(function (row) {
    var button = row.querySelector('button.toggle');
    if (!button) return;
    button.addEventListener('click', function () {
      var open = row.classList.toggle('expanded');
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      button.textContent = open ? 'less' : 'more';
    });
  });

  if (location.hash) {
    var target = doc.getElementById(location.hash.slice(1));
    if (target && target.classList.contains('threat')) target.classList.add('expanded');
  }
  apply();
})();
`;
