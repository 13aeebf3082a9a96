"""The evidence brief's stylesheet: readable at phone width, printable, and never relying
on colour alone (every coloured mark also says what it means in words)."""

STYLE = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #555; --line: #c8c8c8;
  --tint: #f4f6f8; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
header, main, footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; border-bottom: 3px solid var(--ink); }
h1 { font-size: 1.6rem; line-height: 1.25; margin: .3rem 0 .8rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
.kicker { text-transform: uppercase; letter-spacing: .05em; font-size: .8rem;
  color: var(--muted); margin: 0; }
nav ul { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; padding: 0; list-style: none; }
a { color: #0645ad; overflow-wrap: anywhere; }
code { font-size: .9em; background: var(--tint); padding: 0 .2em; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; margin: .5rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; font-style: italic; color: var(--muted); padding: .2rem 0; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--tint); }
tbody th { font-weight: 600; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: .4rem 0; }
dt { font-weight: 600; }
dd { margin: 0; }
.notes { font-size: .85rem; color: var(--muted); }
.card { border: 1px solid var(--line); border-left: 6px solid var(--ink); border-radius: 4px;
  padding: .8rem 1rem; margin: 1rem 0; break-inside: avoid-page; }
.card h3 code { font-weight: normal; }
.headline { font-weight: 600; }
.badge { display: inline-block; border: 2px solid currentColor; border-radius: 3px;
  padding: 0 .4rem; font-weight: 600; font-size: .9rem; }
.level-1, .level-2 { color: #0b5d1e; }
.level-3 { color: #6b4e00; }
.level-4, .level-5, .level-None { color: #8a1c1c; border-style: dashed; }
.cautions li::marker { content: "⚠ "; }
figure.forest { margin: 1rem 0 2rem; }
figcaption { font-weight: 600; margin-bottom: .4rem; }
.plot svg { max-width: 100%; height: auto; display: block; }
.refs li { margin: .4rem 0; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line);
  margin-top: 2rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  h1 { font-size: 1.3rem; }
  dl { grid-template-columns: 1fr; }
  dd { margin-bottom: .3rem; }
  .card { padding: .6rem; }
}
@media print {
  body { font-size: 10.5pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  .refs a[href^="http"]::after { content: " <" attr(href) ">"; font-size: .85em; }
  .scroll { overflow: visible; }
  table { table-layout: fixed; width: 100%; }
  th, td { overflow-wrap: anywhere; }
  svg { max-width: 100%; height: auto; }
  .card, figure.forest, tr { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  thead { display: table-header-group; }
}
"""
