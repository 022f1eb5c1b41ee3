// Copy the distributable JS files we serve ourselves from node_modules into
// static/vendor/ (no CDN, no run-time downloads), plus each package's licence.
//
// `//# sourceMappingURL=` comments are stripped because the .map files are not
// vendored and Django's ManifestStaticFilesStorage would otherwise fail on
// collectstatic while trying to hash the missing maps.
//
// Usage: npm run vendor   (run from the repository root)
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const nodeModules = join(root, "node_modules");
const vendorDir = join(root, "static", "vendor");
const licenseDir = join(vendorDir, "licenses");

// [package, file inside the package, destination name in static/vendor/]
const FILES = [
  ["htmx.org", "dist/htmx.min.js", "htmx.min.js"],
  ["htmx-ext-sse", "dist/sse.min.js", "htmx-ext-sse.min.js"],
  // Alpine's CSP build: it parses expressions itself instead of `new Function`, so the
  // site's Content-Security-Policy needs no 'unsafe-eval' (README, Content-Security-Policy).
  ["@alpinejs/csp", "dist/cdn.min.js", "alpine.min.js"],
  ["chart.js", "dist/chart.umd.min.js", "chart.umd.min.js"],
];

// Packages whose licence we ship: the vendored JS plus what is compiled into
// static/css/app.css.
const LICENSED = [...new Set(FILES.map(([pkg]) => pkg)), "tailwindcss", "daisyui"];

const SOURCE_MAP_RE = /^[ \t]*(?:\/\/[#@][ \t]*sourceMappingURL=.*|\/\*[#@][ \t]*sourceMappingURL=.*?\*\/)[ \t]*\r?$/gm;

function pkgDir(pkg) {
  const dir = join(nodeModules, pkg);
  if (!existsSync(join(dir, "package.json"))) {
    throw new Error(`${pkg} is not installed - run "npm install" (or "npm ci") first`);
  }
  return dir;
}

function pkgJson(pkg) {
  return JSON.parse(readFileSync(join(pkgDir(pkg), "package.json"), "utf8"));
}

function licenseText(pkg) {
  const dir = pkgDir(pkg);
  const file = readdirSync(dir).find((name) => /^licen[cs]e(\.(md|txt))?$/i.test(name));
  if (file) return readFileSync(join(dir, file), "utf8");

  // Some packages (@alpinejs/csp) do not ship a LICENSE file in the npm tarball.
  const meta = pkgJson(pkg);
  const author = typeof meta.author === "string" ? meta.author : meta.author?.name ?? "the authors";
  if (meta.license !== "MIT") {
    throw new Error(`${pkg} ships no LICENSE file and its licence is ${meta.license}; add it by hand`);
  }
  return `The npm package ${pkg}@${meta.version} does not include a LICENSE file; its
package.json declares "license": "MIT". Standard MIT licence text follows.

MIT License

Copyright (c) ${author} and contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;
}

// Start from a clean directory so renamed/removed files do not linger.
rmSync(vendorDir, { recursive: true, force: true });
mkdirSync(licenseDir, { recursive: true });

for (const [pkg, src, dest] of FILES) {
  const js = readFileSync(join(pkgDir(pkg), src), "utf8");
  const stripped = js.replace(SOURCE_MAP_RE, "").replace(/\s+$/, "") + "\n";
  writeFileSync(join(vendorDir, dest), stripped);
  console.log(`vendor: ${pkg}@${pkgJson(pkg).version} ${src} -> static/vendor/${dest}`);
}

for (const pkg of LICENSED) {
  // A scoped name ("@alpinejs/csp") becomes one file name ("alpinejs-csp.txt").
  writeFileSync(join(licenseDir, `${pkg.replace(/^@/, "").replace("/", "-")}.txt`), licenseText(pkg));
}
console.log(`vendor: licences -> static/vendor/licenses/ (${LICENSED.join(", ")})`);
