// Bundles the explorer into the Python package (fundgraph/api/static/dist): one script, one stylesheet, and the
// licences of what went in. Run by `make web`; `--watch` rebuilds on change while you work on it.
import * as esbuild from "esbuild";

const options = {
  entryPoints: { explorer: "src/main.js" },
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: true,
  legalComments: "external",
  outdir: "../fundgraph/api/static/dist",
  logLevel: "info",
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context({ ...options, minify: false });
  await context.watch();
} else {
  await esbuild.build(options);
}
