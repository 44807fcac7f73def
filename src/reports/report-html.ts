import type { ComplianceReport, ReportSection, SectionStatus } from './compliance-report.ts';

const STATUS_TEXT: Record<SectionStatus, string> = { ok: 'OK', attention: 'Needs attention', not_available: 'No data' };
const STATUS_COLOR: Record<SectionStatus, string> = { ok: '#1a7f37', attention: '#b35900', not_available: '#666666' };

/** Text for HTML: the five characters that could open markup or an attribute, escaped. */
function esc(value: unknown): string {
  return String(value ?? '—').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function factValue(v: string | number | boolean | null): string {
  if (v === null) return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

function section(s: ReportSection): string {
  const facts = Object.entries(s.facts)
    .map(([k, v]) => `<tr><th scope="row">${esc(k.replaceAll('_', ' '))}</th><td>${esc(factValue(v))}</td></tr>`)
    .join('');
  const list = (items: readonly string[]) => (items.length === 0 ? '<p>None.</p>' : `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`);
  return `<section id="${esc(s.id)}">
<h2>${esc(s.title)} <span class="status" style="color:${STATUS_COLOR[s.status]}">${STATUS_TEXT[s.status]}</span></h2>
<table>${facts}</table>
<h3>Findings</h3>${list(s.findings)}
<h3>Recommendations</h3>${list(s.recommendations)}
</section>`;
}

/**
 * The report as one self-contained HTML page (no script, no external resource), every value escaped:
 * names and emails in it come from users.
 */
export function reportHtml(r: ComplianceReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Compliance report: ${esc(r.org.name)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111}
table{border-collapse:collapse;margin:.5rem 0}th,td{text-align:left;padding:.2rem .8rem .2rem 0;border-bottom:1px solid #ddd}
th{font-weight:500;color:#444}.status{font-size:.8em;margin-left:.5rem}section{margin-top:2rem}
</style></head><body>
<h1>Compliance report: ${esc(r.org.name)}</h1>
<p>Period ${esc(r.period.from)} to ${esc(r.period.to)} · generated ${esc(r.generated_at)} · organization ${esc(r.org.id)}</p>
<p>${r.summary.ok} sections OK, ${r.summary.attention} need attention, ${r.summary.not_available} without data.</p>
${r.sections.map(section).join('\n')}
</body></html>
`;
}
