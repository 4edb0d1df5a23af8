export const id = 574;
export const ids = [574];
export const modules = {

/***/ 8037:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EU: () => (/* binding */ fence),
/* harmony export */   Hn: () => (/* binding */ cell),
/* harmony export */   P0: () => (/* binding */ MAX_PARAMS_JSON),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   g5: () => (/* binding */ summaryText),
/* harmony export */   nf: () => (/* binding */ link),
/* harmony export */   pc: () => (/* binding */ redacted)
/* harmony export */ });
/* unused harmony export linkable */
/* harmony import */ var _lib_safe_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(484);
/**
 * Markdown for the job summary from text that may hold anything (Hex's answers, echoed inputs):
 * secrets redacted first, then kept on one line and inert: no HTML, no emphasis, no links but
 * the ones the summary means, no mention of anyone. The pull-request comment is built from it too.
 */

/**
 * Put after the `@` of a mention (`@someone`, `@org/team`): GitHub no longer sees a mention, so
 * nobody is notified, and a reader sees the same text. A zero-width joiner: U+200D.
 */
const MENTION_BREAK = '\u200d';
/** One piece of text from Hex or the user is cut here: the summary stays well under GitHub's 1 MiB. */
const MAX_CELL = 4096;
/** The input-parameters block is cut here, with a note saying so. */
const MAX_PARAMS_JSON = 64 * 1024;
/** Text from Hex or the user goes into a Markdown table: keep it on one line and inert. */
function cell(raw) {
    const text = raw.length > MAX_CELL ? `${raw.slice(0, MAX_CELL)}\u2026 (cut)` : raw;
    return ((0,_lib_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .stripControls */ .$Y)(text)
        // Markdown first: a Hex message about __init__ must not turn bold. Before the entities below,
        // whose # and & it would otherwise break.
        .replace(/[\\`*_[\]~#]/g, '\\$&')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '&#124;')
        .replace(/\n/g, ' ')
        // GitHub links bare URLs and www. names in text; an entity (the same text to a reader) in
        // place of the `:` of `://` and the `.` of `www.` keeps Hex's text from becoming a link.
        .replace(/:\/\//g, '&#58;//')
        .replace(/\b(www)\./gi, '$1&#46;')
        // GitHub turns @name into a mention (a notification) in comments: a joiner breaks it.
        .replace(/@(?=[\w-])/g, `@${MENTION_BREAK}`));
}
function code(text) {
    return `<code>${cell(text)}</code>`;
}
/**
 * Whether a URL from Hex may be a link: https to the api-url's host or to a Hex host
 * (hex.tech and its subdomains), or the api-url's own origin exactly (a stand-in on loopback).
 */
function linkable(url, apiBase) {
    let target;
    try {
        target = new URL(url);
    }
    catch {
        return false;
    }
    if (target.username !== '' || target.password !== '')
        return false;
    let api;
    try {
        api = apiBase === undefined ? undefined : new URL(apiBase);
    }
    catch {
        api = undefined;
    }
    if (api !== undefined && target.origin === api.origin)
        return true;
    if (target.protocol !== 'https:')
        return false;
    const host = target.hostname.toLowerCase();
    return host === 'hex.tech' || host.endsWith('.hex.tech') || host === api?.hostname.toLowerCase();
}
function link(url, text, view) {
    // Only links to Hex (or the api-url's host) are rendered as links; anything else is text.
    if (!linkable(url, view.apiBase))
        return cell(url);
    const safe = url.replace(/[\s()<>|[\]`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    return `[${cell(text)}](${safe})`;
}
/** Every string in a report with the secrets redacted: done first, before any escaping. */
function redacted(value, secrets) {
    if (secrets.length === 0)
        return value;
    if (typeof value === 'string')
        return (0,_lib_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(value, secrets);
    if (Array.isArray(value))
        return value.map((v) => redacted(v, secrets));
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
        const copy = {};
        for (const [k, v] of Object.entries(value))
            copy[k] = redacted(v, secrets);
        return copy;
    }
    return value;
}
/** One line of text (e.g. the post step's) for the summary: secrets redacted, then escaped. */
function summaryText(text, secrets = []) {
    return cell((0,_lib_safe_text_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(text, secrets));
}
function fence(body) {
    const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
    const ticks = '`'.repeat(longest + 1);
    return `${ticks}json\n${body}\n${ticks}`;
}


/***/ }),

/***/ 2574:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  postPrComment: () => (/* binding */ postPrComment)
});

// EXTERNAL MODULE: ./src/github/ask.ts
var github_ask = __webpack_require__(134);
// EXTERNAL MODULE: ./src/github/octokit.ts
var octokit = __webpack_require__(6702);
;// CONCATENATED MODULE: ./src/github/comments.ts


/**
 * The longest the comment may take, every request and retry included: a listing page or two and
 * one write, each well under a second on GitHub, with room for one retry.
 */
const COMMENT_BUDGET_MS = 10_000;
const REQUEST_TIMEOUT_MS = 4_000;
/** Comments per listing page: GitHub's most. */
const PER_PAGE = 100;
/**
 * The most listing pages read (1,000 comments). Past it the marker is not looked for further, and
 * no comment is created: one more comment per push on a pull request that long would be worse.
 */
const MAX_PAGES = 10;
const PERMISSION = {
    doing: 'comment on pull requests',
    short: 'comment',
    permission: 'pull-requests: write',
    fineGrained: 'Pull requests: write',
    unprocessable: 'GitHub did not take the comment.'
};
/** Edits the comment that starts with `marker`, or creates it; `body` must start with the marker. */
async function upsertComment(target, marker, body, options) {
    const { clock } = options;
    const client = (0,octokit/* lazyOctokit */.K)(target, options.fetch);
    const { owner, repo, pullRequest } = target;
    const ask = {
        clock,
        deadline: clock.now() + COMMENT_BUDGET_MS,
        requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        permission: PERMISSION,
        repository: `${owner}/${repo}`
    };
    const send = (request) => (0,github_ask/* askGitHub */.X)(async (signal) => request((await client()).rest.issues, { signal }), ask);
    const create = async () => {
        const created = await send(async (issues, request) => {
            const issue = { owner, repo, issue_number: pullRequest };
            return (await issues.createComment({ ...issue, body, request })).data.html_url;
        });
        return created.ok ? { ok: true, done: 'created', url: created.value } : created;
    };
    const found = await findComment(send, target, marker);
    if (!found.ok)
        return found;
    if (found.value === 'too-many')
        return {
            ok: false,
            failure: {
                kind: 'rejected',
                message: `the pull request has more than ${MAX_PAGES * PER_PAGE} comments, and the action's is not among the first ${MAX_PAGES * PER_PAGE}: no comment is added, so that none is added on every push.`
            }
        };
    if (found.value === undefined)
        return create();
    const comment = { owner, repo, comment_id: found.value };
    const updated = await send(async (issues, request) => (await issues.updateComment({ ...comment, body, request })).data.html_url);
    if (updated.ok)
        return { ok: true, done: 'updated', url: updated.value };
    // Deleted between the listing and the edit: a new one takes its place.
    if (updated.failure.status === 404)
        return create();
    return updated;
}
/**
 * The ID of the first comment (oldest first) whose first line is the marker; undefined when there
 * is none, 'too-many' when the listing was cut short before it ended.
 */
async function findComment(send, { owner, repo, pullRequest }, marker) {
    for (let page = 1; page <= MAX_PAGES; page++) {
        const listed = await send(async (issues, request) => {
            // The page is asked for by number: the Link header says only whether there is another,
            // and its URL is never followed (the token goes to GITHUB_API_URL's host alone).
            const issue = { owner, repo, issue_number: pullRequest, per_page: PER_PAGE, page };
            const answer = await issues.listComments({ ...issue, request });
            return { comments: answer.data, more: /rel="next"/.test(answer.headers.link ?? '') };
        });
        if (!listed.ok)
            return listed;
        const { comments, more } = listed.value;
        const mine = comments.find((c) => (c.body ?? '').split('\n', 1)[0]?.trimEnd() === marker);
        if (mine !== undefined)
            return { ok: true, value: mine.id };
        if (!more)
            return { ok: true, value: undefined };
    }
    return { ok: true, value: 'too-many' };
}

// EXTERNAL MODULE: ./src/step/comment-settings.ts
var comment_settings = __webpack_require__(5261);
// EXTERNAL MODULE: ./src/step/inputs.ts
var inputs = __webpack_require__(769);
// EXTERNAL MODULE: ./src/lib/duration.ts
var duration = __webpack_require__(2543);
// EXTERNAL MODULE: ./src/lib/safe-text.ts
var safe_text = __webpack_require__(484);
// EXTERNAL MODULE: ./src/step/report.ts
var report = __webpack_require__(3578);
// EXTERNAL MODULE: ./src/step/run-words.ts
var run_words = __webpack_require__(219);
// EXTERNAL MODULE: ./src/step/result.ts
var step_result = __webpack_require__(5821);
// EXTERNAL MODULE: ./src/action/markdown.ts
var markdown = __webpack_require__(8037);
// EXTERNAL MODULE: ./src/action/summary.ts
var summary = __webpack_require__(8770);
;// CONCATENATED MODULE: ./src/action/comment-body.ts
/**
 * The pull-request comment of a step: a hidden marker that names it (so the next run of the job
 * finds it and edits it), a headline, a row per run and what failed, from the step's RunReports
 * alone, with every piece of text redacted, then escaped as the job summary's is (markdown.ts):
 * no HTML, no links but Hex's, no mention of anyone, nothing that breaks the table or the marker.
 */







/** How every marker of the action's comments starts. */
const MARKER_START = '<!-- hex-run-action pr-comment';
/**
 * The comment's first line: an HTML comment (GitHub shows none) naming the workflow, job, step and
 * projects. Each part is percent-encoded, so no `-->`, line break or space can end it early.
 */
function commentMarker(key) {
    const part = (name, value) => `${name}=${encodeURIComponent(value)}`;
    const projects = key.projects.map(encodeURIComponent).join(',');
    return `${MARKER_START} ${part('workflow', key.workflow)} ${part('job', key.job)} ${part('step', key.step)} projects=${projects} -->`;
}
/**
 * The table's columns, left to right. A new fact of a run (the project's title, how long the run
 * waited for a kernel and how long it ran) is a change of one entry here: the project's column
 * shows projectLabel(), the duration's durationCell(), the job summary's own.
 */
const COLUMNS = [
    { header: 'Project', cell: (r) => (0,markdown/* cell */.Hn)((0,report/* projectLabel */.QZ)(r)) },
    { header: 'Status', cell: (r) => `${(0,summary/* look */.Op)(r.status).marker} ${(0,markdown/* cell */.Hn)(r.status)}` },
    {
        header: 'Duration',
        cell: (r) => {
            if (r.run?.elapsedMs === undefined)
                return '\u2013';
            // How long it waited for a kernel and ran, where Hex said: the summary's own rows, in short.
            const phases = (0,run_words/* phaseWords */.V)(r.run);
            return phases === undefined ? (0,summary/* durationCell */.D3)(r.run) : `${(0,summary/* durationCell */.D3)(r.run)}; ${phases}`;
        }
    },
    {
        header: 'Run',
        cell: (r, view) => (r.run?.runUrl ? (0,markdown/* link */.nf)(r.run.runUrl, 'Open in Hex', view) : '\u2013')
    }
];
/** A message in the comment is cut here: the job summary has it whole. */
const MAX_MESSAGE = 1_000;
/** Rows past this length are left to the job summary: GitHub takes at most 65,536 characters. */
const MAX_BODY = 60_000;
/** The comment's Markdown: the marker first, then the step's result. */
function renderComment(result, view) {
    const secrets = view.secrets ?? [];
    const reports = result.reports.map((r) => (0,markdown/* redacted */.pc)(r, secrets));
    const several = reports.length > 1;
    const { marker, headline } = (0,summary/* look */.Op)((0,step_result/* worstStatus */.A4)(reports.map((r) => r.status)));
    const succeeded = reports.filter((r) => r.succeeded).length;
    const lines = [
        commentMarker(view.key),
        several
            ? `### ${marker} Hex runs: ${succeeded} of ${reports.length} succeeded`
            : `### ${marker} ${headline}`,
        '',
        `| ${COLUMNS.map((c) => c.header).join(' | ')} |`,
        `| ${COLUMNS.map(() => ':--').join(' | ')} |`
    ];
    const rest = [];
    for (const r of reports) {
        if (r.message)
            rest.push(`- **${(0,markdown/* cell */.Hn)((0,report/* projectLabel */.QZ)(r))}**: ${(0,markdown/* cell */.Hn)(cut(r.message))}`);
    }
    let left = reports.length;
    for (const r of reports) {
        const row = `| ${COLUMNS.map((c) => c.cell(r, view)).join(' | ')} |`;
        if (lines.join('\n').length + row.length > MAX_BODY)
            break;
        lines.push(row);
        left--;
    }
    if (left > 0)
        lines.push('', `*${left} more: see the job summary.*`);
    const footer = ['', footerLine(view, result.elapsedMs)];
    if ([...lines, ...rest, ...footer].join('\n').length <= MAX_BODY)
        lines.push('', ...rest);
    lines.push(...footer);
    return (0,safe_text/* redact */.E$)(lines.join('\n'), secrets);
}
/** Who wrote the comment, from which run, and when. */
function footerLine(view, elapsedMs) {
    const from = view.runUrl ? `[workflow run](${view.runUrl})` : 'a workflow run';
    const job = view.key.job ? `, job ${(0,markdown/* cell */.Hn)(view.key.job)}` : '';
    const at = new Date(view.now)
        .toISOString()
        .replace(/:\d\d\.\d+Z$/, ' UTC')
        .replace('T', ' ');
    return `<sub>hex-run-action, from ${from}${job}: the step took ${(0,markdown/* cell */.Hn)((0,duration/* formatDuration */.a3)(elapsedMs))}; updated ${at}.</sub>`;
}
function cut(text) {
    return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}\u2026` : text;
}

;// CONCATENATED MODULE: ./src/action/pr-comment.ts
/**
 * pr-comment: true, once the runs are over: the step's result as a comment on the pull request
 * (comment-body.ts), created the first time and edited in place on every later run of the same
 * job (github/comments.ts). A reader of the StepResult, as publish() is, loaded only when the
 * comment is on. It never fails the step: what GitHub refuses is one warning naming the permission.
 */




/** Posts or updates the step's comment; on any other event, one notice and no request. */
async function postPrComment(io, result, settings, runtime) {
    const { pullRequest, event } = settings;
    if (pullRequest === undefined) {
        if (comment_settings/* PULL_REQUEST_EVENTS */.m_.includes(event))
            io.warning(`${inputs/* Input */.pd.PrComment} is true, but the ${event} event's payload has no pull_request.number: no comment is posted.`, 'Pull-request comment not posted');
        else
            io.notice(`${inputs/* Input */.pd.PrComment} is true, but this workflow run was started by ${event ? `a ${event} event` : 'an unnamed event'}, not a pull request: no comment is posted.`, 'No pull request to comment on');
        return;
    }
    const marker = commentMarker(settings.key);
    const body = renderComment(result, {
        key: settings.key,
        runUrl: settings.runUrl,
        now: runtime.now(),
        apiBase: result.apiBase,
        secrets: io.secrets()
    });
    const { owner, repo } = settings.api;
    const done = await upsertComment({ ...settings.api, pullRequest }, marker, body, {
        fetch: runtime.fetch,
        clock: runtime
    });
    if (done.ok) {
        io.info(`Pull-request comment ${done.done} on ${owner}/${repo}#${pullRequest}: ${done.url ?? ''}`);
        return;
    }
    io.warning(`The comment on pull request ${owner}/${repo}#${pullRequest} could not be posted: ${done.failure.message} The Hex runs and the step's result are not affected.`, 'Pull-request comment not posted');
}


/***/ }),

/***/ 8770:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D3: () => (/* binding */ durationCell),
/* harmony export */   Op: () => (/* binding */ look),
/* harmony export */   PV: () => (/* binding */ renderStepSummary),
/* harmony export */   g5: () => (/* reexport safe */ _markdown_js__WEBPACK_IMPORTED_MODULE_4__.g5)
/* harmony export */ });
/* harmony import */ var _lib_duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2543);
/* harmony import */ var _lib_safe_text_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(484);
/* harmony import */ var _step_report_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3578);
/* harmony import */ var _step_run_words_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(219);
/* harmony import */ var _step_result_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5821);
/* harmony import */ var _markdown_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8037);







/** How each status is shown: a marker a reader spots at a glance, and a headline. */
const LOOKS = {
    COMPLETED: { marker: '\u2705', headline: 'Hex run completed' },
    ERRORED: { marker: '\u274C', headline: 'Hex run errored' },
    KILLED: { marker: '\uD83D\uDED1', headline: 'Hex run was killed' },
    UNABLE_TO_ALLOCATE_KERNEL: {
        marker: '\u274C',
        headline: 'Hex could not allocate a kernel for the run'
    },
    PENDING: { marker: '\u23F3', headline: 'Hex run started' },
    RUNNING: { marker: '\u23F3', headline: 'Hex run started' },
    [_step_report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Timeout]: { marker: '\u23F1\uFE0F', headline: 'Hex run timed out' },
    [_step_report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Cancelled]: { marker: '\uD83D\uDEAB', headline: 'Hex run cancelled' },
    [_step_report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.DryRun]: { marker: '\uD83E\uDDEA', headline: 'Hex dry run accepted' },
    [_step_report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Skipped]: { marker: '\u23ED\uFE0F', headline: 'Hex run skipped: one was in progress' },
    [_step_report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Error]: { marker: '\u274C', headline: 'Hex run failed' }
};
/**
 * The job summary of a step, as GitHub-flavoured Markdown: a headline, then one run's details or
 * a row per run, what the reader should know (each line naming its project when there are
 * several), and the input parameters sent. Every piece of text is redacted, then escaped.
 */
function renderStepSummary(given, view = {}) {
    const secrets = view.secrets ?? [];
    // Input parameters are redacted as JSON text (below): a deep object is not walked here.
    const reports = given.reports.map((r) => (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .redacted */ .pc)(r, secrets));
    const viewId = given.viewId === undefined ? undefined : (0,_lib_safe_text_js__WEBPACK_IMPORTED_MODULE_5__/* .redact */ .E$)(given.viewId, secrets);
    const group = (0,_step_result_js__WEBPACK_IMPORTED_MODULE_3__/* .isGroup */ .IZ)(given);
    const lines = group ? runsTable(reports, view) : runTable(reports[0], viewId, view);
    lines.push('');
    for (const r of reports) {
        const label = group ? `**${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)((0,_step_report_js__WEBPACK_IMPORTED_MODULE_1__/* .projectLabel */ .QZ)(r))}**: ` : '';
        if (r.message && group)
            lines.push(`- ${label}${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(r.message)}`);
        else if (r.message)
            lines.push(`> ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(r.message)}`, '');
        for (const note of r.notes)
            lines.push(`- ${label}${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(note)}`);
    }
    if (lines.at(-1) !== '')
        lines.push('');
    lines.push(...paramsBlock(given.inputParams, secrets));
    return lines.join('\n');
}
/** One run: its status heads a table of its facts. */
function runTable(report, viewId, view) {
    const { marker, headline } = look(report.status);
    const run = report.run ?? {};
    const title = (0,_step_run_words_js__WEBPACK_IMPORTED_MODULE_2__/* .titleOf */ .G)(report);
    const rows = [['Project', projectCell(report)]];
    if (run.runUrl)
        rows.push(['Run', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .link */ .nf)(run.runUrl, 'Open the run in Hex', view)]);
    if (run.runId)
        rows.push(['Run ID', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(run.runId)]);
    if (report.attempts)
        rows.push(['Attempts', attemptsCell(report.attempts, view)]);
    if (run.projectVersion)
        rows.push(['Project version', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(run.projectVersion)]);
    if (run.startedAt)
        rows.push(['Started', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(run.startedAt)]);
    if (run.endedAt)
        rows.push(['Ended', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(run.endedAt)]);
    if (run.elapsedMs !== undefined)
        rows.push(['Duration', durationCell(run)]);
    if (run.queuedMs !== undefined)
        rows.push(['Queued for a kernel', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)((0,_lib_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(run.queuedMs))]);
    if (run.runMs !== undefined)
        rows.push(['Ran', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)((0,_lib_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(run.runMs))]);
    if (run.traceId)
        rows.push(['Trace ID', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(run.traceId)]);
    if (viewId)
        rows.push(['Saved view', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(viewId)]);
    // The status heads the table: a Markdown table needs a header row, and an empty one shows as a
    // blank strip.
    return [
        `### ${marker} ${headline}${title === undefined ? '' : `: ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(title)}`}`,
        '',
        `| Status | ${marker} ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(report.status)} |`,
        '| :-- | :-- |',
        ...rows.map(([name, value]) => `| ${name} | ${value} |`)
    ];
}
/** Several runs: a row each, the worst status on top. */
function runsTable(reports, view) {
    const { marker } = look((0,_step_result_js__WEBPACK_IMPORTED_MODULE_3__/* .worstStatus */ .A4)(reports.map((r) => r.status)));
    const ok = reports.filter((r) => r.succeeded).length;
    const headline = ok === reports.length
        ? `${reports.length} Hex runs succeeded`
        : `${reports.length - ok} of ${reports.length} Hex runs did not succeed`;
    const lines = [
        `### ${marker} ${headline}`,
        '',
        '| Project | Run | Status | Duration |',
        '| :-- | :-- | :-- | :-- |'
    ];
    for (const r of reports) {
        const project = projectCell(r);
        const run = r.run?.runUrl ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .link */ .nf)(r.run.runUrl, r.run.runId, view) : '\u2013';
        const phases = (0,_step_run_words_js__WEBPACK_IMPORTED_MODULE_2__/* .phaseWords */ .V)(r.run);
        const took = r.run?.elapsedMs !== undefined ? durationCell(r.run) : '\u2013';
        const duration = phases === undefined ? took : `${took}<br>${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(phases)}`;
        lines.push(`| ${project} | ${run} | ${look(r.status).marker} ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(r.status)} | ${duration} |`);
    }
    return lines;
}
/** retry-unallocated: how many runs it took, each earlier one linked ("3: 1, 2 got no kernel"). */
function attemptsCell({ earlier }, view) {
    const links = earlier.map((run, i) => run.runUrl ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .link */ .nf)(run.runUrl, String(i + 1), view) : i + 1);
    return `${earlier.length + 1}: ${links.join(', ')} ended UNABLE_TO_ALLOCATE_KERNEL`;
}
/** The project: its title where known (else the name it was given by), and its ID. */
function projectCell(report) {
    const { projectId, projectName } = report.target;
    const name = (0,_step_run_words_js__WEBPACK_IMPORTED_MODULE_2__/* .titleOf */ .G)(report) ?? projectName;
    return name ? `${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(name)} ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(projectId)}` : (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(projectId);
}
/** The run's duration, next to the usual one when the history is known; a slow run stands out. */
function durationCell(run) {
    const took = (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)((0,_lib_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(run.elapsedMs ?? 0));
    if (run.usualMs === undefined)
        return took;
    const usual = `(usually ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)((0,_lib_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(run.usualMs))})`;
    return (0,_step_report_js__WEBPACK_IMPORTED_MODULE_1__/* .slowerThanUsual */ .Mw)(run) ? `\u26A0\uFE0F **${took}** ${usual}` : `${took} ${usual}`;
}
function look(status) {
    // An unknown status is Hex's text: escaped like any other.
    // (A plain status word, SOME_THING, is inert as it is: GitHub does not emphasise within a word.)
    const shown = /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/.test(status) ? status : (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(status);
    return LOOKS[status] ?? { marker: '\u2754', headline: `Hex run ended ${shown}` };
}
function paramsBlock(inputParams, secrets) {
    const count = Object.keys(inputParams).length;
    // None were sent: nothing to show.
    if (count === 0)
        return [];
    let json;
    let note;
    try {
        json = (0,_lib_safe_text_js__WEBPACK_IMPORTED_MODULE_5__/* .redact */ .E$)(JSON.stringify(inputParams, null, 2), secrets);
    }
    catch {
        // Nested too deep to write out (a RangeError), or otherwise not JSON.
        json = '{}';
        note = 'The input parameters could not be shown: they are nested too deeply.';
    }
    if (json.length > _markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_PARAMS_JSON */ .P0) {
        note = `The input parameters are cut at ${_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_PARAMS_JSON */ .P0 / 1024} KiB of their ${Math.ceil(json.length / 1024)} KiB.`;
        json = `${json.slice(0, _markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_PARAMS_JSON */ .P0)}\n\u2026`;
    }
    return [
        '<details>',
        `<summary>Input parameters (${count})</summary>`,
        '',
        ...(note === undefined ? [] : [`*${note}*`, '']),
        // A fence longer than any backtick run in the JSON keeps the block closed.
        (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .fence */ .EU)((0,_lib_safe_text_js__WEBPACK_IMPORTED_MODULE_5__/* .stripControls */ .$Y)(json)),
        '',
        '</details>',
        ''
    ];
}


/***/ }),

/***/ 5821:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   A4: () => (/* binding */ worstStatus),
/* harmony export */   IZ: () => (/* binding */ isGroup),
/* harmony export */   YW: () => (/* binding */ groupTally),
/* harmony export */   fy: () => (/* binding */ conclusions)
/* harmony export */ });
/* unused harmony export stepSucceeded */
/* harmony import */ var _inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(769);
/* harmony import */ var _report_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3578);


/** Several projects were given: outputs, summary and log speak of the group. */
function isGroup(result) {
    return result.reports.length > 1;
}
/** Whether the step succeeds: every input read, and every run's report says so. */
function stepSucceeded(result) {
    return result.inputErrors === undefined && result.reports.every((r) => r.succeeded);
}
/**
 * How bad each status is, worst first: the `status` of a step with several runs is the worst of
 * theirs, so one check (`status == 'COMPLETED'`) tells whether all completed.
 */
const SEVERITY = [
    _report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Error,
    _report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Timeout,
    'UNABLE_TO_ALLOCATE_KERNEL',
    'ERRORED',
    'KILLED',
    _report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Cancelled,
    'RUNNING',
    'PENDING',
    _report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.DryRun,
    _report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Skipped,
    'COMPLETED'
];
function worstStatus(statuses) {
    // A status this list does not know ranks just above COMPLETED's neighbours: never "better".
    const rank = (s) => SEVERITY.includes(s) ? SEVERITY.indexOf(s) : SEVERITY.indexOf('RUNNING');
    return statuses.reduce((worst, s) => (rank(s) < rank(worst) ? s : worst), 'COMPLETED');
}
/**
 * What the step says at its end, for either edge to show: each input that did not read, then each
 * run's failure (an error) or what its reader should know (a warning); with several runs, each
 * line names its project. A run fail-fast stopped is a consequence, not a second cause: a warning.
 */
function conclusions(result) {
    if (result.inputErrors !== undefined)
        return result.inputErrors.map((text) => ({ level: 'error', text, title: 'Invalid input' }));
    const group = isGroup(result);
    const said = [];
    for (const report of result.reports) {
        if (!report.message)
            continue;
        const label = group ? `[${(0,_report_js__WEBPACK_IMPORTED_MODULE_1__/* .projectLabel */ .QZ)(report)}] ` : '';
        const title = report.run ? `Hex run ${report.status}` : `${_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .ACTION_NAME */ .px} failed`;
        if (!report.succeeded && !report.stoppedByFailFast)
            said.push({ level: 'error', text: `${label}${failureText(report)}`, title });
        // A skip is what was asked for: news, not a warning.
        else if (report.status === _report_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionStatus */ .VI.Skipped)
            said.push({ level: 'notice', text: `${label}${report.message}`, title: 'Hex run skipped' });
        else
            said.push({ level: 'warning', text: `${label}${report.message}`, title });
    }
    return said;
}
/** The closing line of a step with several runs: how many succeeded. */
function groupTally(result) {
    if (!isGroup(result))
        return undefined;
    const { reports } = result;
    const failed = reports.filter((r) => !r.succeeded).length;
    return `${reports.length - failed} of ${reports.length} Hex runs ${failed === 0 ? 'succeeded.' : `succeeded; ${failed} did not.`}`;
}
function failureText(report) {
    const url = report.run?.runUrl;
    const link = url && !report.message?.includes(url) ? ` ${url}` : '';
    return `${report.message ?? ''}${link}`;
}


/***/ })

};
