export const id = 718;
export const ids = [718];
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

/***/ 7718:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post)
/* harmony export */ });
/* harmony import */ var _hex_types_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(8895);
/* harmony import */ var _runs_cancel_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8378);
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(7268);
/* harmony import */ var _step_outcome_words_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(102);
/* harmony import */ var _step_plan_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(412);
/* harmony import */ var _step_settings_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8050);
/* harmony import */ var _commit_status_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5021);
/* harmony import */ var _constants_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(915);
/* harmony import */ var _io_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3729);
/* harmony import */ var _ledger_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(6885);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(8770);











/**
 * The post step. The main step cancels its runs itself when it is told to stop; this is for when
 * it could not: it was killed first, or a cancel failed. It also finishes the commit statuses such
 * a main step left pending. It does nothing for runs the main step settled, and it never fails the
 * job.
 */
async function post({ io: runner, runtime, services = {} }) {
    // As in the main step: text from Hex is made safe, secrets redacted.
    const io = (0,_io_js__WEBPACK_IMPORTED_MODULE_6__/* .safeIO */ .u)(runner);
    try {
        await cleanUpAll(io, runtime, services);
    }
    catch (error) {
        // A bug: a warning with its reason (the stack to debug only), and the job goes on.
        if (error instanceof Error && error.stack)
            io.debug(error.stack);
        io.warning(`The post step could not finish: ${(0,_lib_errors_js__WEBPACK_IMPORTED_MODULE_9__/* .errorMessage */ .g)(error)}. Runs of this step may still be going in Hex.`);
    }
}
async function cleanUpAll(io, runtime, services) {
    const left = (0,_ledger_js__WEBPACK_IMPORTED_MODULE_7__/* .readLedger */ .S)(io.getState(_constants_js__WEBPACK_IMPORTED_MODULE_5__/* .State */ .U.Runs)).filter((e) => e.fate !== 'settled');
    const openStatuses = (0,_commit_status_js__WEBPACK_IMPORTED_MODULE_4__/* .readOpenStatuses */ .Bb)(io.getState(_constants_js__WEBPACK_IMPORTED_MODULE_5__/* .State */ .U.Statuses));
    if (left.length === 0 && openStatuses.length === 0) {
        io.debug('The main step settled its runs (or started none): nothing to clean up.');
        return;
    }
    for (const token of (0,_step_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .readTokens */ .He)(io.getInput, runtime.env))
        io.setSecret(token);
    const parsed = (0,_step_settings_js__WEBPACK_IMPORTED_MODULE_3__/* .readSettings */ .sb)(io.getInput, runtime.env);
    if (!parsed.ok) {
        if (left.length > 0)
            io.warning(`Hex runs ${left.map((e) => e.runId).join(', ')} may still be going; the inputs could not be read again to cancel them.`);
        if (openStatuses.length > 0)
            io.warning(`Commit statuses ${openStatuses.map((s) => s.context).join(', ')} stay pending; the inputs could not be read again to finish them.`);
        return;
    }
    const { settings } = parsed;
    // The runner gives a post step little time: each request and the whole clean-up fit a cancel's.
    const session = (0,_step_plan_js__WEBPACK_IMPORTED_MODULE_2__/* .hexSession */ .C9)(settings, runtime, io, {
        deadline: runtime.now() + _runs_cancel_js__WEBPACK_IMPORTED_MODULE_0__/* .CANCEL_BUDGET_ON_SIGNAL_MS */ .Z_,
        requestTimeoutMs: Math.min(settings.requestTimeoutMs, _runs_cancel_js__WEBPACK_IMPORTED_MODULE_0__/* .CANCEL_BUDGET_ON_SIGNAL_MS */ .Z_)
    });
    const results = await Promise.all(left.map((entry) => cleanUp(entry, settings, session, io)));
    const reporter = openStatuses.length > 0 && (0,_commit_status_js__WEBPACK_IMPORTED_MODULE_4__/* .statusReporter */ .WT)(settings, services, runtime, io, false);
    if (reporter) {
        const ends = new Map(left.map((entry, i) => [entry.runId, results[i]?.end]));
        await reporter.finishLeftOpen(openStatuses, (open) => statusAfterStop(ends.get(open.runId)));
    }
    const done = results.map((r) => r.line).filter((line) => line !== undefined);
    if (done.length === 0)
        return;
    try {
        await io.writeSummary(done.map((line) => `> \uD83D\uDEAB ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_8__/* .summaryText */ .g5)(line, io.secrets())}\n`).join('\n'));
    }
    catch {
        // The summary is a courtesy here; the cancel is what mattered.
    }
}
/** A status left pending by a main step that was stopped: how the post step found the run. */
function statusAfterStop(end) {
    if (typeof end === 'object')
        return end.status === 'COMPLETED'
            ? { state: 'success', description: 'COMPLETED (seen after the step was stopped)' }
            : { state: 'failure', description: `${end.status} (seen after the step was stopped)` };
    const fate = end === 'cancelled'
        ? '; the Hex run was cancelled'
        : end === 'left-going'
            ? '; the Hex run was left going'
            : '';
    return { state: 'error', description: `CANCELLED: ${(0,_step_outcome_words_js__WEBPACK_IMPORTED_MODULE_1__/* .stopWording */ .l9)('workflow').short}${fate}` };
}
/** Cancels one run the main step left going, unless it should stay. Says what it did. */
async function cleanUp({ projectId, runId, fate }, settings, session, io) {
    // A cancel the main step tried and could not is finished here whatever the inputs say; a run
    // the main step never got to decide on is cancelled as on a workflow cancel.
    if (fate === 'open' && !settings.cancelOnWorkflowCancel) {
        io.info(`The step stopped before Hex run ${runId} ended; cancel-on-workflow-cancel is false, so it is left going.`);
        return { end: 'left-going' };
    }
    try {
        const state = await session.within(_runs_cancel_js__WEBPACK_IMPORTED_MODULE_0__/* .CANCEL_BUDGET_ON_SIGNAL_MS */ .Z_).getRun(projectId, runId);
        if ((0,_hex_types_js__WEBPACK_IMPORTED_MODULE_10__/* .isTerminalStatus */ .TQ)(state.status)) {
            io.info(`Hex run ${runId} already ended ${state.status}: nothing to cancel.`);
            return { end: { status: state.status } };
        }
    }
    catch (error) {
        io.debug(`Could not read the run's status: ${(0,_lib_errors_js__WEBPACK_IMPORTED_MODULE_9__/* .errorMessage */ .g)(error)}`);
    }
    const result = await (0,_runs_cancel_js__WEBPACK_IMPORTED_MODULE_0__/* .cancelRun */ .Su)(session, projectId, runId, _runs_cancel_js__WEBPACK_IMPORTED_MODULE_0__/* .CANCEL_BUDGET_ON_SIGNAL_MS */ .Z_);
    if (result.kind === 'failed') {
        io.warning(`Hex run ${runId} may still be going: cancelling it failed: ${result.error}`);
        return {};
    }
    const line = result.kind === 'already-ended'
        ? `Hex run ${runId} had already ended ${result.status}: nothing to cancel.`
        : fate === 'cancel-wanted'
            ? `Cancelled Hex run ${runId}, which the main step could not cancel.`
            : `Cancelled Hex run ${runId}: the main step was stopped before the run ended.`;
    io.info(line);
    return {
        line,
        end: result.kind === 'already-ended' ? { status: result.status } : 'cancelled'
    };
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
