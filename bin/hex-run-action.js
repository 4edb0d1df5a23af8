#!/usr/bin/env node
// The command-line tool: the same core as the action, with a plain-text edge (src/cli/).
import '../dist/cli/index.js'
