/**
 * Compares contract/hex-api.yaml with a Hex OpenAPI description and prints every disagreement:
 *
 *   node scripts/check-contract.ts                     Hex's published description (default)
 *   node scripts/check-contract.ts ../shared/hex-api/openapi.json
 *   node scripts/check-contract.ts https://static.hex.site/openapi.json
 *   node scripts/check-contract.ts --quiet [...]       disagreements only, no notes
 *
 * Exit code 0 when the contract agrees, 1 on any disagreement, 2 when a description cannot be
 * read. The comparison is contract/compare.ts, the same one __tests__/contract.test.ts runs.
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
  console.log('usage: node scripts/check-contract.ts [--quiet] [file-or-url]')
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
