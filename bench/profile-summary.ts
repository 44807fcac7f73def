// Summarises a V8 .cpuprofile (from `npm run bench -- --profile`): where the time went, by
// package or source file, and the heaviest functions by self and by inclusive time.
// The last part looks at long busy stretches (the event loop blocked for ≥ 5 ms): what runs then
// is what lengthens tail latency, even when it is cheap on average.
// Usage: node --import tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [top] [skip-seconds]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, fromArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary.ts <file.cpuprofile> [top] [skip-seconds (start-up) for the busy-stretch analysis]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map<number, ProfileNode>();
const parent = new Map<number, number>();
for (const node of profile.nodes) {
  byId.set(node.id, node);
  for (const child of node.children ?? []) parent.set(child, node.id);
}

const cwd = `file://${process.cwd()}/`;
/** Where a frame's code lives: a package, a file of this project, node itself, or a V8 pseudo-frame. */
function place(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `pkg:${pkg[1]}`;
  if (url.startsWith('node:')) return 'node:internals';
  return url.startsWith(cwd) ? url.slice(cwd.length) : url;
}
const fnKey = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'}  ${place(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`;

const CALLER_DEPTH = 4;
const self = new Map<string, number>();
/** For each leaf function: the call paths (nearest named callers) that led to it. */
const callers = new Map<string, Map<string, number>>();
const inclusive = new Map<string, number>();
const byPlace = new Map<string, number>();
let total = 0;
const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  const leaf = byId.get(profile.samples[i]!);
  if (!leaf) continue;
  total += dt;
  add(self, fnKey(leaf), dt);
  const path: string[] = [];
  for (let id = parent.get(leaf.id); id !== undefined && path.length < CALLER_DEPTH; id = parent.get(id)) {
    const frame = byId.get(id)!;
    if (frame.callFrame.functionName !== '') path.push(fnKey(frame).replace(/\s+/g, ' '));
  }
  const leafCallers = callers.get(fnKey(leaf)) ?? new Map<string, number>();
  callers.set(fnKey(leaf), leafCallers);
  add(leafCallers, path.join(' < '), dt);
  add(byPlace, place(leaf.callFrame.url, leaf.callFrame.functionName), dt);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const key = fnKey(byId.get(id)!);
    if (!seen.has(key)) {
      seen.add(key);
      add(inclusive, key, dt);
    }
  }
}

const idle = (self.get('(idle)  (idle):0') ?? 0);
const busy = total - idle;
const pctOf = (v: number, of: number) => `${((100 * v) / of).toFixed(1).padStart(5)} %`;
const list = (title: string, m: Map<string, number>, filter: (k: string) => boolean = () => true) => {
  process.stdout.write(`\n${title}\n`);
  const rows = [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, v] of rows) process.stdout.write(`  ${pctOf(v, busy)}  ${(v / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
};

process.stdout.write(`${file}\n  sampled ${(total / 1e6).toFixed(1)} s, busy (not idle) ${(busy / 1e6).toFixed(1)} s; percentages are of busy time\n`);
list('Self time by place (package, file, node internals, GC):', byPlace, (k) => k !== '(idle)');
list('Heaviest functions, self time:', self, (k) => !k.startsWith('(idle)'));
list('Project functions (src/), inclusive time:', inclusive, (k) => k.includes(' src/'));

process.stdout.write(`\nWho calls the heaviest functions (nearest ${CALLER_DEPTH} named callers, innermost first):\n`);
const heaviest = [...self].filter(([k]) => !k.startsWith('(')).sort((a, b) => b[1] - a[1]).slice(0, 10);
for (const [k, v] of heaviest) {
  process.stdout.write(`  ${pctOf(v, busy)}  ${k}\n`);
  const paths = [...(callers.get(k) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 4);
  for (const [path, t] of paths) process.stdout.write(`      ${pctOf(t, busy)}  < ${path}\n`);
}

// Long busy stretches: consecutive samples without an idle one in between.
const STALL_MS = 5;
const isIdle = (i: number) => byId.get(profile.samples[i]!)?.callFrame.functionName === '(idle)';
const stalls: { ms: number; samples: number[] }[] = [];
let stretch: number[] = [];
let stretchUs = 0;
const skipUs = Number(fromArg ?? 0) * 1e6;
let clock = 0;
for (let i = 0; i <= profile.samples.length; i++) {
  clock += profile.timeDeltas[i] ?? 0;
  if (clock < skipUs) continue;
  if (i === profile.samples.length || isIdle(i)) {
    if (stretchUs >= STALL_MS * 1000) stalls.push({ ms: stretchUs / 1000, samples: stretch });
    stretch = [];
    stretchUs = 0;
  } else {
    stretch.push(i);
    stretchUs += profile.timeDeltas[i + 1] ?? 0;
  }
}
const stallUs = stalls.reduce((n, x) => n + x.ms * 1000, 0);
const count = (min: number) => stalls.filter((x) => x.ms >= min).length;
process.stdout.write(`\nEvent loop busy without a break for ≥ ${STALL_MS} ms: ${stalls.length} times (≥ 10 ms: ${count(10)}, ≥ 20 ms: ${count(20)}, ≥ 50 ms: ${count(50)}), ${(stallUs / 1000).toFixed(0)} ms in all\n`);
if (stalls.length > 0) {
  const stallSelf = new Map<string, number>();
  const stallInclusive = new Map<string, number>();
  for (const { samples } of stalls) {
    for (const i of samples) {
      const dt = profile.timeDeltas[i + 1] ?? 0;
      const leaf = byId.get(profile.samples[i]!)!;
      add(stallSelf, place(leaf.callFrame.url, leaf.callFrame.functionName), dt);
      const seen = new Set<string>();
      for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
        const key = fnKey(byId.get(id)!);
        if (!seen.has(key)) {
          seen.add(key);
          add(stallInclusive, key, dt);
        }
      }
    }
  }
  const share = (v: number) => `${((100 * v) / stallUs).toFixed(1).padStart(5)} %`;
  const show = (title: string, m: Map<string, number>, filter: (k: string) => boolean) => {
    process.stdout.write(`  ${title}\n`);
    for (const [k, v] of [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, Math.min(top, 15))) {
      process.stdout.write(`    ${share(v)}  ${k}\n`);
    }
  };
  show('Self time in those stretches, by place:', stallSelf, () => true);
  show('Project and package functions in those stretches, inclusive:', stallInclusive, (k) => k.includes(' src/') || k.includes(' pkg:'));
}
