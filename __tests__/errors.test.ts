import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from '@jest/globals'
import { HexApiError, parseErrorBody, type RequestContext } from '../src/hex/errors.ts'

/** Hex's own samples, read from ../shared where they are kept (not copied into the project). */
const SAMPLES = new URL('../../shared/hex-api/samples/', import.meta.url)
function sample(name: string): string | undefined {
  try {
    return readFileSync(new URL(name, SAMPLES), 'utf8')
  } catch {
    return undefined
  }
}

const trigger: RequestContext = {
  operation: 'trigger',
  projectId: '5a8591dd-4039-49df-9202-96385ba3eff8',
  host: 'https://app.hex.tech'
}

describe('parseErrorBody', () => {
  it('reads the older {reason, details, traceId} shape', () => {
    assert.deepEqual(parseErrorBody('{"reason":"Bad","details":"more","traceId":"t1"}'), {
      message: 'Bad (more)',
      traceId: 't1',
      issues: [],
      invalid: [],
      notFound: []
    })
  })

  it('reads the newer {code, message, issues} shape', () => {
    const body = parseErrorBody(
      '{"code":"BAD_REQUEST","message":"Invalid input data","issues":[{"message":"dryRun must be a boolean"}]}'
    )
    assert.equal(body.message, 'Invalid input data')
    assert.deepEqual(body.issues, ['dryRun must be a boolean'])
  })

  it('reads the 422 {invalid, notFound} list', () => {
    const body = parseErrorBody(
      JSON.stringify({
        traceId: 't2',
        invalid: [
          { paramName: 'n', paramValue: '"x"', dataType: 'number', inputCellType: 'slider' }
        ],
        notFound: ['regoin']
      })
    )
    assert.deepEqual(body.invalid, [{ paramName: 'n', paramValue: '"x"', dataType: 'number' }])
    assert.deepEqual(body.notFound, ['regoin'])
    assert.equal(body.traceId, 't2')
  })

  it('reads plain text, and ignores an HTML page', () => {
    assert.equal(parseErrorBody('Unauthorized\n').message, 'Unauthorized')
    assert.equal(parseErrorBody('<html><body>502 Bad Gateway</body></html>').message, undefined)
    assert.equal(parseErrorBody('').message, undefined)
    assert.equal(parseErrorBody('[1]').message, undefined)
  })

  const texts = [
    'error-401.edge-plain-text.txt',
    'error-403.code-message-issues.spec-example-2026.json',
    'error-422.tsoa-reason.real.json',
    'error-tsoa.docs-sample-2026.json'
  ].map(sample)
  // Skipped, the reason in its name, where the samples are not beside the repository.
  const missing = texts.some((text) => text === undefined)
  ;(missing ? it.skip : it)(
    `reads every error sample from Hex's reference material${missing ? ' (skipped: ../shared/hex-api/samples is not here)' : ''}`,
    () => {
      const [plain, forbidden, real422, tsoa] = texts.map((text) => parseErrorBody(text ?? ''))
      assert.equal(plain?.message, 'Unauthorized')
      assert.equal(forbidden?.message, 'Insufficient access')
      assert.match(real422?.message ?? '', /Slack notifications cannot be sent/)
      assert.equal(real422?.traceId, 'xxxx')
      assert.equal(tsoa?.message, 'string (string)')
    }
  )
})

describe('HexApiError messages', () => {
  const error = (status: number, text: string, context = trigger) =>
    new HexApiError(context, status, '', parseErrorBody(text)).message

  it('401: token invalid or expired, or the wrong host, and how to make one', () => {
    const m = error(401, 'Unauthorized')
    assert.match(m, /rejected the API token \(401/)
    assert.match(m, /invalid or expired/)
    assert.match(m, /api-url/)
    assert.match(m, /Settings > API keys/)
  })

  it('403: the "Run projects" scope', () => {
    assert.match(
      error(403, '{"code":"FORBIDDEN","message":"Insufficient access"}'),
      /"Run projects" scope/
    )
  })

  it('404: names the project and the access it needs', () => {
    const m = error(404, '{"code":"NOT_FOUND","message":"Not found"}')
    assert.match(m, /no project 5a8591dd-4039-49df-9202-96385ba3eff8/)
    assert.match(m, /must exist/)
    assert.match(m, /access/)
  })

  it('404 on a status read names the run', () => {
    const m = error(404, '', { ...trigger, operation: 'status', runId: 'run-1' })
    assert.match(m, /no run run-1 of project/)
  })

  it('404 on a list of runs says what was asked, with no gap where a run ID would be', () => {
    const m = error(404, '', { ...trigger, operation: 'list' })
    assert.match(m, /^Hex answered 404 Not Found at .* when asked to list the runs of project /)
    assert.doesNotMatch(m, / {2}/)
  })

  it('422: published project or a bad parameter, with what Hex listed', () => {
    const m = error(
      422,
      JSON.stringify({
        traceId: 'tr-9',
        invalid: [{ paramName: 'n', paramValue: '"x"', dataType: 'number' }],
        notFound: ['regoin']
      })
    )
    assert.match(m, /must be published/)
    assert.match(m, /input parameters not in the project: regoin/)
    assert.match(m, /invalid value for input parameter n: "x" \(expects number\)/)
    assert.match(m, /trace ID tr-9/)
  })

  it("anything else: Hex's own message and trace id", () => {
    const m = new HexApiError(
      trigger,
      500,
      'Internal Server Error',
      parseErrorBody('{"reason":"Something broke","traceId":"abc"}')
    ).message
    assert.match(m, /Hex answered 500 Internal Server Error when asked to start a run of project/)
    assert.match(m, /Hex said: Something broke/)
    assert.match(m, /trace ID abc/)
  })

  it('is one line', () => {
    for (const status of [401, 403, 404, 422, 500, 503])
      assert.doesNotMatch(error(status, '{"message":"a"}'), /\n/)
  })
})
