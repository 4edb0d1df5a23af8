/**
 * Compares contract/hex-api.yaml with a Hex OpenAPI description and prints every disagreement:
 *
 *   npm run contract                                   Hex's published description (default)
 *   npm run contract -- ../shared/hex-api/openapi.json
 *   npm run contract -- https://static.hex.site/openapi.json
 *   npm run contract -- --quiet [...]                  disagreements only, no notes
 *
 * Exit code 0 when the contract agrees, 1 on any disagreement, 2 when a description cannot be
 * read. The comparison is contract/compare.ts, the same one __tests__/contract.test.ts runs. The npm
 * script gives it Node 24, which it needs (TypeScript run by type stripping).
 */
import {
  compareDescriptions,
  CONTRACT_FILE,
  formatFinding,
  HEX_DESCRIPTION_URL,
  loadDescription
} from '../contract/compare.ts'

const args = process.argv.slice(2)
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm run contract -- [--quiet] [file-or-url]')
  console.log(`default: ${HEX_DESCRIPTION_URL}`)
  process.exit(0)
}
const quiet = args.includes('--quiet')
const source = args.find((arg) => !arg.startsWith('-')) ?? HEX_DESCRIPTION_URL

let findings
try {
  const [contract, hex] = await Promise.all([
    loadDescription(CONTRACT_FILE),
    loadDescription(source)
  ])
  findings = compareDescriptions(contract, hex)
} catch (error) {
  console.error(`check-contract: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(2)
}

const disagreements = findings.filter((f) => f.kind === 'disagreement')
for (const finding of findings) {
  if (finding.kind === 'disagreement' || !quiet) console.log(formatFinding(finding))
}
console.log(
  disagreements.length === 0
    ? `contract/hex-api.yaml agrees with ${source}.`
    : `${disagreements.length} disagreement(s) between contract/hex-api.yaml and ${source}.`
)
process.exitCode = disagreements.length === 0 ? 0 : 1
