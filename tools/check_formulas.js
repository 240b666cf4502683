// Parse TeX formulas with MathJax, as the site does in the browser, and
// report the ones that fail.
//
// Usage: node tools/check_formulas.js PATH/TO/mathjax/node-main.js < formulas.json
// The input is a JSON list of {"tex": ..., "display": ...}; the output is a
// JSON list of {"index": ..., "message": ...}, one per formula that failed.

const mathjax = require(require("path").resolve(process.argv[2]));

function readStdin() {
  return new Promise((resolve) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

async function main() {
  const formulas = JSON.parse(await readStdin());
  const MathJax = await mathjax.init({
    loader: { load: ["input/tex", "adaptors/liteDOM"] },
    tex: {
      // An unknown macro is an error here, as it is for a reader.
      packages: { "[-]": ["noundefined"] },
      // Throw instead of drawing the error into the formula.
      formatError: (jax, error) => {
        throw error;
      },
    },
  });

  const errors = [];
  for (const [index, formula] of formulas.entries()) {
    try {
      await MathJax.tex2mmlPromise(formula.tex, { display: formula.display });
    } catch (error) {
      errors.push({ index, message: error.message });
    }
  }
  process.stdout.write(JSON.stringify(errors));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
