// Validates FHIR R4 JSON files with the third-party npm package "fhir" (FHIR.js, pinned 4.12.0).
//
// Usage: node validate.js FILE_OR_DIR...   (a directory means every *.json file in it)
// Prints one line per error or fatal message ("file: severity location: message") and a closing
// "N passed, N failed" line; exits 1 when any file has an error, 2 on bad usage. Unexpected
// properties count as errors (errorOnUnexpected), warnings and information are only counted.
'use strict';

const fs = require('fs');
const path = require('path');
const { Fhir } = require('fhir');

function filesOf(args) {
  const files = [];
  for (const arg of args) {
    if (fs.statSync(arg).isDirectory()) {
      for (const name of fs.readdirSync(arg).sort()) {
        if (name.endsWith('.json')) files.push(path.join(arg, name));
      }
    } else {
      files.push(arg);
    }
  }
  return files;
}

function main(args) {
  if (args.length === 0) {
    console.error('usage: node validate.js FILE_OR_DIR...');
    return 2;
  }
  const fhir = new Fhir();
  let passed = 0;
  let failed = 0;
  let warnings = 0;
  for (const file of filesOf(args)) {
    let resource;
    try {
      resource = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      console.log(`${file}: fatal: not JSON: ${e.message}`);
      failed++;
      continue;
    }
    const result = fhir.validate(resource, { errorOnUnexpected: true });
    const errors = result.messages.filter((m) => m.severity === 'error' || m.severity === 'fatal');
    warnings += result.messages.filter((m) => m.severity === 'warning').length;
    for (const m of errors) console.log(`${file}: ${m.severity} ${m.location}: ${m.message}`);
    if (result.valid && errors.length === 0) {
      passed++;
    } else {
      failed++;
    }
  }
  console.log(`(${warnings} warnings)`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
