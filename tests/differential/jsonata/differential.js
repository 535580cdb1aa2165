'use strict';
// Differential test of patchbay's JSONata engine against jsonata-js (the reference implementation).
// Generates random JSON documents and random well-formed JSONata expressions from a seed, evaluates each case
// with jsonata-js (in this process) and with the native engine (the batch driver, one process for all cases),
// compares the results, and shrinks every disagreement to a small reproducer.
//
// Usage: node differential.js --driver PATH [--seed N] [--count N] [--show N] [--cases-out FILE]
// jsonata must be resolvable (run.sh sets NODE_PATH to its npm cache). Same seed and count: same cases.

const { spawn } = require('child_process');
const fs = require('fs');
const { Worker } = require('worker_threads');

// ---------------------------------------------------------------------------------------------------------------
// Options

function parseOptions(argv) {
    const options = { seed: 1, count: 5000, show: 20, driver: null, casesOut: null };
    for (let i = 0; i < argv.length; ++i) {
        const arg = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
            return argv[++i];
        };
        if (arg === '--seed') options.seed = Number(next());
        else if (arg === '--count') options.count = Number(next());
        else if (arg === '--show') options.show = Number(next());
        else if (arg === '--driver') options.driver = next();
        else if (arg === '--cases-out') options.casesOut = next();
        else throw new Error(`unknown option ${arg}`);
    }
    if (!options.driver) throw new Error('--driver PATH is required (the jsonata_differential_driver executable)');
    return options;
}

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness (mulberry32): the only source of randomness, so a seed names a run.

function makeRandom(seed) {
    let state = seed >>> 0;
    const next = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const r = {
        next,
        int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
        pick: (list) => list[Math.floor(next() * list.length)],
        chance: (p) => next() < p,
        // weighted: [[weight, fn], ...]
        weighted: (entries) => {
            const total = entries.reduce((s, e) => s + e[0], 0);
            let x = next() * total;
            for (const [w, fn] of entries) {
                if ((x -= w) < 0) return fn();
            }
            return entries[entries.length - 1][1]();
        },
    };
    return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Documents

const KEYS = ['a', 'b', 'c', 'name', 'price', 'qty', 'tags', 'items', 'id', 'flag', 'note', 'Ünï'];
// No integer-like strings: JavaScript orders integer-like object keys first (a documented difference).
const STRINGS = ['', 'a', 'b', 'abc', 'Hello World', 'x,y,z', '  spaced   out ', 'café', 'ß', 'A-b_c', 'hello',
    '2024-03-01', 'line\nbreak', 'UPPER', 'o', 'x y', '-3.5', 'true', '0x1F', 'a.b', '%20', 'Zoë'];

function genScalar(r) {
    return r.weighted([
        [4, () => r.int(-5, 20)],
        [2, () => r.pick([0.5, -1.25, 3.14159, 100, 1e3, 0.1, 2.5, 1234.5678, -0.75])],
        [5, () => r.pick(STRINGS)],
        [2, () => r.chance(0.5)],
        [1, () => null],
    ]);
}

function genValue(r, depth) {
    if (depth >= 3) return genScalar(r);
    return r.weighted([
        [5, () => genScalar(r)],
        [2, () => {
            const n = r.int(0, 4);
            const out = [];
            for (let i = 0; i < n; ++i) out.push(genValue(r, depth + 1));
            return out;
        }],
        [3, () => genObject(r, depth + 1)],
    ]);
}

function genObject(r, depth) {
    const out = {};
    const n = r.int(1, 4);
    for (let i = 0; i < n; ++i) out[r.pick(KEYS)] = genValue(r, depth);
    return out;
}

function genDocument(r) {
    return r.weighted([
        [8, () => genObject(r, 0)],
        [1, () => {
            const out = [];
            for (let i = r.int(1, 4); i > 0; --i) out.push(genObject(r, 1));
            return out;
        }],
        [1, () => undefined],
    ]);
}

// ---------------------------------------------------------------------------------------------------------------
// Expressions: a tree of nodes, each a list of parts (text or child nodes), printed by joining the parts.
// Shrinking replaces nodes by their children or by small leaves.

const node = (...parts) => ({ parts });
const leaf = (text) => ({ parts: [text] });
const print = (n) => (typeof n === 'string' ? n : n.parts.map(print).join(''));

const REGEXES = ['/a/', '/[aeiou]/', '/\\d+/', '/(\\w+) (\\w+)/', '/^a/i', '/o$/', '/x*/', '/\\s+/', '/[A-Z]/',
    '/é|ß/', '/o/i', '/(a)(b)?/', '/\\u00e9/', '/\\bW/', '/l+/', '/[^a-z]/', '/\\./', '/(?:ab)+/', '/a|/',
    '/[\\s\\S]/', '/\\p{L}/', '/\\w+/', '/\\W/', '/-/'];
const NUMBER_PICTURES = ['#,##0.00', '0.0', '#0.###', '000', '0.00e0', '#%', '#,###', '0', '#.0', '0,000.0',
    '#;(#)', '', '00.00'];
const INTEGER_PICTURES = ['0', '000', '#,##0', 'w', 'W', 'Ww', 'i', 'I', 'a', 'A', '0;o', '#(000)', '#0'];
const DATE_PICTURES = ['[Y0001]-[M01]-[D01]', '[H01]:[m01]:[s01]', '[FNn], [D1o] [MNn] [Y]', '[Y]', '[M]/[D]/[Y]',
    '[h]:[m01][P]', '[D01].[M01].[Y0001] [H01]:[m01]', ''];
const MILLIS = ['0', '1e12', '1709251200000', '-86400000', '951782400000', '1234567890123'];
const DATE_TEXTS = ['"2024-03-01"', '"2024-03-01T12:30:00Z"', '"2024x"', '"nonsense"', '"1999-12-31T23:59:59.999+01:00"',
    '"2024"', '"03/01/2024"'];

class ExpressionGenerator {
    constructor(r) {
        this.r = r;
        this.vars = [];
    }

    str(s) {
        return leaf(JSON.stringify(s));
    }

    name() {
        const n = this.r.pick(KEYS);
        return leaf(/^[A-Za-z_]\w*$/.test(n) ? n : '`' + n + '`');
    }

    path(d) {
        const r = this.r;
        return r.weighted([
            [6, () => this.name()],
            [4, () => node(this.name(), '.', this.name())],
            [1, () => node(this.name(), '.', this.name(), '.', this.name())],
            [2, () => node(this.name(), '[', this.bool(d + 1), ']')],
            [2, () => node(this.name(), '[', leaf(String(r.int(-2, 3))), ']')],
            [1, () => leaf('*')],
            [1, () => node('*.', this.name())],
            [1, () => node('**.', this.name())],
            [1, () => leaf('$')],
            [1, () => node('$$.', this.name())],
            [1, () => node(this.name(), '^(', r.chance(0.3) ? '>' : '', this.name(), ')')],
            [1, () => node(this.name(), '#$i[$i < ', leaf(String(r.int(0, 2))), ']')],
            [1, () => node(this.name(), '@$o.', this.name())],
            [1, () => node(this.name(), '[]')],
            [this.vars.length ? 3 : 0, () => r.chance(0.5) ? leaf(r.pick(this.vars)) : node(r.pick(this.vars), '.', this.name())],
        ]);
    }

    lambda(d, params) {
        const saved = this.vars;
        this.vars = saved.concat(params);
        const body = this.any(d + 1);
        this.vars = saved;
        return node('function(', params.join(', '), '){ ', body, ' }');
    }

    regex() {
        return leaf(this.r.pick(REGEXES));
    }

    num(d) {
        const r = this.r;
        if (d > 3) return r.chance(0.6) ? leaf(String(r.int(-3, 12))) : this.path(d);
        return r.weighted([
            [4, () => leaf(String(r.pick([0, 1, 2, 3, 7, 10, 42, -1, -5, 0.5, 2.5, 1.5e3, 100, 255])))],
            [3, () => this.path(d)],
            [4, () => node(this.num(d + 1), r.pick([' + ', ' - ', ' * ', ' / ', ' % ', '+', '*']), this.num(d + 1))],
            [1, () => node('(', this.num(d + 1), r.pick([' + ', ' - ', ' * ', ' / ']), this.num(d + 1), ')')],
            [1, () => node('-', this.num(d + 1))],
            [1, () => node('$count(', this.arr(d + 1), ')')],
            [1, () => node('$sum(', this.arr(d + 1), ')')],
            [1, () => node(r.pick(['$max(', '$min(', '$average(']), this.arr(d + 1), ')')],
            [1, () => node('$length(', this.string(d + 1), ')')],
            [1, () => node(r.pick(['$abs(', '$floor(', '$ceil(', '$sqrt(']), this.num(d + 1), ')')],
            [1, () => node('$round(', this.num(d + 1), r.chance(0.5) ? node(', ', leaf(String(r.int(-1, 3)))) : '', ')')],
            [1, () => node('$power(', this.num(d + 1), ', ', leaf(String(r.pick([0, 1, 2, 3, 0.5, -1]))), ')')],
            [1, () => node('$number(', this.any(d + 1), ')')],
            [1, () => node('$parseInteger(', this.string(d + 1), ', ', this.str(r.pick(INTEGER_PICTURES)), ')')],
            [1, () => node('$toMillis(', leaf(r.pick(DATE_TEXTS)), r.chance(0.5) ? node(', ', this.str(r.pick(DATE_PICTURES))) : '', ')')],
            [1, () => node(this.bool(d + 1), ' ? ', this.num(d + 1), ' : ', this.num(d + 1))],
        ]);
    }

    string(d) {
        const r = this.r;
        if (d > 3) return r.chance(0.6) ? this.str(r.pick(STRINGS)) : this.path(d);
        return r.weighted([
            [4, () => this.str(r.pick(STRINGS))],
            [1, () => leaf(r.pick(["'single'", "'it''s'", '"tab\\tquote\\""', '"\\u00e9t\\u00e9"']))],
            [3, () => this.path(d)],
            [3, () => node(this.string(d + 1), ' & ', this.any(d + 1))],
            [2, () => node('$string(', this.any(d + 1), r.chance(0.2) ? ', true' : '', ')')],
            [1, () => node('$substring(', this.string(d + 1), ', ', this.num(d + 1), r.chance(0.5) ? node(', ', this.num(d + 1)) : '', ')')],
            [1, () => node(r.pick(['$substringBefore(', '$substringAfter(']), this.string(d + 1), ', ', this.string(d + 1), ')')],
            [2, () => node(r.pick(['$uppercase(', '$lowercase(', '$trim(']), this.string(d + 1), ')')],
            [1, () => node('$pad(', this.string(d + 1), ', ', leaf(String(r.int(-8, 8))), r.chance(0.5) ? node(', ', this.str(r.pick(['*', '-', '😀', 'ab']))) : '', ')')],
            [1, () => node('$join(', this.arr(d + 1), r.chance(0.6) ? node(', ', this.str(r.pick([',', ' ', '', '-']))) : '', ')')],
            [2, () => node('$replace(', this.string(d + 1), ', ', r.chance(0.6) ? this.regex() : this.str(r.pick(['a', 'o', ' ', 'l']))
                , ', ', r.chance(0.8) ? this.str(r.pick(['-', '$1', '[$0]', '', '$$', '$2x'])) : this.lambda(d + 1, ['$m']),
                r.chance(0.3) ? node(', ', leaf(String(r.int(0, 3)))) : '', ')')],
            [1, () => node('$formatNumber(', this.num(d + 1), ', ', this.str(r.pick(NUMBER_PICTURES)), ')')],
            [1, () => node('$formatInteger(', this.num(d + 1), ', ', this.str(r.pick(INTEGER_PICTURES)), ')')],
            [1, () => node('$formatBase(', this.num(d + 1), r.chance(0.7) ? node(', ', leaf(String(r.pick([2, 8, 16, 36, 1, 37])))) : '', ')')],
            [1, () => node(r.pick(['$base64encode(', '$base64decode(', '$encodeUrlComponent(', '$encodeUrl(', '$decodeUrlComponent(']), this.string(d + 1), ')')],
            [1, () => node('$type(', this.any(d + 1), ')')],
            [1, () => node('$fromMillis(', leaf(r.pick(MILLIS)), r.chance(0.7) ? node(', ', this.str(r.pick(DATE_PICTURES))) : '', r.chance(0.2) ? ', "+0530"' : '', ')')],
            [1, () => node(this.string(d + 1), ' ~> $uppercase')],
        ]);
    }

    bool(d) {
        const r = this.r;
        if (d > 3) return r.chance(0.5) ? leaf(r.pick(['true', 'false'])) : node(this.path(d), ' > ', leaf(String(r.int(0, 5))));
        return r.weighted([
            [1, () => leaf(r.pick(['true', 'false']))],
            [4, () => node(this.num(d + 1), r.pick([' < ', ' <= ', ' > ', ' >= ', ' = ', ' != ']), this.num(d + 1))],
            [2, () => node(this.any(d + 1), r.pick([' = ', ' != ']), this.any(d + 1))],
            [1, () => node(this.string(d + 1), r.pick([' < ', ' > ']), this.string(d + 1))],
            [1, () => node(this.any(d + 1), ' in ', this.arr(d + 1))],
            [2, () => node(this.bool(d + 1), r.pick([' and ', ' or ']), this.bool(d + 1))],
            [1, () => node(r.pick(['$not(', '$exists(', '$boolean(']), this.any(d + 1), ')')],
            [2, () => node('$contains(', this.string(d + 1), ', ', r.chance(0.6) ? this.regex() : this.string(d + 1), ')')],
            [2, () => this.path(d)],
        ]);
    }

    arr(d) {
        const r = this.r;
        if (d > 3) return r.chance(0.5) ? node('[', leaf(String(r.int(0, 3))), ', ', this.str(r.pick(STRINGS)), ']') : this.path(d);
        const items = () => {
            const n = r.int(0, 4);
            const out = [];
            for (let i = 0; i < n; ++i) out.push(i ? ', ' : '', this.any(d + 1));
            return out;
        };
        return r.weighted([
            [3, () => node('[', ...items(), ']')],
            [1, () => node('[', leaf(String(r.int(-2, 3))), '..', leaf(String(r.int(-1, 6))), ']')],
            [3, () => this.path(d)],
            [1, () => node('$split(', this.string(d + 1), ', ', r.chance(0.5) ? this.regex() : this.str(r.pick([',', ' ', '', 'l'])),
                r.chance(0.3) ? node(', ', leaf(String(r.pick([0, 1, 2, 2.5])))) : '', ')')],
            [1, () => node('$append(', this.any(d + 1), ', ', this.any(d + 1), ')')],
            [1, () => node(r.pick(['$reverse(', '$distinct(', '$spread(', '$keys(']), this.any(d + 1), ')')],
            [1, () => node('$sort(', this.arr(d + 1), ')')],
            [1, () => node('$sort(', this.arr(d + 1), ', function($l, $r){ ', leaf(r.pick(['$l > $r', '$l < $r', '$l.price > $r.price', '$string($l) > $string($r)'])), ' })')],
            [2, () => node('$map(', this.arr(d + 1), ', ', this.lambda(d + 1, r.chance(0.7) ? ['$v'] : ['$v', '$i']), ')')],
            [2, () => node('$filter(', this.arr(d + 1), ', ', this.lambda(d + 1, ['$v', '$i']), ')')],
            [1, () => node('$zip(', this.arr(d + 1), ', ', this.arr(d + 1), ')')],
            [1, () => node('$match(', this.string(d + 1), ', ', this.regex(), r.chance(0.3) ? node(', ', leaf(String(r.int(0, 2)))) : '', ')')],
            [1, () => node(this.arr(d + 1), '[', this.bool(d + 1), ']')],
            [1, () => node(this.arr(d + 1), '^(', r.chance(0.5) ? '$' : this.name(), ')')],
            [1, () => node('$each(', this.obj(d + 1), ', ', this.lambda(d + 1, ['$v', '$k']), ')')],
            [1, () => node(this.path(d + 1), '.', r.chance(0.5) ? node('[', this.any(d + 1), ']') : node('(', this.any(d + 1), ')'))],
        ]);
    }

    obj(d) {
        const r = this.r;
        const pairs = () => {
            const n = r.int(0, 3);
            const out = [];
            for (let i = 0; i < n; ++i) out.push(i ? ', ' : '', this.str(r.pick(KEYS)), ': ', this.any(d + 1));
            return out;
        };
        if (d > 3) return r.chance(0.5) ? node('{', ...pairs(), '}') : this.path(d);
        return r.weighted([
            [3, () => node('{', ...pairs(), '}')],
            [2, () => this.path(d)],
            [1, () => node('$merge([', this.obj(d + 1), ', ', this.obj(d + 1), '])')],
            [1, () => node('$sift(', this.obj(d + 1), ', ', this.lambda(d + 1, ['$v', '$k']), ')')],
            [2, () => node(this.path(d + 1), '{', r.chance(0.5) ? this.name() : this.string(d + 1), ': ', this.any(d + 1), '}')],
            [1, () => node(this.any(d + 1), ' ~> |', r.chance(0.5) ? '$' : this.name(), '|', this.obj(d + 1),
                r.chance(0.3) ? node(', ', this.str(r.pick(KEYS))) : '', '|')],
            [1, () => node('$lookup(', this.obj(d + 1), ', ', this.str(r.pick(KEYS)), ')')],
        ]);
    }

    any(d) {
        const r = this.r;
        return r.weighted([
            [3, () => this.num(d)],
            [3, () => this.string(d)],
            [2, () => this.bool(d)],
            [2, () => this.arr(d)],
            [2, () => this.obj(d)],
            [2, () => this.path(d)],
            [d > 3 ? 0 : 1, () => {
                const v = '$' + r.pick(['x', 'y']);
                const saved = this.vars;
                const value = this.any(d + 1);
                this.vars = saved.concat([v]);
                const body = this.any(d + 1);
                this.vars = saved;
                return node('(', v, ' := ', value, '; ', body, ')');
            }],
            [d > 3 ? 0 : 1, () => node(this.any(d + 1), r.pick([' ?: ', ' ?? ']), this.any(d + 1))],
            [d > 3 ? 0 : 1, () => node('$reduce(', this.arr(d + 1), ', ', this.lambda(d + 1, ['$acc', '$v']),
                r.chance(0.5) ? node(', ', this.any(d + 1)) : '', ')')],
            [d > 3 ? 0 : 1, () => node(this.any(d + 1), r.pick([' ~> $string', ' ~> $count', ' ~> $type']))],
        ]);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation on both sides

// jsonata-js runs in a worker thread with a memory limit and a per-case time limit: some expressions make it
// loop or exhaust memory (for example `$match("ab", /^b/) ?? 1`). Such a case counts as "reference failed" and is
// skipped; the worker is then replaced.
const REFERENCE_TIMEOUT_MS = 5000;

function referenceWorkerMain() {
    const { parentPort } = require('worker_threads');
    const jsonataInWorker = require('jsonata');
    parentPort.on('message', async ({ expr, input }) => {
        let outcome;
        try {
            const result = await jsonataInWorker(expr).evaluate(input);
            let holdsFunction = false;
            const text = result === undefined ? undefined : JSON.stringify(result, (k, v) => {
                if (typeof v === 'function' || (v && typeof v === 'object' && (v._jsonata_lambda || v._jsonata_function))) {
                    holdsFunction = true;
                    return '';
                }
                return v;
            });
            if (holdsFunction) outcome = { kind: 'function' };
            else if (text === undefined) outcome = { kind: 'undefined' };
            else outcome = { kind: 'value', value: JSON.parse(text) };
        } catch (e) {
            outcome = { kind: 'error', code: e.code || 'JS', message: String(e.message) };
        }
        parentPort.postMessage(outcome);
    });
}

class Reference {
    constructor() {
        this.worker = null;
    }

    start() {
        this.worker = new Worker(`(${referenceWorkerMain.toString()})()`, {
            eval: true,
            resourceLimits: { maxOldGenerationSizeMb: 512 },
        });
        this.worker.unref();
    }

    evaluate(expr, input) {
        if (!this.worker) this.start();
        const worker = this.worker;
        return new Promise((resolve) => {
            let done = false;
            const finish = (outcome, restart) => {
                if (done) return;
                done = true;
                clearTimeout(timer);
                worker.off('message', onMessage);
                worker.off('error', onError);
                worker.off('exit', onExit);
                if (restart) {
                    worker.terminate();
                    this.worker = null;
                }
                resolve(outcome);
            };
            const onMessage = (outcome) => finish(outcome, false);
            const onError = (e) => finish({ kind: 'crash', message: String(e && e.message) }, true);
            const onExit = () => finish({ kind: 'crash', message: 'worker exited' }, true);
            const timer = setTimeout(() => finish({ kind: 'crash', message: 'timed out' }, true), REFERENCE_TIMEOUT_MS);
            worker.on('message', onMessage);
            worker.on('error', onError);
            worker.on('exit', onExit);
            worker.postMessage({ expr, input });
        });
    }

    close() {
        if (this.worker) this.worker.terminate();
    }
}

const reference = new Reference();
const evaluateReference = (expr, input) => reference.evaluate(expr, input);

// The engine's side: one driver process answering a line per request. If it dies (a crash is a finding in
// itself), the requests in flight answer "crash" and the next request starts a new process.
class NativeDriver {
    constructor(path) {
        this.path = path;
        this.child = null;
    }

    start() {
        const child = spawn(this.path, [], { stdio: ['pipe', 'pipe', 'ignore'] });
        const waiting = [];
        let buffer = '';
        child.stdin.on('error', () => {}); // a dead driver is reported through 'exit'
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk) => {
            buffer += chunk;
            let nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const line = buffer.slice(0, nl);
                buffer = buffer.slice(nl + 1);
                waiting.shift()(JSON.parse(line));
            }
        });
        child.on('exit', (code, signal) => {
            if (this.child === child) this.child = null;
            for (const resolve of waiting.splice(0)) resolve({ crash: `driver died (${signal || code})` });
        });
        this.child = child;
        this.waiting = waiting;
    }

    evaluate(expr, input) {
        if (!this.child) this.start();
        return new Promise((resolve) => {
            this.waiting.push((answer) => {
                if ('value' in answer) resolve({ kind: 'value', value: answer.value });
                else if (answer.undefined) resolve({ kind: 'undefined' });
                else if (answer.crash) resolve({ kind: 'crash', message: answer.crash });
                else resolve({ kind: 'error', code: answer.error, message: answer.message });
            });
            const request = input === undefined ? { expr } : { expr, input };
            this.child.stdin.write(JSON.stringify(request) + '\n');
        });
    }

    close() {
        if (this.child) this.child.stdin.end();
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison

function sameNumber(a, b) {
    if (a === b) return true;
    return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

function sameValue(a, b) {
    if (typeof a === 'number' && typeof b === 'number') return sameNumber(a, b);
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k]));
}

function agree(ref, nat) {
    if (ref.kind !== nat.kind) return false;
    if (ref.kind === 'value') return sameValue(ref.value, nat.value);
    return true;
}

function signature(ref, nat) {
    return `${ref.kind}/${nat.kind}`;
}

const show = (outcome) => {
    switch (outcome.kind) {
    case 'value': return JSON.stringify(outcome.value);
    case 'error': return `error ${outcome.code}: ${outcome.message}`;
    default: return outcome.kind;
    }
};

// Intended differences (engine/jsonata/README.md): a disagreement matching one is labelled, not counted.
const KNOWN_DIFFERENCES = [
    {
        label: 'UTF-16 strings (JavaScript counts and matches surrogate halves)',
        test: (c) => /[\u{10000}-\u{10FFFF}]/u.test(c.expr + JSON.stringify(c.input ?? null)),
    },
    {
        label: '$replace with an undefined replacement (jsonata-js inserts the text "undefined")',
        test: (c, ref) => c.expr.includes('$replace') && ref.kind === 'value' && JSON.stringify(ref.value).includes('undefined'),
    },
    {
        label: '$formatNumber of NaN or an infinite number (jsonata-js writes "-NaN", "0,NaN.0", ...)',
        test: (c, ref) => c.expr.includes('$formatNumber') && ref.kind === 'value' && JSON.stringify(ref.value).includes('NaN'),
    },
    {
        label: 'jsonata-js: `?:`/`??` after a regular expression takes its right side (a stateful RegExp read twice)',
        test: (c) => (c.expr.includes('?:') || c.expr.includes('??')) && /\/[^/]+\/[im]*/.test(c.expr),
    },
    {
        label: 'jsonata-js fails inside JavaScript (a TypeError without a JSONata code) where the engine answers',
        test: (c, ref) => ref.kind === 'error' && ref.code === 'JS' &&
            /is not a function|Cannot read properties|Cannot create property|circular structure/.test(ref.message),
    },
    {
        label: '$replace with a function for a string pattern (jsonata-js inserts the function\'s JavaScript source)',
        test: (c, ref) => ref.kind === 'value' && JSON.stringify(ref.value).includes('function ('),
    },
    {
        label: 'integer-like object keys (JavaScript lists them first)',
        test: (c, ref, nat) => ref.kind === 'value' && nat.kind === 'value' &&
            /"\d+":/.test(JSON.stringify(ref.value) + JSON.stringify(nat.value)),
    },
    {
        label: '$string of a number beyond 1e21 or a picture number beyond 1e21 (documented)',
        test: (c, ref) => ref.kind === 'value' && /e\+2\d/.test(JSON.stringify(ref.value)),
    },
];

function knownDifference(c, ref, nat) {
    for (const known of KNOWN_DIFFERENCES) {
        if (known.test(c, ref, nat)) return known.label;
    }
    return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Shrinking: replace expression nodes by their children or small leaves, and trim the document, as long as the
// two sides still disagree in the same way.

const SHRINK_LEAVES = ['1', '"a"', '$', 'null', 'true', '[]', '{}'];
const SHRINK_BUDGET = 400;

function nodesOf(tree) {
    const out = [];
    const walk = (n, parent, index) => {
        if (typeof n === 'string') return;
        out.push({ n, parent, index });
        n.parts.forEach((p, i) => walk(p, n, i));
    };
    walk(tree, null, -1);
    return out;
}

function documentCandidates(doc) {
    const out = [];
    if (doc === undefined) return out;
    out.push(undefined);
    const walk = (value, replace) => {
        if (Array.isArray(value)) {
            for (let i = 0; i < value.length; ++i) {
                out.push(replace(value.filter((_, k) => k !== i)));
                walk(value[i], (v) => replace(value.map((x, k) => (k === i ? v : x))));
            }
        } else if (value && typeof value === 'object') {
            for (const key of Object.keys(value)) {
                const without = { ...value };
                delete without[key];
                out.push(replace(without));
                walk(value[key], (v) => replace({ ...value, [key]: v }));
            }
        }
        if (value !== null && typeof value === 'object') out.push(replace(null));
    };
    walk(doc, (v) => v);
    return out;
}

async function shrink(c, expected, native) {
    let tree = c.tree;
    let input = c.input;
    let budget = SHRINK_BUDGET;
    const stillFails = async (expr, doc) => {
        --budget;
        const ref = await evaluateReference(expr, doc);
        const nat = await native.evaluate(expr, doc);
        const usable = ref.kind !== 'function' && ref.kind !== 'crash';
        return usable && !agree(ref, nat) && signature(ref, nat) === expected ? { ref, nat } : null;
    };
    let progress = true;
    while (progress && budget > 0) {
        progress = false;
        const current = print(tree);
        for (const { n, parent, index } of nodesOf(tree)) {
            if (budget <= 0) break;
            const replacements = n.parts.filter((p) => typeof p !== 'string').concat(SHRINK_LEAVES.map(leaf));
            for (const replacement of replacements) {
                const candidateTree = parent ? replaceIn(tree, parent, index, replacement) : replacement;
                const text = print(candidateTree);
                if (text.length >= current.length) continue;
                if (await stillFails(text, input)) {
                    tree = candidateTree;
                    progress = true;
                    break;
                }
                if (budget <= 0) break;
            }
            if (progress) break;
        }
        if (progress) continue;
        const docText = JSON.stringify(input ?? null);
        for (const candidate of documentCandidates(input)) {
            if (budget <= 0) break;
            if (JSON.stringify(candidate ?? null).length >= docText.length && candidate !== undefined) continue;
            if (await stillFails(print(tree), candidate)) {
                input = candidate;
                progress = true;
                break;
            }
        }
    }
    const expr = print(tree);
    return { expr, input, ref: await evaluateReference(expr, input), nat: await native.evaluate(expr, input) };
}

// A copy of 'tree' with part 'index' of node 'target' replaced.
function replaceIn(tree, target, index, replacement) {
    const copy = (n) => {
        if (typeof n === 'string') return n;
        const parts = n.parts.map((p, i) => (n === target && i === index ? replacement : copy(p)));
        return { parts };
    };
    return copy(tree);
}

// ---------------------------------------------------------------------------------------------------------------

async function main() {
    const options = parseOptions(process.argv.slice(2));
    const r = makeRandom(options.seed);
    const cases = [];
    for (let i = 0; i < options.count; ++i) {
        const input = genDocument(r);
        const generator = new ExpressionGenerator(r);
        const tree = generator.any(0);
        cases.push({ index: i, tree, expr: print(tree), input });
    }
    if (options.casesOut)
        fs.writeFileSync(options.casesOut, cases.map((c) => JSON.stringify({ expr: c.expr, input: c.input })).join('\n') + '\n');

    const native = new NativeDriver(options.driver);
    const nativeResults = await Promise.all(cases.map((c) => native.evaluate(c.expr, c.input)));
    // After a crash every case still in flight answered "crash": ask those again one at a time.
    for (const c of cases) {
        if (nativeResults[c.index].kind === 'crash') nativeResults[c.index] = await native.evaluate(c.expr, c.input);
    }
    let agreed = 0;
    let compared = 0;
    let skipped = 0;
    let referenceFailed = 0;
    const codeMismatches = [];
    const agreedKinds = { value: 0, undefined: 0, error: 0 };
    const known = new Map();
    const failures = [];
    for (const c of cases) {
        const ref = await evaluateReference(c.expr, c.input);
        const nat = nativeResults[c.index];
        if (ref.kind === 'function') {
            ++skipped; // a function in the result has no JSON form to compare
            continue;
        }
        if (ref.kind === 'crash') {
            ++referenceFailed;
            continue;
        }
        ++compared;
        if (agree(ref, nat)) {
            ++agreed;
            ++agreedKinds[ref.kind];
            if (ref.kind === 'error' && ref.code !== nat.code && ref.code !== 'JS') codeMismatches.push({ c, ref, nat });
            continue;
        }
        const label = knownDifference(c, ref, nat);
        if (label) {
            known.set(label, (known.get(label) || 0) + 1);
            continue;
        }
        failures.push({ c, ref, nat });
    }

    // Shrink every disagreement; one whose reproducer shows a known difference counts as that difference.
    let disagreements = 0;
    const reproducers = [];
    const seen = new Set();
    for (const { c, ref, nat } of failures) {
        const small = await shrink(c, signature(ref, nat), native);
        const label = knownDifference({ expr: small.expr, input: small.input }, small.ref, small.nat);
        if (label) {
            known.set(label, (known.get(label) || 0) + 1);
            continue;
        }
        ++disagreements;
        const key = small.expr + '\u0000' + JSON.stringify(small.input ?? null);
        if (!seen.has(key) && reproducers.length < options.show) reproducers.push({ c, small });
        seen.add(key);
    }

    console.log(`seed ${options.seed}, ${options.count} cases (skipped: ${skipped} function-valued results, ` +
        `${referenceFailed} where jsonata-js hung or ran out of memory)`);
    console.log(`agreement: ${agreed} of ${compared} (${(100 * agreed / Math.max(compared, 1)).toFixed(2)}%)`);
    console.log(`  agreeing on a value: ${agreedKinds.value}, on undefined: ${agreedKinds.undefined}, ` +
        `on an error: ${agreedKinds.error} (with different codes: ${codeMismatches.length})`);
    for (const [label, n] of known) console.log(`  known, intended difference: ${n} x ${label}`);
    console.log(`  disagreements: ${disagreements} (${seen.size} distinct reproducers)`);
    for (const { c, small } of reproducers) {
        console.log(`\n#${c.index}: ${c.expr}`);
        console.log(`  reproducer: ${small.expr}`);
        console.log(`  input:      ${small.input === undefined ? '(none)' : JSON.stringify(small.input)}`);
        console.log(`  jsonata-js: ${show(small.ref)}`);
        console.log(`  native:     ${show(small.nat)}`);
    }
    if (codeMismatches.length) console.log('\nDifferent error codes (not counted as disagreements):');
    for (const { c, ref, nat } of codeMismatches.slice(0, options.show))
        console.log(`  #${c.index}: ${c.expr}\n    jsonata-js ${ref.code}, native ${nat.code}`);
    native.close();
    reference.close();
    process.exitCode = disagreements ? 1 : 0;
}

main().catch((e) => {
    console.error(e.stack || String(e));
    process.exit(2);
});
