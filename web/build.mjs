// Bundles the explorer into the Python package (fundgraph/api/static/dist): one script, one stylesheet, and the
// licences of what went in; and copies Swagger UI (swagger-ui-dist) there for /docs, so that no page of fundgraph
// loads anything from a CDN. Run by `make web`; `--watch` rebuilds on change while you work on it.
import { copyFileSync, mkdirSync } from "node:fs";
import * as esbuild from "esbuild";

const OUT = "../fundgraph/api/static/dist";

const options = {
  entryPoints: { explorer: "src/main.js" },
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: true,
  legalComments: "external",
  outdir: OUT,
  logLevel: "info",
};

// /docs: Swagger UI as published, and our own start-up script (src/swagger-init.js) instead of the inline one
// FastAPI writes, so the page's Content-Security-Policy needs no 'unsafe-inline' for scripts.
mkdirSync(OUT, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-bundle.js.LICENSE.txt", "LICENSE", "NOTICE"]) {
  copyFileSync(`node_modules/swagger-ui-dist/${file}`, `${OUT}/${file.startsWith("swagger") ? file : "swagger-ui." + file + ".txt"}`);
}
copyFileSync("src/swagger-init.js", `${OUT}/swagger-init.js`);

if (process.argv.includes("--watch")) {
  const context = await esbuild.context({ ...options, minify: false });
  await context.watch();
} else {
  await esbuild.build(options);
}
