/** The whole stylesheet: served from our origin so the CSP needs no exceptions. */
export const stylesheet = `
:root { --ink:#1d232b; --muted:#5b6570; --line:#d7dce1; --accent:#0b5cad; --bad:#b3261e; --ok:#1e7a3c; --bg:#fbfbfa; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.55 system-ui,-apple-system,"Segoe UI",sans-serif; color:var(--ink); background:var(--bg); }
header.site, footer.site { padding:.8rem 1.2rem; display:flex; gap:1rem; align-items:center; justify-content:space-between; border-bottom:1px solid var(--line); background:#fff; }
footer.site { border:0; border-top:1px solid var(--line); color:var(--muted); font-size:.9rem; margin-top:3rem; }
.brand { font-weight:700; color:var(--ink); text-decoration:none; }
main { max-width:46rem; margin:0 auto; padding:1.5rem 1.2rem; }
a { color:var(--accent); }
h1 { font-size:1.7rem; line-height:1.25; margin:.5rem 0 1rem; }
fieldset { border:1px solid var(--line); border-radius:8px; padding:1rem 1.2rem; margin:0 0 1.2rem; background:#fff; }
legend { font-weight:600; padding:0 .3rem; }
.field { margin:0 0 1rem; }
.field label { display:block; font-weight:600; margin-bottom:.25rem; }
.field.choice label, .choice label { font-weight:400; display:inline; }
fieldset.choices { border:0; padding:0; margin:0 0 1rem; background:none; }
fieldset.choices legend { padding:0; margin-bottom:.25rem; }
.choice.invalid input[type=checkbox], .choices.invalid input[type=radio] { outline:2px solid var(--bad); outline-offset:2px; }
input[type=text], input[type=email], input[type=tel], textarea, select { width:100%; padding:.55rem .6rem; font:inherit; border:1px solid #aab3bc; border-radius:6px; background:#fff; }
textarea { min-height:6rem; }
.invalid input[type=text], .invalid input[type=email], .invalid input[type=tel], .invalid textarea, .invalid select { border-color:var(--bad); }
.hint { color:var(--muted); font-size:.9rem; margin:.1rem 0 .35rem; }
.error { color:var(--bad); font-weight:600; margin:.1rem 0 .35rem; }
.errors { border:2px solid var(--bad); border-radius:8px; padding:.7rem 1rem; background:#fff5f4; margin-bottom:1.2rem; }
button { font:inherit; font-weight:600; padding:.6rem 1.2rem; border-radius:6px; border:0; background:var(--accent); color:#fff; cursor:pointer; }
button.danger { background:var(--bad); }
.notice-box { border-left:4px solid var(--accent); background:#fff; padding:.8rem 1rem; }
.status { display:inline-block; padding:.1rem .55rem; border-radius:99px; background:#e8eef5; font-weight:600; }
.status.approved, .outcome.hidden { background:#e4f3e8; color:var(--ok); }
.status.rejected, .outcome.rejected { background:#fbe9e7; color:var(--bad); }
table { border-collapse:collapse; width:100%; background:#fff; }
th, td { text-align:left; padding:.45rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; overflow-wrap:anywhere; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; }
dl.facts dt { color:var(--muted); }
dl.facts dd { margin:0; overflow-wrap:anywhere; white-space:pre-wrap; }
article .byline { color:var(--muted); }
.courtesy { margin-top:2rem; padding:1rem; border-top:1px solid var(--line); font-size:.92rem; color:var(--muted); }
ol.trail { padding-left:1.2rem; color:var(--muted); }
.api-docs code, .api-docs pre, .api-docs textarea { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:.88em; }
.api-docs pre { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.6rem .8rem; white-space:pre-wrap; overflow-wrap:anywhere; }
.api-docs pre:empty { display:none; }
.api-docs section.operation { border-top:1px solid var(--line); margin-top:2.5rem; }
.api-docs .summary { font-weight:600; }
.api-docs .method { display:inline-block; min-width:3.4rem; text-align:center; padding:0 .4rem; border-radius:4px; font-size:.85rem; color:#fff; background:var(--accent); vertical-align:middle; }
.api-docs .method.post { background:var(--ok); }
.api-docs .type, .api-docs .optional, .api-docs .headers { color:var(--muted); }
.api-docs ul.schema { list-style:none; margin:.2rem 0; padding-left:1rem; border-left:2px solid var(--line); }
.api-docs dl.responses dt { font-weight:700; margin-top:.8rem; }
.api-docs dl.responses dd { margin:0 0 0 1.2rem; }
.api-docs dd > p:first-child, .api-docs dd > ul:first-child { margin-top:0; }
.api-docs caption { text-align:left; font-weight:600; padding:.3rem 0; }
.api-docs td:first-child { white-space:nowrap; overflow-wrap:normal; }
.api-docs form.try { border:1px solid var(--line); border-radius:8px; background:#fff; padding:.2rem 1rem 1rem; margin-top:1.2rem; }
`;
