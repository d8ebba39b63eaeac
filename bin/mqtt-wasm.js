#!/usr/bin/env node
// The mqtt-wasm command: see js/node/cli.js, or run mqtt-wasm --help.
import { main } from '../js/node/cli.js';

process.exitCode = await main(process.argv.slice(2));
